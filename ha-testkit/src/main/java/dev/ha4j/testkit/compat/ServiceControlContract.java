package dev.ha4j.testkit.compat;

import static dev.ha4j.testkit.compat.Calls.assertInterruptHandled;
import static dev.ha4j.testkit.compat.Calls.assertNoSecret;
import static dev.ha4j.testkit.compat.Calls.assertWithin;
import static dev.ha4j.testkit.compat.Calls.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link ServiceControl} implementations: the rules every control must keep, as JUnit 5
 * tests.
 *
 * <p>Extend this class and supply a control for {@link #node()} whose service can really be started and
 * stopped (a short-lived process, a container, a systemd unit in a test VM). Optionally supply a control for
 * which the node does not answer ({@link #newUnreachableServiceControl()}) and one whose service ignores the
 * graceful stop ({@link #newStubbornServiceControl()}); return {@code null} to skip those tests. After each
 * test the kit kills the service through every control it created and closes those that are
 * {@link AutoCloseable}, so that no test leaves a service running.
 *
 * <pre>{@code
 * class ProcessServiceControlCompatibilityTest extends ServiceControlContract {
 *     @Override protected ServiceControl newServiceControl() {
 *         return ProcessServiceControl.builder().node(node(), ProcessServiceControl.command("sleep", "60")).build();
 *     }
 *     @Override protected ServiceControl newStubbornServiceControl() {
 *         return ProcessServiceControl.builder()
 *                 .node(node(), ProcessServiceControl.command("sh", "-c", "trap '' TERM; sleep 60")).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Rules checked: start twice runs one service; stop twice and stop without start succeed; kill twice ends
 * STOPPED; a stale epoch is refused (unless {@link #checksEpochs()} is false); a service that ignores the
 * graceful stop gives TIMED_OUT within the deadline and is then killed; every call returns within
 * {@link #timeout()} plus {@link #slack()}; an unreachable node gives failed results and UNKNOWN state, not
 * exceptions; interrupted calls return promptly, keep the interrupt status and leave a service that a later
 * stop confirms gone; no secret appears in {@code toString()} or a result.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class ServiceControlContract {
    private final List<ServiceControl> created = new ArrayList<>();

    /**
     * Creates a control for {@link #node()} whose service starts, runs until stopped and stops on a graceful
     * stop. The service must not be running when it is returned.
     *
     * @return the control
     * @throws Exception if it cannot be set up
     */
    protected abstract ServiceControl newServiceControl() throws Exception;

    /**
     * Creates a control for which {@link #node()} does not answer; {@code null} skips those tests.
     *
     * @return the control, or null
     * @throws Exception if it cannot be set up
     */
    protected ServiceControl newUnreachableServiceControl() throws Exception {
        return null;
    }

    /**
     * Creates a control whose service ignores the graceful stop and only ends when killed; {@code null} skips
     * those tests.
     *
     * @return the control, or null
     * @throws Exception if it cannot be set up
     */
    protected ServiceControl newStubbornServiceControl() throws Exception {
        return null;
    }

    /** @return the node whose service is controlled */
    protected NodeId node() {
        return NodeId.of("node-1");
    }

    /** @return the deadline passed to each call */
    protected Duration timeout() {
        return Duration.ofSeconds(5);
    }

    /** @return how much later than its deadline a call may return */
    protected Duration slack() {
        return Duration.ofSeconds(1);
    }

    /** @return strings that must never appear in a {@code toString()} or a result */
    protected Set<String> secrets() {
        return Set.of();
    }

    /** @return whether the control refuses a start under an epoch smaller than one it has seen */
    protected boolean checksEpochs() {
        return true;
    }

    /** @return the graceful-stop timeout used against a stubborn service; short, to keep the suite fast */
    protected Duration stubbornStopTimeout() {
        return Duration.ofMillis(500);
    }

    /** @return how long the interrupt tests wait before interrupting */
    protected Duration interruptDelay() {
        return Duration.ofMillis(200);
    }

    private ServiceControl track(ServiceControl c) {
        if (c != null) {
            created.add(c);
        }
        return c;
    }

    /** Kills the service through every control the kit created, then closes those that are closeable. */
    @AfterEach
    void killCreatedServices() {
        for (ServiceControl c : created) {
            try {
                c.kill(node(), timeout());
            } catch (RuntimeException ignored) {
                // best effort: the test's own assertion says what went wrong
            }
            Calls.closeQuietly(c);
        }
        created.clear();
    }

    private OpResult start(ServiceControl c, long epoch) {
        return call("start under e" + epoch, () -> c.start(node(), Epoch.of(epoch), timeout()), timeout());
    }

    private OpResult stop(ServiceControl c, Duration timeout) {
        return call("stop", () -> c.stop(node(), timeout), timeout);
    }

    private OpResult kill(ServiceControl c) {
        return call("kill", () -> c.kill(node(), timeout()), timeout());
    }

    private OpResult call(String what, java.util.concurrent.Callable<OpResult> action, Duration timeout) {
        Calls.Timed<OpResult> r = timed(what, action);
        assertWithin(what, r.elapsed(), timeout, slack());
        assertNoSecret(secrets(), what + " result", r.value());
        return r.value();
    }

    private RunState state(ServiceControl c) {
        Calls.Timed<RunState> r = timed("state", () -> c.state(node(), timeout()));
        assertWithin("state", r.elapsed(), timeout(), slack());
        return r.value();
    }

    private void assertStoppedSoon(ServiceControl c, String after) throws Exception {
        boolean stopped = Calls.eventually(timeout().plus(slack()), () -> state(c) == RunState.STOPPED);
        assertTrue(stopped, () -> "state must be STOPPED " + after + ", was " + state(c));
    }

    private static void assertOk(OpResult r, String what) {
        assertEquals(Outcome.OK, r.outcome(), () -> what + " was " + r);
    }

    @Test
    void startTwiceRunsTheService() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertOk(start(c, 1), "first start");
        assertOk(start(c, 1), "start of a running service");
        assertEquals(RunState.RUNNING, state(c));
        assertOk(stop(c, timeout()), "stop");
        assertEquals(RunState.STOPPED, state(c));
    }

    @Test
    void stopTwiceSucceeds() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertOk(start(c, 1), "start");
        assertOk(stop(c, timeout()), "first stop");
        assertOk(stop(c, timeout()), "stop of a stopped service");
        assertEquals(RunState.STOPPED, state(c));
    }

    @Test
    void stopAndKillWithoutStartSucceed() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertEquals(RunState.STOPPED, state(c));
        assertOk(stop(c, timeout()), "stop of a service never started");
        assertOk(kill(c), "kill of a service never started");
        assertEquals(RunState.STOPPED, state(c));
    }

    @Test
    void killTwiceEndsStopped() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertOk(start(c, 1), "start");
        assertOk(kill(c), "first kill");
        assertOk(kill(c), "second kill");
        assertStoppedSoon(c, "after kill");
    }

    @Test
    void startAfterStopRunsAgain() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertOk(start(c, 1), "start");
        assertOk(stop(c, timeout()), "stop");
        assertOk(start(c, 2), "start after stop");
        assertEquals(RunState.RUNNING, state(c));
        assertOk(stop(c, timeout()), "stop");
        assertEquals(RunState.STOPPED, state(c));
    }

    @Test
    void staleEpochIsRefused() throws Exception {
        assumeTrue(checksEpochs(), "this control does not check epochs");
        ServiceControl c = track(newServiceControl());
        assertOk(start(c, 5), "start under e5");
        assertOk(stop(c, timeout()), "stop");
        OpResult stale = start(c, 4);
        assertEquals(Outcome.REFUSED, stale.outcome(), () -> "start under e4 after e5 must be refused, was " + stale);
        assertEquals(RunState.STOPPED, state(c), "a refused start must not start the service");
        assertOk(start(c, 5), "start under the same epoch");
        assertOk(start(c, 6), "start under a newer epoch");
        assertEquals(RunState.RUNNING, state(c));
    }

    @Test
    void stubbornServiceStopTimesOutThenKillStopsIt() throws Exception {
        ServiceControl c = track(newStubbornServiceControl());
        assumeTrue(c != null, "no stubborn service supplied");
        assertOk(start(c, 1), "start");
        OpResult stop = stop(c, stubbornStopTimeout());
        assertEquals(Outcome.TIMED_OUT, stop.outcome(),
                () -> "stop of a service that ignores it must time out, was " + stop);
        assertEquals(RunState.RUNNING, state(c));
        assertOk(kill(c), "kill");
        assertStoppedSoon(c, "after kill");
    }

    @Test
    void unreachableNodeGivesFailedResultsWithinDeadline() throws Exception {
        ServiceControl c = track(newUnreachableServiceControl());
        assumeTrue(c != null, "no unreachable control supplied");
        assertNotEquals(Outcome.OK, start(c, 1).outcome(), "start on an unreachable node must not be OK");
        assertNotEquals(Outcome.OK, stop(c, timeout()).outcome(), "stop on an unreachable node cannot be confirmed");
        assertNotEquals(Outcome.OK, kill(c).outcome(), "kill on an unreachable node cannot be delivered");
        assertEquals(RunState.UNKNOWN, state(c));
    }

    @Test
    void interruptedStopReturnsPromptlyAndLeavesNoHalfState() throws Exception {
        ServiceControl stubborn = track(newStubbornServiceControl());
        ServiceControl c = stubborn != null ? stubborn : track(newServiceControl());
        assertOk(start(c, 1), "start");
        Duration longTimeout = timeout().multipliedBy(10);
        Calls.Interrupted<OpResult> r = Calls.interruptedAfter("stop",
                () -> c.stop(node(), longTimeout), interruptDelay(), slack());
        assertInterruptHandled("stop", r, slack());
        RunState s = state(c);
        assertNotEquals(RunState.UNKNOWN, s, "after an interrupted stop the state must still be known");
        assertOk(kill(c), "kill after an interrupted stop");
        assertStoppedSoon(c, "after kill");
    }

    @Test
    void interruptedStartLeavesNoHalfState() throws Exception {
        ServiceControl c = track(newServiceControl());
        Calls.Interrupted<OpResult> r = Calls.preInterrupted("start",
                () -> c.start(node(), Epoch.of(1), timeout()), timeout().plus(slack()));
        OpResult v = assertInterruptHandled("start with the interrupt status set", r, timeout().plus(slack()));
        RunState s = state(c);
        assertNotEquals(RunState.UNKNOWN, s, "after an interrupted start the state must still be known");
        if (v.isOk()) {
            assertEquals(RunState.RUNNING, s, "a start that reported OK must have left the service running");
        }
        assertOk(stop(c, timeout()), "stop after an interrupted start");
        assertEquals(RunState.STOPPED, state(c));
        assertOk(start(c, 1), "start after an interrupted start");
        assertEquals(RunState.RUNNING, state(c));
    }

    @Test
    void noSecretInToStringOrResult() throws Exception {
        ServiceControl c = track(newServiceControl());
        assertNoSecret(secrets(), "control toString()", c);
        assertNoSecret(secrets(), "start result", start(c, 1));
        assertNoSecret(secrets(), "stop result", stop(c, timeout()));
        ServiceControl u = track(newUnreachableServiceControl());
        if (u != null) {
            assertNoSecret(secrets(), "unreachable control toString()", u);
            assertNoSecret(secrets(), "start result on an unreachable node", start(u, 1));
        }
    }
}
