package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.journal.RotatingJournal;
import dev.ha4j.core.spi.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal replayed after the node list changed (here b is renamed c): recovery keeps what still applies, and
 * the timeline says so in the journal itself, the status and an event, for both file journals.
 */
class NodeListChangeTimelineTest {
    @TempDir
    Path dir;
    final FakeInfra infra = new FakeInfra(Secret.of("pw"));

    static ClusterConfig config(String... nodes) {
        ClusterConfig base = HaRuntimeTest.config();
        return ClusterConfig.custom().name(base.name()).nodes(nodes).policy(base.policy()).build();
    }

    HaRuntime runtime(ClusterConfig config, Journal journal) {
        return HaRuntime.builder().config(config).probe(infra).serviceControl(infra).fencer("bmc", infra)
                .replicator(infra.replicator).router(infra).coordinator(InMemoryCoordinator.builder().build())
                .journal(journal).deadlineSlack(Duration.ofMillis(200)).build();
    }

    /** Runs under [a, b], then under [a, c]; returns the second run's events and leaves its status checked. */
    List<RuntimeEvent> runTwice(Supplier<Journal> journal) {
        try (HaRuntime first = runtime(config("a", "b"), journal.get())) {
            first.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.status().phase() == Phase.RUNNING
                    && first.status().roles().get("b") != null);
            first.maintenance(true, Duration.ofMinutes(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> first.status().maintenance().on());
        }
        List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
        try (HaRuntime second = runtime(config("a", "c"), journal.get())) {
            second.events().onEvent(events::add);
            second.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.status().decisions() > 0);
            StatusSnapshot.ConfigurationChange change = second.status().configurationChange().orElseThrow();
            assertThat(change.removed()).containsExactly("b");
            assertThat(change.added()).containsExactly("c");
            assertThat(change.note()).contains("maintenance until").contains("observed afresh");
            assertThat(second.status().maintenance().on()).as("what still applies is recovered").isTrue();
            JsonNode json = Json.mapper().readTree(second.status().toJson());
            assertThat(json.get("configurationChange").get("removed").get(0).asText()).isEqualTo("b");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RuntimeEvent.ConfigurationChanged published = events.stream()
                .filter(RuntimeEvent.ConfigurationChanged.class::isInstance)
                .map(RuntimeEvent.ConfigurationChanged.class::cast).findFirst().orElseThrow();
        assertThat(published.removed()).containsExactly("b");
        assertThat(published.added()).containsExactly("c");
        assertThat(events.indexOf(published)).as("before the first decision")
                .isLessThan(events.indexOf(events.stream().filter(RuntimeEvent.DecisionMade.class::isInstance)
                        .findFirst().orElseThrow()));
        return events;
    }

    @Test
    void aJsonLinesJournalCarriesTheChangeBetweenTheRuns() {
        Path file = dir.resolve("journal.jsonl");
        runTwice(() -> JsonLinesJournal.open(file));
        List<JsonLinesJournal.Note> notes = JsonLinesJournal.notes(file);
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).text()).contains("[b] no longer configured").contains("[c] new");
        List<JournalEntry> entries = JsonLinesJournal.read(file);
        JournalEntry secondStart = entries.stream().filter(e -> e.event() instanceof Event.Started)
                .skip(1).findFirst().orElseThrow();
        assertThat(notes.get(0).afterSeq()).as("between the runs").isEqualTo(secondStart.seq() - 1);
        assertThat(entries).extracting(JournalEntry::seq).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aRotatingJournalCarriesTheChangeInItsSegmentAndItsCheckpoint() {
        Path journalDir = dir.resolve("journal");
        runTwice(() -> RotatingJournal.open(journalDir));
        List<JsonLinesJournal.Note> notes = RotatingJournal.notes(journalDir);
        assertThat(notes).hasSize(1);
        assertThat(notes.get(0).text()).contains("[b] no longer configured").contains("[c] new");
        assertThat(RotatingJournal.read(journalDir).stream().filter(e -> e.event() instanceof Event.Started))
                .hasSize(2);
        // Reopening recovers through the note line as through any other.
        try (RotatingJournal again = RotatingJournal.open(journalDir)) {
            assertThat(again.recover().state().toRecovered().maintenanceUntil()).isPresent();
        }
    }
}
