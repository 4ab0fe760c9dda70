package dev.ha4j.core.spi;

import dev.ha4j.core.journal.JournalEntry;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records every decision of the engine with its reason, durably where the implementation can, so that an
 * operator can read why something happened and a test can replay it.
 *
 * <p>Implementations must be thread-safe; {@link #append} is called from the runtime's event loop and should
 * return quickly. Failures to write are logged, not thrown: a journal problem must not stop a failover.
 */
public interface Journal extends AutoCloseable {
    /**
     * @param entry the decision to record
     */
    void append(JournalEntry entry);

    /**
     * @return every entry recorded so far, in order
     */
    List<JournalEntry> readAll();

    /**
     * Hands every entry recorded so far to {@code action}, in order. The runtime recovers from the journal this
     * way; a journal that can stream its entries overrides it so that a long journal need not fit in memory.
     *
     * @param action what to do with each entry
     */
    default void forEach(Consumer<JournalEntry> action) {
        readAll().forEach(action);
    }

    /** Flushes and releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
