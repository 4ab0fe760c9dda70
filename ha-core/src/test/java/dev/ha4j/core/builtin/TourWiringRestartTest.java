package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.runtime.HaRuntime;
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

/**
 * The README tour's wiring with real processes: {@link ProcessServiceControl} with pid files, a
 * {@link CommandProbe} that checks the pid, {@code InMemoryCoordinator.builder().build()} and a {@link JsonLinesJournal}.
 * The service is killed until the manager fails it over, then the manager is replaced by a new one (new
 * coordinator, new control, same files), as a restarted JVM would be: it must adopt the running service under a
 * newer epoch without an operator (before the fix it went BLOCKED: "the coordinator granted e1, not newer
 * than e2").
 */
class TourWiringRestartTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    @TempDir
    Path dir;
    final TestProcesses processes = new TestProcesses();
    final List<Notification> notifications = new CopyOnWriteArrayList<>();
    HaRuntime runtime;

    @AfterEach
    void cleanUp() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        for (NodeId n : List.of(A, B)) {
            pid(n).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        processes.close();
    }

    static ClusterConfig config() {
        return ClusterConfig.custom().name("tour").nodes("a", "b").policy(Policy.custom()
                .probeInterval(Duration.ofMillis(300)).probeTimeout(Duration.ofMillis(250))
                .firstProbeTimeout(Duration.ofMillis(250)).startupGrace(Duration.ofMillis(1))
                .restarts(1, Duration.ofMinutes(10)).failuresBeforeAction(2).stopTimeout(Duration.ofSeconds(2))
                .fencingRequired(false).fencingLevels(List.of()).build()).build();
    }

    Path pidFile(NodeId n) {
        return dir.resolve(n + ".pid");
    }

    Optional<Long> pid(NodeId n) throws Exception {
        Path f = pidFile(n);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        String s = Files.readString(f, StandardCharsets.UTF_8).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    }

    HaRuntime manager() {
        ProcessServiceControl.Builder control = ProcessServiceControl.builder();
        CommandProbe.Builder probe = CommandProbe.builder();
        for (NodeId n : List.of(A, B)) {
            control.node(n, CommandSpec.of("sleep", "600")).pidFile(n, pidFile(n));
            // OCF: 0 running, 7 not running.
            probe.command(n, CommandSpec.of("/bin/sh", "-c", "p=$(cat '" + pidFile(n) + "' 2>/dev/null)"
                    + " && [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null && exit 0; exit 7"));
        }
        return HaRuntime.builder().config(config()).probe(probe.build()).serviceControl(control.build())
                .coordinator(InMemoryCoordinator.builder().build())
                .journal(JsonLinesJournal.open(dir.resolve("journal.jsonl"))).notifier(notifications::add)
                .deadlineSlack(Duration.ofMillis(500)).build();
    }

    void kill(NodeId n) throws Exception {
        long pid = pid(n).orElseThrow();
        processes.track(pid);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        TestProcesses.assertGoneWithin(pid, Duration.ofSeconds(5));
    }

    @Test
    void aRestartedManagerAdoptsTheServiceAfterAFailover() throws Exception {
        Prerequisites.requirePosixShell();
        runtime = manager();
        runtime.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.status().phase() == Phase.RUNNING);
        assertThat(runtime.status().active()).contains("a");
        kill(A);
        await().atMost(Duration.ofSeconds(20)).until(() -> notifications.stream()
                .anyMatch(n -> n.kind() == Notification.Kind.RESTARTED));
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.status().phase() == Phase.RUNNING);
        kill(A);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().active().equals(Optional.of("b")));
        long epoch = runtime.status().epoch();
        long servicePid = processes.track(pid(B).orElseThrow());
        runtime.close();

        for (int restart = 1; restart <= 2; restart++) {
            notifications.clear();
            runtime = manager();
            runtime.start();
            await().atMost(Duration.ofSeconds(20)).alias("restart " + restart)
                    .until(() -> runtime.status().phase() == Phase.RUNNING);
            assertThat(runtime.status().active()).contains("b");
            assertThat(runtime.status().epoch()).isGreaterThan(epoch);
            assertThat(pid(B)).as("the running service was adopted, not restarted").contains(servicePid);
            assertThat(notifications).noneMatch(n -> n.kind() == Notification.Kind.BLOCKED);
            epoch = runtime.status().epoch();
            runtime.close();
        }
        runtime = null;
    }
}
