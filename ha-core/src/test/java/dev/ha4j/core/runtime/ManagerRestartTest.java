package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.engine.FailoverEngine;
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
 * The README's tour wiring ({@code InMemoryCoordinator.create()} and a journal) across manager restarts: each
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
        // A fresh coordinator every time: what the tour's wiring gives a restarted manager.
        return HaRuntime.builder().config(HaRuntimeTest.config()).probe(infra).serviceControl(infra)
                .fencer("bmc", infra).replicator(infra.replicator).router(infra)
                .coordinator(InMemoryCoordinator.create()).journal(journal).notifier(notifications::add)
                .deadlineSlack(Duration.ofMillis(200)).build();
    }

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
}
