/**
 * Extension points: the small interfaces through which ha4j touches real infrastructure. Users implement
 * them for their own environment and hand them in through {@link dev.ha4j.core.runtime.HaRuntime#builder()}.
 *
 * <p>Common rules for every SPI: every call has a deadline it honours; expected failures are returned as
 * result values, never thrown; actions are idempotent; secrets never appear in {@code toString()}; an
 * interrupted call returns promptly. The testkit's compatibility kits check these rules for an
 * implementation.
 */
package dev.ha4j.core.spi;
