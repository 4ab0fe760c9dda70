package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.RunState;
import dev.ha4j.core.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessServiceControlTest {
    private static final NodeId NODE = NodeId.of("node-1");
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final TestProcesses procs = new TestProcesses();

    @BeforeEach
    void posix() {
        Prerequisites.requirePosixShell();
    }
    private ProcessServiceControl control;

    @AfterEach
    void cleanUp() {
        if (control != null) {
            control.kill(NODE, T);
        }
        procs.close();
    }

    private ProcessServiceControl control(String... command) {
        control = ProcessServiceControl.builder().node(NODE, CommandSpec.of(command)).build();
        return control;
    }

    private long startedPid() {
        long pid = control.pid(NODE).orElseThrow();
        procs.trackTree(pid);
        return pid;
    }

    @Test
    void startsStopsAndConfirms() throws Exception {
        control("sleep", "30");
        OpResult start = control.start(NODE, Epoch.of(1), T);
        assertThat(start.outcome()).as(start.toString()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);

        OpResult again = control.start(NODE, Epoch.of(1), T);
        assertThat(again.outcome()).isEqualTo(Outcome.OK);
        assertThat(again.detail()).contains("already running");
        assertThat(control.pid(NODE)).contains(pid);

        OpResult stop = control.stop(NODE, T);
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.OK);
        assertThat(TestProcesses.gone(pid)).isTrue();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(control.stop(NODE, T).outcome()).isEqualTo(Outcome.OK);
        assertThat(control.kill(NODE, T).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void processIgnoringSigtermTimesOutThenKillEndsIt() throws Exception {
        control("sh", "-c", "trap '' TERM; sleep 100; true");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();

        long t0 = System.nanoTime();
        OpResult stop = control.stop(NODE, Duration.ofMillis(300));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(ms).isBetween(250L, 1500L);
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);
        List<Long> tree = procs.trackTree(pid);
        assertThat(tree).as("sleep child of the shell").isNotEmpty();

        OpResult kill = control.kill(NODE, T);
        assertThat(kill.outcome()).as(kill.toString()).isEqualTo(Outcome.OK);
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(TestProcesses.gone(pid)).isTrue();
        for (long child : tree) {
            assertThat(TestProcesses.gone(child)).as("descendant %d", child).isTrue();
        }
    }

    @Test
    void killTakesTheWholeTreeWithGrandchildren() throws Exception {
        Path inner = dir.resolve("inner.pid");
        control("sh", "-c", "sh -c 'sleep 100 & echo $! > \"$1\"; wait' inner '" + inner + "' & sleep 100; true");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        long grandchild = procs.pidFrom(inner);
        assertThat(ProcessHandle.of(grandchild).orElseThrow().parent().orElseThrow().parent().orElseThrow().pid())
                .isEqualTo(pid);
        List<Long> tree = procs.trackTree(pid);
        assertThat(tree).hasSizeGreaterThanOrEqualTo(3);

        OpResult kill = control.kill(NODE, T);
        assertThat(kill.outcome()).as(kill.toString()).isEqualTo(Outcome.OK);
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        for (long p : tree) {
            assertThat(TestProcesses.gone(p)).as("tree member %d", p).isTrue();
        }
        assertThat(control.kill(NODE, T).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void stopWaitsForOrphanedDescendantsAndKillFindsThemAfterTheParentDied() throws Exception {
        // the shell dies on SIGTERM, its background sleep does not get the signal and lives on as an orphan
        Path bg = dir.resolve("bg.pid");
        control("sh", "-c", "sleep 100 & echo $! > '" + bg + "'; wait");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        long orphan = procs.pidFrom(bg);
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);

        OpResult stop = control.stop(NODE, Duration.ofMillis(400));
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(stop.detail()).contains(Long.toString(orphan));
        assertThat(TestProcesses.gone(pid)).isTrue();
        assertThat(TestProcesses.gone(orphan)).isFalse();
        assertThat(control.state(NODE, T)).as("an orphan of the service still runs").isEqualTo(RunState.RUNNING);
        OpResult start = control.start(NODE, Epoch.of(1), T);
        assertThat(start.outcome()).as("no second instance next to leftovers: " + start)
                .isEqualTo(Outcome.REFUSED);

        OpResult kill = control.kill(NODE, T);
        assertThat(kill.outcome()).as(kill.toString()).isEqualTo(Outcome.OK);
        assertThat(TestProcesses.gone(orphan)).isTrue();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
    }

    @Test
    void zombieCountsAsGone() throws Exception {
        Prerequisites.requireProc();
        // the background sleep exits at once; its parent exec'd into a sleep that never reaps it: a zombie
        Path bg = dir.resolve("zombie.pid");
        control("sh", "-c", "sleep 0 & echo $! > '" + bg + "'; exec sleep 100");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        long zombiePid = procs.pidFrom(bg);
        assertThat(TestProcesses.becomesZombie(zombiePid, T)).as("child %d became a zombie", zombiePid).isTrue();
        ProcessHandle zombie = ProcessHandle.of(zombiePid).orElseThrow();
        assertThat(zombie.isAlive()).as("the JDK thinks a zombie is alive").isTrue();
        assertThat(ProcessTree.isGone(zombie)).isTrue();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);

        long t0 = System.nanoTime();
        OpResult kill = control.kill(NODE, T);
        assertThat(kill.outcome()).as(kill.toString()).isEqualTo(Outcome.OK);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(TestProcesses.gone(pid)).isTrue();
    }

    @Test
    void missingBinaryIsAStartFailure() {
        control(dir.resolve("no-such-binary").toString());
        OpResult r = control.start(NODE, Epoch.of(1), T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("cannot launch", "no-such-binary");
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
    }

    @Test
    void earlyExitIsAStartFailureWithTheStatus() {
        control("sh", "-c", "exit 3");
        OpResult r = control.start(NODE, Epoch.of(1), T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("status 3");
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
    }

    @Test
    void launcherThatExitsZeroAtOnceIsAStartFailureNamingTheCause() {
        control("true");
        OpResult r = control.start(NODE, Epoch.of(1), T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("status 0", "foreground");
    }

    @Test
    void staleEpochIsRefusedAcrossNodes() {
        NodeId other = NodeId.of("node-2");
        control = ProcessServiceControl.builder()
                .node(NODE, CommandSpec.of("sleep", "30"))
                .node(other, CommandSpec.of("sleep", "30"))
                .build();
        try {
            assertThat(control.start(NODE, Epoch.of(5), T).outcome()).isEqualTo(Outcome.OK);
            procs.trackTree(control.pid(NODE).orElseThrow());
            assertThat(control.stop(NODE, T).outcome()).isEqualTo(Outcome.OK);
            OpResult stale = control.start(NODE, Epoch.of(4), T);
            assertThat(stale.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(stale.detail()).contains("e4", "e5");
            assertThat(control.start(other, Epoch.of(3), T).outcome()).as("epochs are cluster-wide")
                    .isEqualTo(Outcome.REFUSED);
            assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
            assertThat(control.start(NODE, Epoch.of(5), T).outcome()).isEqualTo(Outcome.OK);
            procs.trackTree(control.pid(NODE).orElseThrow());
            assertThat(control.lastEpoch()).isEqualTo(Epoch.of(5));
        } finally {
            control.kill(other, T);
        }
    }

    @Test
    void outputGoesToTheLogFileAndEnvironmentReachesTheChild() throws Exception {
        Path log = dir.resolve("service.log");
        Secret pw = Secret.of("hunter2-secret");
        control = ProcessServiceControl.builder()
                .node(NODE, CommandSpec.builder("sh", "-c", "echo \"hello $GREETING $PW\"; echo oops >&2; "
                                + "exec sleep 100")
                        .environment("GREETING", "from {node}")
                        .secretEnvironment("PW", pw)
                        .directory(dir)
                        .build())
                .logFile(NODE, log)
                .build();
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        procs.trackTree(control.pid(NODE).orElseThrow());
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline
                && !(Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("oops"))) {
            Thread.sleep(10);
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                .contains("hello from node-1 hunter2-secret", "oops");
        assertThat(control.toString()).doesNotContain("hunter2").contains("node-1");
    }

    @Test
    void discardedOutputNeverBlocksTheChild() throws Exception {
        Path marker = dir.resolve("done");
        control("sh", "-c", "head -c 3000000 /dev/zero; echo done > '" + marker + "'; exec sleep 100");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        procs.trackTree(control.pid(NODE).orElseThrow());
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline && !Files.exists(marker)) {
            Thread.sleep(10);
        }
        assertThat(marker).exists();
    }

    @Test
    void interruptedStopReturnsAtOnceAndKeepsTheFlag() throws Exception {
        control("sh", "-c", "trap '' TERM; sleep 100; true");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        procs.trackTree(control.pid(NODE).orElseThrow());
        AtomicReference<OpResult> result = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            result.set(control.stop(NODE, Duration.ofSeconds(30)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        Thread.sleep(200);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        assertThat(result.get().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.get().detail()).contains("interrupted");
        assertThat(flag).isTrue();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);
    }

    @Test
    void interruptedThreadStillDeliversAKill() throws Exception {
        control("sleep", "100");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        AtomicReference<OpResult> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            result.set(control.kill(NODE, T));
        });
        t.start();
        t.join(5000);
        assertThat(result.get()).isNotNull();
        TestProcesses.assertGoneWithin(pid, T);
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
    }

    @Test
    void restartedManagerAdoptsTheServiceFromThePidFile() throws Exception {
        Path pidFile = dir.resolve("service.pid");
        ProcessServiceControl first = ProcessServiceControl.builder().node(NODE, CommandSpec.of("sleep", "60"))
                .pidFile(NODE, pidFile).build();
        assertThat(first.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = first.pid(NODE).orElseThrow();
        procs.track(pid);
        assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(pid));

        // a new control, as after a manager restart: it has no handle of its own
        control = ProcessServiceControl.builder().node(NODE, CommandSpec.of("sleep", "60"))
                .pidFile(NODE, pidFile).build();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.RUNNING);
        OpResult start = control.start(NODE, Epoch.of(2), T);
        assertThat(start.outcome()).isEqualTo(Outcome.OK);
        assertThat(start.detail()).contains("already running", Long.toString(pid), "adopted");
        assertThat(control.pid(NODE)).contains(pid);

        OpResult stop = control.stop(NODE, T);
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.OK);
        assertThat(TestProcesses.gone(pid)).isTrue();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(pidFile).doesNotExist();
        assertThat(first.state(NODE, T)).isEqualTo(RunState.STOPPED);
    }

    @Test
    void stalePidFilesAreNotAdopted() throws Exception {
        Path pidFile = dir.resolve("stale.pid");
        control = ProcessServiceControl.builder().node(NODE, CommandSpec.of("sleep", "60"))
                .pidFile(NODE, pidFile).build();
        // a pid that no longer exists
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(pidFile, dead.pid() + "\n");
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(pidFile).doesNotExist();

        // a live process that started after the pid file was written only reuses the number
        Process newer = new ProcessBuilder("sleep", "60").start();
        procs.track(newer.pid());
        Files.writeString(pidFile, newer.pid() + "\n");
        Files.setLastModifiedTime(pidFile, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(1))));
        assertThat(control.state(NODE, T)).isEqualTo(RunState.STOPPED);
        assertThat(TestProcesses.gone(newer.pid())).as("never touch a process that is not ours").isFalse();
        newer.destroyForcibly();
    }

    @Test
    void unreadablePidFileMakesTheStateUnknownNotStopped() throws Exception {
        Path pidFile = dir.resolve("garbage.pid");
        Files.writeString(pidFile, "not a pid\n");
        control = ProcessServiceControl.builder().node(NODE, CommandSpec.of("sleep", "60"))
                .pidFile(NODE, pidFile).build();
        assertThat(control.state(NODE, T)).isEqualTo(RunState.UNKNOWN);
        OpResult start = control.start(NODE, Epoch.of(1), T);
        assertThat(start.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(start.detail()).contains("holds no pid");
        assertThat(control.stop(NODE, T).outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(pidFile).exists();
    }

    @Test
    void unknownNodeAndBadArgumentsAreProgrammingErrors() {
        control("sleep", "1");
        assertThatThrownBy(() -> control.start(NodeId.of("other"), Epoch.of(1), T))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThatThrownBy(() -> control.stop(NODE, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> control.start(NODE, null, T)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builderValidatesEverything() {
        assertThatThrownBy(() -> ProcessServiceControl.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .startCheck(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startCheck");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .logFile(NodeId.of("other"), dir.resolve("l")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .logFile(NODE, dir.resolve("missing/dir/log")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logFile");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .pidFile(NODE, dir.resolve("missing/x.pid")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pidFile");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .logFile(NODE, dir.resolve("same")).pidFile(NODE, dir.resolve("same")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("also the log file");
        assertThatThrownBy(() -> ProcessServiceControl.builder().node(NODE, CommandSpec.of("x"))
                .logFile(NODE, dir).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("regular file");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).as("kill -s %s %d", signal, pid).isZero();
    }

    private static void awaitState(long pid, char state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessTree.stateLetter(pid) != state) {
            assertThat(System.nanoTime() - deadline).as("pid %d reaches state %s", pid, state).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void stoppedServiceIsContinuedAndStopsWellUnderTheStopTimeout() throws Exception {
        Prerequisites.requireProc();
        control("sleep", "100");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        signal("STOP", pid);
        awaitState(pid, 'T');

        long t0 = System.nanoTime();
        OpResult stop = control.stop(NODE, T);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.OK);
        assertThat(stop.detail()).contains("continued stopped [" + pid + "]");
        assertThat(took).as("stop of a SIGSTOPped service, timeout %s", T).isLessThan(Duration.ofMillis(1500));
        assertThat(TestProcesses.gone(pid)).isTrue();
    }

    @Test
    void stoppedTreeIsContinuedSoItsGracefulShutdownRuns() throws Exception {
        Prerequisites.requireProc();
        Path inner = dir.resolve("inner.pid");
        Path done = dir.resolve("graceful");
        // the service forwards SIGTERM to its worker and waits for it, as a real launcher does
        control("sh", "-c", "sleep 100 & child=$!; echo $child > '" + inner + "'; "
                + "trap 'kill $child; wait $child; echo bye > \"" + done + "\"; exit 0' TERM; wait $child");
        assertThat(control.start(NODE, Epoch.of(1), T).outcome()).isEqualTo(Outcome.OK);
        long pid = startedPid();
        long child = procs.pidFrom(inner);
        signal("STOP", child);
        signal("STOP", pid);
        awaitState(pid, 'T');
        awaitState(child, 'T');

        long t0 = System.nanoTime();
        OpResult stop = control.stop(NODE, T);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(stop.outcome()).as(stop.toString()).isEqualTo(Outcome.OK);
        assertThat(took).isLessThan(Duration.ofMillis(1500));
        assertThat(TestProcesses.gone(pid)).isTrue();
        assertThat(TestProcesses.gone(child)).isTrue();
        assertThat(done).as("the service's SIGTERM handler ran").exists();
    }

    @Test
    void hugeTimeoutsAreClampedNotAnOverflow() throws Exception {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        control("sleep", "100");
        assertThat(control.start(NODE, Epoch.of(1), huge).outcome()).isEqualTo(Outcome.OK);
        startedPid();
        assertThat(control.state(NODE, huge)).isEqualTo(RunState.RUNNING);
        assertThat(control.stop(NODE, huge).outcome()).isEqualTo(Outcome.OK);
        assertThat(control.kill(NODE, huge).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void pidAnswersWithoutWaitingForAStartInItsStartCheck() throws Exception {
        control = ProcessServiceControl.builder().node(NODE, CommandSpec.of("sleep", "30"))
                .startCheck(Duration.ofSeconds(3)).build();
        AtomicReference<OpResult> start = new AtomicReference<>();
        Thread t = new Thread(() -> start.set(control.start(NODE, Epoch.of(1), T)));
        t.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long t0 = System.nanoTime();
        java.util.Optional<Long> pid = control.pid(NODE);
        while (pid.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            pid = control.pid(NODE);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(pid).as("pid during the 3 s start check").isPresent();
        procs.trackTree(pid.get());
        assertThat(took).isLessThan(Duration.ofMillis(2500));
        assertThat(t.isAlive()).as("the start is still in its check").isTrue();
        t.join(10_000);
        assertThat(start.get().outcome()).isEqualTo(Outcome.OK);
    }
}
