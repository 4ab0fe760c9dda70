package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandProbeTest {
    private static final NodeId NODE = NodeId.of("node-7");
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final TestProcesses procs = new TestProcesses();

    @BeforeEach
    void posix() {
        Prerequisites.requirePosixShell();
    }

    @AfterEach
    void cleanUp() {
        procs.close();
    }

    private static ProbeResult probe(String... command) {
        return CommandProbe.builder().defaultCommand(CommandSpec.of(command)).build().probe(NODE, T);
    }

    @Test
    void exitCodesAreReadAsOcf() {
        assertThat(probe("true").status()).isEqualTo(HealthStatus.HEALTHY);
        ProbeResult notRunning = probe("sh", "-c", "echo service is not running; exit 7");
        assertThat(notRunning.status()).isEqualTo(HealthStatus.FAILED);
        assertThat(notRunning.failure()).contains(FailureKind.CRASHED);
        assertThat(notRunning.detail()).contains("exited 7", "service is not running");
        ProbeResult error = probe("sh", "-c", "echo broken >&2; exit 1");
        assertThat(error.failure()).contains(FailureKind.ERROR);
        assertThat(error.detail()).contains("exited 1", "broken");
        assertThat(probe("sh", "-c", "exit 5").failure()).contains(FailureKind.ERROR);
        assertThat(error.latency()).isPositive();
    }

    @Test
    void missingBinaryIsAnError() {
        ProbeResult r = probe(dir.resolve("nope").toString());
        assertThat(r.failure()).contains(FailureKind.ERROR);
        assertThat(r.detail()).contains("cannot run");
    }

    @Test
    void nodeNameIsSubstitutedAndPerNodeCommandsWin() {
        CommandProbe probe = CommandProbe.builder()
                .defaultCommand(CommandSpec.of("sh", "-c", "test \"$1\" = node-7", "sh", "{node}"))
                .command(NodeId.of("special"), CommandSpec.of("sh", "-c", "exit 7"))
                .build();
        assertThat(probe.probe(NODE, T).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(probe.probe(NodeId.of("node-8"), T).failure()).contains(FailureKind.ERROR);
        assertThat(probe.probe(NodeId.of("special"), T).failure()).contains(FailureKind.CRASHED);
    }

    @Test
    void hangingCommandIsKilledWithItsTreeAtTheDeadline() throws Exception {
        Path pids = dir.resolve("pids");
        CommandProbe probe = CommandProbe.builder().defaultCommand(CommandSpec.of("sh", "-c",
                "sleep 100 & echo $! > '" + pids + "'; wait")).build();
        long t0 = System.nanoTime();
        ProbeResult r = probe.probe(NODE, Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        long grandchild = procs.pidFrom(pids);
        assertThat(r.status()).isEqualTo(HealthStatus.FAILED);
        assertThat(r.failure()).contains(FailureKind.HUNG);
        assertThat(took).isLessThan(Duration.ofMillis(1500));
        TestProcesses.assertGoneWithin(grandchild, Duration.ofSeconds(2));
    }

    @Test
    void outputIsCappedAndNeverBlocksTheCommand() {
        CommandProbe probe = CommandProbe.builder()
                .defaultCommand(CommandSpec.of("sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' x; exit 0"))
                .build();
        ProbeResult r = probe.probe(NODE, T);
        assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(r.detail()).contains("[output truncated]").hasSizeLessThan(4096 + 200);
        ProbeResult small = CommandProbe.builder().outputLimit(10)
                .defaultCommand(CommandSpec.of("echo", "0123456789abcdef")).build().probe(NODE, T);
        assertThat(small.detail()).contains("0123456789 [output truncated]").doesNotContain("abc");
    }

    @Test
    void backgroundChildHoldingThePipeDoesNotDelayTheVerdict() throws Exception {
        Path pid = dir.resolve("bg");
        CommandProbe probe = CommandProbe.builder().defaultCommand(CommandSpec.of("sh", "-c",
                "sleep 30 & echo $! > '" + pid + "'; echo ok; exit 0")).build();
        long t0 = System.nanoTime();
        ProbeResult r = probe.probe(NODE, T);
        procs.pidFrom(pid);
        assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void interruptedProbeKillsTheCommandAndKeepsTheFlag() throws Exception {
        Path pid = dir.resolve("pid");
        CommandProbe probe = CommandProbe.builder().defaultCommand(CommandSpec.of("sh", "-c",
                "echo $$ > '" + pid + "'; exec sleep 100")).build();
        AtomicReference<ProbeResult> result = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            result.set(probe.probe(NODE, Duration.ofSeconds(30)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        long child = procs.pidFrom(pid);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        assertThat(result.get().status()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(flag).isTrue();
        TestProcesses.assertGoneWithin(child, Duration.ofSeconds(2));
    }

    @Test
    void secretsStayOutOfToString() {
        CommandProbe probe = CommandProbe.builder().defaultCommand(CommandSpec.builder("sh", "-c",
                "test \"$TOKEN\" = t0ps3cret").secretEnvironment("TOKEN", Secret.of("t0ps3cret")).build()).build();
        assertThat(probe.probe(NODE, T).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(probe.toString()).doesNotContain("t0ps3cret").contains("TOKEN");
    }

    @Test
    void configurationErrorsAreRefused() {
        assertThatThrownBy(() -> CommandProbe.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commands is empty");
        assertThatThrownBy(() -> CommandProbe.builder().defaultCommand(CommandSpec.of("true")).outputLimit(-1)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputLimit");
        CommandProbe onlyA = CommandProbe.builder().command(NodeId.of("a"), CommandSpec.of("true")).build();
        assertThatThrownBy(() -> onlyA.probe(NodeId.of("b"), T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b");
        assertThat(Optional.of(onlyA.probe(NodeId.of("a"), T).status())).contains(HealthStatus.HEALTHY);
    }

    @Test
    void hugeTimeoutIsClampedNotAnOverflow() {
        CommandProbe p = CommandProbe.builder().defaultCommand(CommandSpec.of("true")).build();
        assertThat(p.probe(NODE, Duration.ofSeconds(Long.MAX_VALUE)).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(p.probe(NODE, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)).status())
                .isEqualTo(HealthStatus.HEALTHY);
    }
}
