package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.RecoveryState;
import dev.ha4j.core.journal.RotatingJournal;
import java.nio.file.Files;
import java.util.stream.Stream;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.JournalReplay;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.spi.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour wiring ({@code InMemoryCoordinator.builder().build()} and a journal) across manager restarts: each
 * restart is a new coordinator, as a new JVM would have, over the same journal and the same running service.
 */
class ManagerRestartTest {
    @TempDir
    Path dir;
    HaRuntime runtime;
    final FakeInfra infra = new FakeInfra(Secret.of("pw"));
    final List<Notification> notifications = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    HaRuntime runtime(Journal journal) {
        return runtime(journal, HaRuntimeTest.config());
    }

    HaRuntime runtime(Journal journal, ClusterConfig config) {
        // A fresh coordinator every time: what the tour's wiring gives a restarted manager.
        HaRuntime.Builder b = HaRuntime.builder().config(config).probe(infra).serviceControl(infra)
                .fencer("bmc", infra).replicator(infra.replicator).router(infra)
                .coordinator(coordinator.get()).notifier(notifications::add)
                .deadlineSlack(Duration.ofMillis(200));
        return journal == null ? b.build() : b.journal(journal).build();
    }

    java.util.function.Supplier<dev.ha4j.core.spi.Coordinator> coordinator = () -> InMemoryCoordinator.builder().build();

    void restartAfterFailoversAdopts(Function<Path, Journal> open, Path where) {
        long epoch = 0;
        for (int run = 0; run < 4; run++) {
            runtime = runtime(open.apply(where));
            runtime.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
            assertThat(runtime.status().epoch()).as("run %d adopts under a newer epoch", run).isGreaterThan(epoch);
            NodeId active = NodeId.of(runtime.status().active().orElseThrow());
            assertThat(infra.route.get()).contains(active);
            // Fail over (a fenced node stays FENCED for this run; the next run observes it powered on again).
            for (int f = 0; f < 1; f++) {
                NodeId from = NodeId.of(runtime.status().active().orElseThrow());
                long before = runtime.status().epoch();
                infra.power.put(from, false);
                await().atMost(Duration.ofSeconds(10)).alias("failover in run " + run + ": " + runtime.status().toJson()).until(() -> runtime.status().phase() == Phase.RUNNING
                        && runtime.status().epoch() > before
                        && !runtime.status().active().equals(Optional.of(from.toString())));
                infra.power.put(from, true);
            }
            epoch = runtime.status().epoch();
            String activeNow = runtime.status().active().orElseThrow();
            runtime.close();
            runtime = null;
            assertThat(infra.running.get(NodeId.of(activeNow))).as("the service keeps running").isTrue();
        }
        assertThat(notifications).noneMatch(n -> n.kind() == Notification.Kind.BLOCKED);
    }

    @Test
    void theToursWiringAdoptsTheRunningServiceAfterEveryRestart() {
        Path file = dir.resolve("journal.jsonl");
        restartAfterFailoversAdopts(JsonLinesJournal::open, file);
        assertThat(JournalReplay.verify(new FailoverEngine(HaRuntimeTest.config()), JsonLinesJournal.read(file)))
                .isEmpty();
    }

    @Test
    void aFileCoordinatorKeepsEpochsIncreasingAcrossRestartsWithoutAJournal() {
        Path state = dir.resolve("coordinator.json");
        coordinator = () -> dev.ha4j.core.builtin.FileCoordinator.open(state);
        restartAfterFailoversAdopts(p -> null, dir.resolve("unused"));
    }

    @Test
    void aRotatingJournalAdoptsAfterEveryRestartAndReplaysAcrossRotatedFiles() throws Exception {
        Path journal = dir.resolve("journal");
        restartAfterFailoversAdopts(d -> RotatingJournal.builder().directory(d).maxFileBytes(16 * 1024).maxFiles(2)
                .checkpointEvery(20).build(), journal);
        List<JournalEntry> retained = RotatingJournal.read(journal);
        assertThat(retained.get(0).seq()).as("older files were rotated away").isGreaterThan(1);
        assertThat(JournalReplay.verify(new FailoverEngine(HaRuntimeTest.config()), journal)).isEmpty();
        // Verification really compares: a changed policy does not replay, a doctored checkpoint does not fold.
        ClusterConfig other = ClusterConfig.custom().name("rt").nodes("a", "b").policy(HaRuntimeTest.config().policy()
                .toBuilder().failuresBeforeAction(3).build()).build();
        assertThat(JournalReplay.verify(new FailoverEngine(other), journal)).isPresent();

        // A checkpoint that does not follow from the entries before it is found, even with a valid CRC.
        List<Path> cps;
        try (Stream<Path> files = Files.list(journal)) {
            cps = files.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+\\.json")).sorted().toList();
        }
        Path newest = cps.get(cps.size() - 1);
        var mapper = dev.ha4j.core.internal.Json.mapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(newest.toFile());
        RecoveryState.Checkpoint cp = mapper.treeToValue(root.get("state"), RecoveryState.Checkpoint.class);
        RecoveryState.Checkpoint doctored = new RecoveryState.Checkpoint(cp.format(), cp.seq(), cp.at(), cp.entries(),
                dev.ha4j.core.Epoch.of(cp.highestEpoch().value() + 100), cp.nextCommandId(), cp.maintenanceUntil(),
                cp.maintenanceTimerId(), cp.blockedReason(), cp.restarts(), cp.nodes(), cp.outstanding(), cp.doubts());
        root.set("state", mapper.valueToTree(doctored));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(mapper.writeValueAsString(doctored).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        root.put("crc", crc.getValue());
        mapper.writeValue(newest.toFile(), root);
        assertThat(RotatingJournal.recover(journal).state().highestEpoch()).as("the doctored one is used")
                .isEqualTo(doctored.highestEpoch());
        assertThat(JournalReplay.verify(new FailoverEngine(HaRuntimeTest.config()), journal))
                .hasValueSatisfying(m -> assertThat(m.what()).startsWith("checkpoint"));
    }

    @Test
    void aRenamedNodeIsRecognisedAndWhatStillAppliesIsRecovered() throws Exception {
        Path journal = dir.resolve("journal");
        runtime = runtime(RotatingJournal.open(journal));
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        long epoch = runtime.status().epoch();
        runtime.maintenance(true, Duration.ofMinutes(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().maintenanceUntil().isPresent());
        runtime.close();
        runtime = null;

        // The standby "b" is renamed "c" in the configuration; the service still runs on "a".
        ClusterConfig renamed = ClusterConfig.custom().name("rt").nodes("a", "c")
                .policy(HaRuntimeTest.config().policy()).build();
        // What recovery did before RecoveryState: replay the old journal through an engine of the new node list,
        // which goes astray (here the engine even throws, and the runtime started without the journal's memory:
        // maintenance forgotten, the epoch forgotten, BLOCKED at the first lease).
        String replay;
        try {
            ClusterState replayed = JournalReplay.lastState(new FailoverEngine(renamed), RotatingJournal.read(journal));
            replay = "ends " + replayed.phase() + " " + replayed.blockedReason();
        } catch (RuntimeException e) {
            replay = "throws " + e;
        }
        System.out.println("replaying under the new node list " + replay);

        runtime = runtime(RotatingJournal.open(journal), renamed);
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().decisions() > 0);
        assertThat(runtime.status().phase()).isNotEqualTo(Phase.BLOCKED);
        assertThat(runtime.status().maintenanceUntil()).as("maintenance still applies").isPresent();
        runtime.maintenance(false, Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        assertThat(runtime.status().active()).contains("a");
        assertThat(runtime.status().epoch()).isGreaterThan(epoch);
        assertThat(notifications).noneMatch(n -> n.kind() == Notification.Kind.BLOCKED);
        runtime.close();
        runtime = null;
        String checkpoints;
        try (Stream<Path> files = Files.list(journal)) {
            checkpoints = files.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
        }
        assertThat(checkpoints).as("the timeline says so").contains("the node list changed")
                .contains("[b] no longer configured").contains("[c] new");
    }
}
