package dev.ha4j.fencing.ipmi.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A point in time on an injected clock. Immutable and thread-safe.
 *
 * @param clock the clock
 * @param at the deadline
 */
public record Deadline(Clock clock, Instant at) {
    /**
     * Returns a deadline {@code d} from now.
     *
     * @param clock the clock
     * @param d from now
     * @return a deadline {@code d} from now
     */
    public static Deadline after(Clock clock, Duration d) {
        return new Deadline(clock, clock.instant().plus(d));
    }

    /** @return the time left, zero once passed */
    public Duration remaining() {
        Duration r = Duration.between(clock.instant(), at);
        return r.isNegative() ? Duration.ZERO : r;
    }

    /** @return whether the deadline has passed */
    public boolean expired() {
        return !clock.instant().isBefore(at);
    }

    /**
     * Returns the earlier of this deadline and {@code d} from now.
     *
     * @param d a duration
     * @return the earlier of this deadline and {@code d} from now
     */
    public Deadline atMost(Duration d) {
        Instant other = clock.instant().plus(d);
        return other.isBefore(at) ? new Deadline(clock, other) : this;
    }
}
