package dev.ha4j.examples.samples;

import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.spi.Journal;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample {@link Journal}: every entry goes to a primary and a mirror journal (two disks, or a local file and a
 * network share), so that a manager restarted after a disk loss still recovers maintenance, a block and the
 * restart count. Recovery reads the primary, or the mirror when the primary cannot be read. An append that
 * fails on the mirror is logged, not thrown; one that fails on the primary throws, as the primary's own would.
 *
 * <p>As thread-safe as the two journals it writes to.
 */
public final class MirroredJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(MirroredJournal.class);

    private final Journal primary;
    private final Journal mirror;

    /**
     * Creates a journal over two others.
     *
     * @param primary the journal recovery reads first
     * @param mirror the copy
     */
    public MirroredJournal(Journal primary, Journal mirror) {
        this.primary = primary;
        this.mirror = mirror;
    }

    @Override
    public void append(JournalEntry entry) {
        primary.append(entry);
        try {
            mirror.append(entry);
        } catch (RuntimeException e) {
            LOG.warn("journal mirror {} missed entry {}: {}", mirror, entry.seq(), e.toString());
        }
    }

    @Override
    public List<JournalEntry> readAll() {
        try {
            return primary.readAll();
        } catch (RuntimeException e) {
            LOG.warn("primary journal {} unreadable ({}); recovering from the mirror {}", primary, e, mirror);
            return mirror.readAll();
        }
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            mirror.close();
        }
    }

    @Override
    public String toString() {
        return "MirroredJournal{" + primary + ", mirror " + mirror + "}";
    }
}
