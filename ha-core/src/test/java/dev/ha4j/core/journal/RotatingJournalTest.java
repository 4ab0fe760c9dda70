package dev.ha4j.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingJournalTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");

    @TempDir
    Path dir;

    /** Mostly healthy probes; every 97th entry is a lease grant with a new epoch, every 1000th a restart. */
    static JournalEntry entry(long seq) {
        Instant at = T.plusSeconds(15 * seq);
        if (seq % 97 == 0) {
            Lease l = new Lease(A, Epoch.of(seq / 97));
            return new JournalEntry(seq, at, new Event.LeaseAcquired(at, seq, LeaseResult.granted(l)), Phase.ADOPTING,
                    List.of(new Command.Route(seq + 1, A, l.epoch(), Duration.ofSeconds(5))), "lease granted: " + l);
        }
        if (seq % 1000 == 0) {
            return new JournalEntry(seq, at, new Event.ProbeCompleted(at, seq, A, ProbeResult.failed(
                    dev.ha4j.core.FailureKind.CRASHED, "refused")), Phase.RESTARTING,
                    List.of(new Command.Notify(seq + 1, new Notification(at, Notification.Kind.RESTARTED,
                            Optional.of(A), Epoch.NONE, "restarting"))), "restarting a in place");
        }
        return new JournalEntry(seq, at, new Event.ProbeCompleted(at, seq, A, ProbeResult.healthy()), Phase.RUNNING,
                List.of(new Command.ArmTimer(seq + 1, Timer.PROBE, at.plusSeconds(15))), "probe of a: HEALTHY");
    }

    RotatingJournal small() {
        return RotatingJournal.builder().directory(dir).maxFileBytes(64 * 1024).maxFiles(3).checkpointEvery(100)
                .build();
    }

    @Test
    void rotatesWithABoundedNumberOfFilesAndRecoversFromTheNewestCheckpoint() {
        RecoveryState reference = RecoveryState.empty();
        try (RotatingJournal j = small()) {
            for (long s = 1; s <= 5_000; s++) {
                j.append(entry(s));
                reference.apply(entry(s));
                if (s % 25 == 0) {
                    assertThat(RotatingJournal.segments(dir)).hasSizeLessThanOrEqualTo(3);
                    assertThat(RotatingJournal.checkpointFiles(dir)).hasSizeLessThanOrEqualTo(3);
                }
            }
            // Before the closing checkpoint: recovery reads the entries after the newest periodic one.
            Recovery r = RotatingJournal.recover(dir);
            assertThat(r.state().toCheckpoint()).isEqualTo(reference.toCheckpoint());
            assertThat(r.checkpointSeq()).isPresent();
            assertThat(r.entriesRead()).isLessThanOrEqualTo(100);
        }
        try (RotatingJournal j = small()) {
            j.append(entry(5_001));
            reference.apply(entry(5_001));
        }
        try (RotatingJournal j = small()) {
            Recovery r = j.recover();
            assertThat(r.state().seq()).isEqualTo(5_001);
            assertThat(r.entriesRead()).isZero();
            assertThat(r.state().toCheckpoint()).isEqualTo(reference.toCheckpoint());
            assertThat(r.state().highestEpoch()).isEqualTo(Epoch.of(5_001 / 97));
            assertThat(r.notes()).isEmpty();
        }
        List<JournalEntry> retained = RotatingJournal.read(dir);
        assertThat(retained.get(retained.size() - 1).seq()).isEqualTo(5_001);
        assertThat(retained.size()).isLessThan(5_001);
        // Every segment is an old-format journal file.
        for (Path segment : RotatingJournal.segments(dir)) {
            assertThat(JsonLinesJournal.read(segment)).isNotEmpty();
        }
    }

    @Test
    void recoveryReadsOnlyWhatFollowsTheNewestCheckpoint() {
        try (RotatingJournal j = RotatingJournal.builder().directory(dir).checkpointEvery(1_000).build()) {
            for (long s = 1; s <= 2_345; s++) {
                j.append(entry(s));
            }
            Recovery r = RotatingJournal.recover(dir);
            assertThat(r.checkpointSeq()).contains(2_000L);
            assertThat(r.entriesRead()).isEqualTo(345);
        }
    }

    @Test
    void aCorruptCheckpointFallsBackToThePreviousOneAndSaysSo() throws Exception {
        RecoveryState reference = RecoveryState.empty();
        try (RotatingJournal j = RotatingJournal.builder().directory(dir).checkpointEvery(100).build()) {
            for (long s = 1; s <= 450; s++) {
                j.append(entry(s));
                reference.apply(entry(s));
            }
        }
        List<Path> cps = RotatingJournal.checkpointFiles(dir);
        Path newest = cps.get(cps.size() - 1);
        String text = Files.readString(newest, StandardCharsets.UTF_8);
        // A flipped digit that still parses: only the CRC can tell.
        Files.writeString(newest, text.replace("\"seq\":450", "\"seq\":451").replace("\"entries\":450",
                "\"entries\":451"), StandardCharsets.UTF_8);
        Recovery r = RotatingJournal.recover(dir);
        assertThat(r.state().toCheckpoint()).isEqualTo(reference.toCheckpoint());
        assertThat(r.checkpointSeq()).contains(400L);
        assertThat(r.entriesRead()).isEqualTo(50);
        assertThat(r.notes()).singleElement().asString().contains(newest.toString())
                .contains("falling back to the one before it");

        Files.writeString(cps.get(cps.size() - 2), "{not json", StandardCharsets.UTF_8);
        r = RotatingJournal.recover(dir);
        assertThat(r.checkpointSeq()).contains(300L);
        assertThat(r.state().toCheckpoint()).isEqualTo(reference.toCheckpoint());
        assertThat(r.notes()).hasSize(2);
        assertThat(r.notes().get(1)).contains("malformed");
    }

    @Test
    void aTornLastLineIsCutOffAndAppendsContinueCleanly() throws Exception {
        try (RotatingJournal j = small()) {
            for (long s = 1; s <= 10; s++) {
                j.append(entry(s));
            }
        }
        Path segment = RotatingJournal.segments(dir).get(0);
        Files.writeString(segment, "{\"seq\":11,\"at\":\"2026-01-0", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (RotatingJournal j = small()) {
            assertThat(j.recover().notes()).singleElement().asString().contains("torn last line");
            assertThat(j.recover().state().seq()).isEqualTo(10);
            j.append(entry(11));
        }
        assertThat(RotatingJournal.read(dir)).extracting(JournalEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L,
                7L, 8L, 9L, 10L, 11L);
    }

    @Test
    void healthyProbesAreNotFsyncedButDurableDecisionsAre() {
        try (RotatingJournal j = RotatingJournal.builder().directory(dir).checkpointEvery(1_000_000).build()) {
            long before = j.fsyncs();
            for (long s = 1; s <= 96; s++) {
                j.append(entry(s));
            }
            assertThat(j.fsyncs()).as("healthy probes change nothing recovery needs").isEqualTo(before);
            j.append(entry(97));
            assertThat(j.fsyncs()).as("a new epoch is forced to the disk").isEqualTo(before + 1);
        }
        Path every = dir.resolve("every");
        try (RotatingJournal j = RotatingJournal.builder().directory(every).checkpointEvery(1_000_000)
                .durability(RotatingJournal.Durability.EVERY_ENTRY).build()) {
            long before = j.fsyncs();
            for (long s = 1; s <= 50; s++) {
                j.append(entry(s));
            }
            assertThat(j.fsyncs()).isEqualTo(before + 50);
        }
    }

    @Test
    void anOldSingleFileJournalStillRecovers() {
        Path file = dir.resolve("journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            for (long s = 1; s <= 200; s++) {
                j.append(entry(s));
            }
        }
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            Recovery r = Recovery.of(j);
            assertThat(r.checkpointSeq()).isEmpty();
            assertThat(r.entriesRead()).isEqualTo(200);
            assertThat(r.state().highestEpoch()).isEqualTo(Epoch.of(2));
        }
    }

    @Test
    void settingsAreValidatedNamingTheField() {
        assertThatThrownBy(() -> RotatingJournal.builder().directory(dir).maxFiles(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFiles 1");
        assertThatThrownBy(() -> RotatingJournal.builder().directory(dir).maxFileBytes(10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFileBytes 10");
        assertThatThrownBy(() -> RotatingJournal.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directory");
    }

    @Test
    void aSecondWriterIsRefused() {
        try (RotatingJournal j = small()) {
            assertThatThrownBy(this::small).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("in use");
        }
        small().close();
    }

    @Test
    void aSingleFileJournalCarriesOverIntoANewDirectory() {
        Path file = dir.resolve("journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            for (long s = 1; s <= 300; s++) {
                j.append(entry(s));
            }
        }
        Path journal = dir.resolve("journal");
        try (RotatingJournal j = RotatingJournal.builder().directory(journal).continueFrom(file).build()) {
            Recovery r = j.recover();
            assertThat(r.state().seq()).isEqualTo(300);
            assertThat(r.state().highestEpoch()).isEqualTo(Epoch.of(3));
            assertThat(r.notes()).singleElement().asString().contains("continued from");
            j.append(entry(301));
        }
        Recovery again = RotatingJournal.recover(journal);
        assertThat(again.checkpointSeq()).contains(301L);
        assertThat(again.state().highestEpoch()).isEqualTo(Epoch.of(3));
        assertThat(RotatingJournal.read(journal)).extracting(JournalEntry::seq).containsExactly(301L);
        assertThat(JsonLinesJournal.read(file)).hasSize(300);
    }
}
