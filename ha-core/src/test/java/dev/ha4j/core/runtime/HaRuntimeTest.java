package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.JournalReplay;
import dev.ha4j.core.journal.JsonLinesJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaRuntimeTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final String PASSWORD = "s3cr3t-BMC-pa55";

    @TempDir
    Path dir;
    HaRuntime runtime;
    final FakeInfra infra = new FakeInfra(Secret.of(PASSWORD));
    final InMemoryCoordinator coordinator = InMemoryCoordinator.builder().build();
    final List<Notification> notifications = new CopyOnWriteArrayList<>();

    static ClusterConfig config() {
        return ClusterConfig.custom().name("rt").nodes("a", "b").policy(Policy.custom()
                .probeInterval(Duration.ofMillis(50)).probeTimeout(Duration.ofMillis(40))
                .firstProbeTimeout(Duration.ofMillis(40)).startupGrace(Duration.ofMillis(1))
                .restarts(1, Duration.ofMinutes(10)).failuresBeforeAction(2)
                .stopTimeout(Duration.ofSeconds(1)).fencingLevels(List.of("bmc")).build()).build();
    }

    HaRuntime.Builder builder(Path journal) {
        return HaRuntime.builder().config(config()).probe(infra).serviceControl(infra).fencer("bmc", infra)
                .replicator(infra.replicator).router(infra).coordinator(coordinator).journal(JsonLinesJournal.open(journal))
                .notifier(notifications::add).deadlineSlack(Duration.ofMillis(200));
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void runsTheServiceRestartsThenFailsOverAndTheJournalReplaysExactly() throws Exception {
        Path journal = dir.resolve("journal.jsonl");
        runtime = builder(journal).build();
        List<RuntimeEvent.DecisionMade> decisions = new CopyOnWriteArrayList<>();
        runtime.events().onDecision(decisions::add);
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        assertThat(infra.route.get()).contains(A);
        infra.running.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream()
                .anyMatch(n -> n.kind() == Notification.Kind.RESTARTED));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && infra.running.getOrDefault(A, false));
        infra.running.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().active().equals(Optional.of("b"))
                && runtime.status().phase() == Phase.RUNNING);
        assertThat(infra.route.get()).contains(B);
        assertThat(runtime.status().epoch()).isEqualTo(2);
        runtime.close();

        List<JournalEntry> entries = JsonLinesJournal.read(journal);
        assertThat(entries).hasSizeGreaterThan(20);
        assertThat(entries.get(0).event()).isInstanceOf(Event.Started.class);
        assertThat(JournalReplay.verify(new FailoverEngine(config()), entries)).isEmpty();
        // A journal written under another policy does not replay: replay really compares.
        ClusterConfig other = ClusterConfig.custom().name("rt").nodes("a", "b").policy(config().policy().toBuilder()
                .failuresBeforeAction(3).build()).build();
        assertThat(JournalReplay.verify(new FailoverEngine(other), entries)).isPresent();
        assertThat(decisions).isNotEmpty();
    }

    @Test
    void aHangingProbeIsAnsweredAtItsDeadlineAndInterrupted() {
        infra.probeHangs = true;
        runtime = builder(dir.resolve("j")).build();
        List<RuntimeEvent.CommandFinished> finished = new CopyOnWriteArrayList<>();
        runtime.events().onCommandFinished(finished::add);
        infra.running.put(A, true);
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.stream()
                .anyMatch(f -> f.command() instanceof Command.Probe));
        RuntimeEvent.CommandFinished probe = finished.stream().filter(f -> f.command() instanceof Command.Probe)
                .findFirst().orElseThrow();
        assertThat(probe.result().toString()).contains("HUNG");
        assertThat(probe.took()).isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> infra.probeWasInterrupted);
    }

    @Test
    void anSpiThatThrowsIsAFailureNotACrash() {
        infra.probeThrows = true;
        infra.running.put(A, true);
        runtime = builder(dir.resolve("j")).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream()
                .anyMatch(n -> n.kind() == Notification.Kind.RESTARTED));
        assertThat(runtime.status().lastVerdict().orElseThrow().detail()).contains("threw IllegalStateException");
    }

    @Test
    void operatorRequestsReachTheEngine() {
        runtime = builder(dir.resolve("j")).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        runtime.switchover(B);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().active().equals(Optional.of("b"))
                && runtime.status().phase() == Phase.RUNNING);
        runtime.maintenance(true, Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().maintenanceUntil().isPresent());
        runtime.maintenance(false, Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().maintenanceUntil().isEmpty()
                && runtime.status().phase() == Phase.RUNNING);
        runtime.clearFailures(Optional.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream()
                .anyMatch(n -> n.kind() == Notification.Kind.CLEARED));
    }

    @Test
    void aLostLeaseStopsTheServiceAndStartsItUnderANewEpoch() {
        runtime = builder(dir.resolve("j")).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        coordinator.revoke("session expired");
        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.stream()
                .anyMatch(n -> n.kind() == Notification.Kind.LEASE_LOST));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().epoch() == 2);
    }

    @Test
    void secretsNeverReachStatusJournalNotificationsOrLogs() throws Exception {
        Path journal = dir.resolve("journal.jsonl");
        runtime = builder(journal).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        infra.power.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().active().equals(Optional.of("b"))
                && runtime.status().phase() == Phase.RUNNING);
        runtime.close();
        assertThat(infra.toString()).doesNotContain(PASSWORD).contains("******");
        assertThat(Json.mapper().writeValueAsString(infra.bmcPassword)).isEqualTo("\"******\"");
        assertThat(runtime.status().toJson()).doesNotContain(PASSWORD);
        assertThat(Files.readString(journal, StandardCharsets.UTF_8)).doesNotContain(PASSWORD).contains("FENCED");
        assertThat(notifications.toString()).doesNotContain(PASSWORD);
        Path log = Path.of("target", "ha-core-test.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aNewRuntimeOverTheSameJournalRemembersMaintenanceAndReplaysAcrossRuns() throws Exception {
        Path journal = dir.resolve("journal.jsonl");
        runtime = builder(journal).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        runtime.maintenance(true, Duration.ofMinutes(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().maintenanceUntil().isPresent());
        runtime.close();
        infra.running.put(A, false);

        runtime = builder(journal).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().decisions() > 0
                && runtime.status().lastDecision().contains("maintenance is on"));
        Thread.sleep(300);
        assertThat(runtime.status().maintenanceUntil()).isPresent();
        assertThat(infra.running.getOrDefault(A, false)).as("nothing started during maintenance").isFalse();
        runtime.maintenance(false, Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        runtime.close();
        List<JournalEntry> entries = JsonLinesJournal.read(journal);
        assertThat(entries.stream().filter(e -> e.event() instanceof Event.Started)).hasSize(2);
        assertThat(entries).extracting(JournalEntry::seq).doesNotHaveDuplicates();
        assertThat(JournalReplay.verify(new FailoverEngine(config()), entries)).isEmpty();
    }

    @Test
    void statusIsJson() throws Exception {
        runtime = builder(dir.resolve("j")).build();
        assertThat(runtime.status().phase()).isEqualTo(Phase.RECONCILING);
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        String json = runtime.status().toJson();
        assertThat(Json.mapper().readTree(json).get("phase").asText()).isEqualTo("RUNNING");
        assertThat(Json.mapper().readTree(json).get("active").asText()).isEqualTo("a");
    }

    @Test
    void builderRefusesMissingPieces() {
        assertThatThrownBy(() -> HaRuntime.builder().config(config()).probe(infra).serviceControl(infra)
                .coordinator(coordinator).build())
                .hasMessageContaining("no fencer for fencing level 'bmc'");
        assertThatThrownBy(() -> HaRuntime.builder().config(config()).probe(infra).serviceControl(infra)
                .coordinator(coordinator).fencer("bmc", infra).fencer("pdu", infra).build())
                .hasMessageContaining("level 'pdu'");
        assertThatThrownBy(() -> HaRuntime.builder().config(config()).serviceControl(infra).build())
                .hasMessageContaining("probe is missing");
        assertThatThrownBy(() -> HaRuntime.builder().config(config()).probe(infra).serviceControl(infra)
                .fencer("bmc", infra).build()).hasMessageContaining("coordinator is missing");
    }

    @Test
    void closedRuntimeRefusesRequests() {
        runtime = builder(dir.resolve("j")).build();
        runtime.close();
        assertThatThrownBy(() -> runtime.switchover(B)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
