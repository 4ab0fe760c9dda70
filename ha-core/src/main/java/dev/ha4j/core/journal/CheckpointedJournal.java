package dev.ha4j.core.journal;

import dev.ha4j.core.spi.Journal;

/**
 * A {@link Journal} that keeps checkpoints of its {@link RecoveryState}, so that recovery reads the newest
 * checkpoint and the entries after it instead of the whole history.
 *
 * <p>Implementations are thread-safe.
 */
public interface CheckpointedJournal extends Journal {
    /**
     * Recovers from the newest usable checkpoint and the entries after it; a corrupt checkpoint falls back to
     * the one before it (and the result says so).
     *
     * @return the recovery
     * @throws java.io.UncheckedIOException if the journal cannot be read
     * @throws IllegalArgumentException if an entry other than a torn last one is malformed
     */
    Recovery recover();

    /**
     * Writes a checkpoint of everything appended so far, with a sentence for the timeline (for example that the
     * configuration changed since the journal was written).
     *
     * @param note why, empty for a periodic checkpoint
     */
    void checkpoint(String note);
}
