package dev.ha4j.core.journal;

import dev.ha4j.core.spi.Journal;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Journal} that keeps entries in memory, for tests and short-lived tools.
 *
 * <p>Thread-safe.
 */
public final class InMemoryJournal implements Journal {
    private final List<JournalEntry> entries = new ArrayList<>();

    @Override
    public synchronized void append(JournalEntry entry) {
        entries.add(entry);
    }

    @Override
    public synchronized List<JournalEntry> readAll() {
        return List.copyOf(entries);
    }
}
