package dev.ha4j.examples.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.JsonLinesJournal;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirrored journal over two real JSON-lines journal files. */
class MirroredJournalTest {
    @TempDir
    Path dir;

    private static JournalEntry entry(long seq) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq);
        return new JournalEntry(seq, at, new Event.Started(at), Phase.RECONCILING, List.of(), "entry " + seq);
    }

    @Test
    void recoversFromTheMirrorWhenThePrimaryIsGone() throws Exception {
        Path primary = dir.resolve("a/journal.jsonl");
        Path mirror = dir.resolve("b/journal.jsonl");
        Files.createDirectories(primary.getParent());
        Files.createDirectories(mirror.getParent());
        MirroredJournal j = new MirroredJournal(JsonLinesJournal.open(primary), JsonLinesJournal.open(mirror));
        j.append(entry(1));
        j.append(entry(2));
        j.close();
        assertThat(JsonLinesJournal.read(mirror)).extracting(JournalEntry::reason)
                .containsExactly("entry 1", "entry 2");

        // the primary's disk is lost: recovery comes from the mirror's file
        MirroredJournal recovered = new MirroredJournal(new UnreadableJournal(), JsonLinesJournal.open(mirror));
        assertThat(recovered.readAll()).extracting(JournalEntry::reason).containsExactly("entry 1", "entry 2");
    }

    @Test
    void aFailingPrimaryAppendThrowsLikeThePrimaryWould() {
        MirroredJournal j = new MirroredJournal(new UnreadableJournal(), new UnreadableJournal());
        assertThatThrownBy(() -> j.append(entry(1))).isInstanceOf(UncheckedIOException.class);
    }

    /** A journal on a disk that is gone. */
    private static final class UnreadableJournal implements dev.ha4j.core.spi.Journal {
        @Override
        public void append(JournalEntry entry) {
            throw new UncheckedIOException(new java.io.IOException("disk gone"));
        }

        @Override
        public List<JournalEntry> readAll() {
            throw new UncheckedIOException(new java.io.IOException("disk gone"));
        }
    }
}
