package dev.ha4j.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesJournalTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");

    @TempDir
    Path dir;

    static JournalEntry entry(long seq) {
        return new JournalEntry(seq, T.plusSeconds(seq), new Event.ProbeCompleted(T, seq, A,
                ProbeResult.healthy().withLatency(Duration.ofMillis(3))), Phase.RUNNING,
                List.of(new Command.ArmTimer(seq + 1, Timer.PROBE, T.plusSeconds(15))), "probe of a: HEALTHY");
    }

    @Test
    void entriesRoundTripAndAppendAcrossOpens() {
        Path file = dir.resolve("sub/journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(1));
            j.append(entry(2));
        }
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(3));
            assertThat(j.readAll()).containsExactly(entry(1), entry(2), entry(3));
            List<JournalEntry> streamed = new ArrayList<>();
            j.forEach(streamed::add);
            assertThat(streamed).containsExactly(entry(1), entry(2), entry(3));
        }
    }

    @Test
    void aTornLastLineFromACrashIsSkipped() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(1));
        }
        Files.writeString(file, "{\"seq\":2,\"at\":\"2026-01-01T00:0", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertThat(JsonLinesJournal.read(file)).containsExactly(entry(1));
    }

    @Test
    void aMalformedLineInTheMiddleIsAnErrorNamingTheLine() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(1));
        }
        Files.writeString(file, "garbage\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(3));
        }
        assertThatThrownBy(() -> JsonLinesJournal.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2 is malformed");
    }

    @Test
    void entriesAfterATornLineAreStillReadable() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(1));
        }
        Files.writeString(file, "{\"seq\":2,\"at\":\"2026-01-01T00:0", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        // The manager restarts after the crash and appends: the torn line must not end up in the middle.
        try (JsonLinesJournal j = JsonLinesJournal.open(file)) {
            j.append(entry(2));
        }
        assertThat(JsonLinesJournal.read(file)).containsExactly(entry(1), entry(2));
    }
}
