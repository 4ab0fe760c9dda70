package dev.ha4j.testkit.compat;

import static dev.ha4j.testkit.compat.Calls.assertInterruptHandled;
import static dev.ha4j.testkit.compat.Calls.assertNoSecret;
import static dev.ha4j.testkit.compat.Calls.assertWithin;
import static dev.ha4j.testkit.compat.Calls.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link Fencer} implementations: the rules every fencer must keep, as JUnit 5 tests.
 *
 * <p>Extend this class and supply a fencer that reaches a working device (a real BMC, {@code ipmi_sim}, a
 * simulator) for {@link #node()}, and one for which no device answers. Start the device in a factory or your
 * own {@code @BeforeEach} and stop it in your own {@code @AfterEach}; fencers that are {@link AutoCloseable}
 * are closed by the kit after each test.
 *
 * <pre>{@code
 * class MyPduFencerCompatibilityTest extends FencerContract {
 *     private final PduSimulator pdu = PduSimulator.start();   // your device's simulator on 127.0.0.1
 *
 *     @AfterEach void stopPdu() { pdu.close(); }
 *
 *     @Override protected Fencer newFencer() { return new MyPduFencer(pdu.address(), PASSWORD); }
 *     @Override protected Fencer newUnreachableFencer() { return new MyPduFencer(closedPort(), PASSWORD); }
 *     @Override protected Set<String> secrets() { return Set.of(PASSWORD.revealAsString()); }
 * }
 * }</pre>
 *
 * <p>{@code IpmiFencerContractIT} in ha-fencing-ipmi is a real example, against {@code ipmi_sim}.
 *
 * <p>Rules checked: OFF is verified and idempotent (off twice gives two verified-off results and status
 * OFF); ON and REBOOT end ON; every action returns within {@link #timeout()} plus {@link #slack()}; an
 * unreachable device gives a failed result (never an exception, never "verified off") and status UNKNOWN
 * within the deadline; an interrupted fence returns promptly, keeps the interrupt status and leaves a device
 * that a later fence turns off; concurrent status reads agree; no secret appears in {@code toString()} or a
 * result.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class FencerContract {
    private final List<Object> created = new ArrayList<>();

    /**
     * Creates a fencer that reaches a working device for {@link #node()}.
     *
     * @return the fencer
     * @throws Exception if the device cannot be set up
     */
    protected abstract Fencer newFencer() throws Exception;

    /**
     * Creates a fencer for {@link #node()} whose device does not answer at all.
     *
     * @return the fencer
     * @throws Exception if it cannot be set up
     */
    protected abstract Fencer newUnreachableFencer() throws Exception;

    /** @return the node that is fenced */
    protected NodeId node() {
        return NodeId.of("node-1");
    }

    /** @return the deadline passed to every call against the working device */
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

    /**
     * @return the deadline passed to calls against the unreachable device; shorten it to keep the suite fast
     */
    protected Duration unreachableTimeout() {
        return timeout();
    }

    /** @return how long the interrupt tests wait before interrupting */
    protected Duration interruptDelay() {
        return Duration.ofMillis(200);
    }

    private Fencer track(Fencer f) {
        created.add(f);
        return f;
    }

    /** Closes the fencers the kit created that are {@link AutoCloseable}. */
    @AfterEach
    void closeCreatedFencers() {
        created.forEach(Calls::closeQuietly);
        created.clear();
    }

    private FenceResult fence(Fencer f, FenceAction action, Duration timeout) {
        String what = "fence " + action;
        Calls.Timed<FenceResult> r = timed(what, () -> f.fence(node(), action, timeout));
        assertWithin(what, r.elapsed(), timeout, slack());
        assertNoSecret(secrets(), what + " result", r.value());
        return r.value();
    }

    private PowerState status(Fencer f, Duration timeout) {
        Calls.Timed<PowerState> r = timed("status", () -> f.status(node(), timeout));
        assertWithin("status", r.elapsed(), timeout, slack());
        return r.value();
    }

    @Test
    void offIsVerifiedAndIdempotent() throws Exception {
        Fencer f = track(newFencer());
        FenceResult first = fence(f, FenceAction.OFF, timeout());
        assertTrue(first.isVerifiedOff(), () -> "first OFF must be verified off, was " + first);
        FenceResult second = fence(f, FenceAction.OFF, timeout());
        assertTrue(second.isVerifiedOff(), () -> "OFF on a node that is off must succeed, was " + second);
        assertEquals(PowerState.OFF, status(f, timeout()));
    }

    @Test
    void onEndsOnAndIsIdempotent() throws Exception {
        Fencer f = track(newFencer());
        for (int i = 1; i <= 2; i++) {
            FenceResult r = fence(f, FenceAction.ON, timeout());
            int n = i;
            assertEquals(Outcome.OK, r.outcome(), () -> "ON #" + n + " was " + r);
            assertEquals(PowerState.ON, r.powerState(), () -> "ON #" + n + " must read back ON, was " + r);
        }
        assertEquals(PowerState.ON, status(f, timeout()));
    }

    @Test
    void rebootOfARunningNodeEndsOn() throws Exception {
        Fencer f = track(newFencer());
        assertEquals(Outcome.OK, fence(f, FenceAction.ON, timeout()).outcome());
        FenceResult r = fence(f, FenceAction.REBOOT, timeout());
        assertEquals(Outcome.OK, r.outcome(), () -> "REBOOT was " + r);
        assertEquals(PowerState.ON, r.powerState(), () -> "REBOOT must end verified ON, was " + r);
        assertEquals(PowerState.ON, status(f, timeout()));
    }

    @Test
    void rebootOfAStoppedNodeEndsOn() throws Exception {
        Fencer f = track(newFencer());
        assertTrue(fence(f, FenceAction.OFF, timeout()).isVerifiedOff());
        FenceResult r = fence(f, FenceAction.REBOOT, timeout());
        assertEquals(Outcome.OK, r.outcome(), () -> "REBOOT of a node that is off was " + r);
        assertEquals(PowerState.ON, r.powerState(), () -> "REBOOT must end verified ON, was " + r);
    }

    @Test
    void offOnOffSequence() throws Exception {
        Fencer f = track(newFencer());
        assertTrue(fence(f, FenceAction.OFF, timeout()).isVerifiedOff());
        assertEquals(PowerState.ON, fence(f, FenceAction.ON, timeout()).powerState());
        assertEquals(PowerState.ON, status(f, timeout()));
        assertTrue(fence(f, FenceAction.OFF, timeout()).isVerifiedOff());
        assertEquals(PowerState.OFF, status(f, timeout()));
    }

    @Test
    void unreachableDeviceIsAFailedResultWithinDeadline() throws Exception {
        Fencer f = track(newUnreachableFencer());
        FenceResult r = fence(f, FenceAction.OFF, unreachableTimeout());
        assertNotEquals(Outcome.OK, r.outcome(), () -> "OFF against no device must fail, was " + r);
        assertFalse(r.isVerifiedOff(), () -> "nothing was read back, so it cannot be verified off: " + r);
        assertFalse(r.detail().isBlank(), "a failed fence must name its cause in the detail");
    }

    @Test
    void unreachableDeviceStatusIsUnknownWithinDeadline() throws Exception {
        Fencer f = track(newUnreachableFencer());
        assertEquals(PowerState.UNKNOWN, status(f, unreachableTimeout()));
    }

    @Test
    void interruptedFenceReturnsPromptly() throws Exception {
        Fencer f = track(newUnreachableFencer());
        Duration longTimeout = unreachableTimeout().multipliedBy(10);
        Calls.Interrupted<FenceResult> r = Calls.interruptedAfter("fence",
                () -> f.fence(node(), FenceAction.OFF, longTimeout), interruptDelay(), slack());
        FenceResult v = assertInterruptHandled("fence OFF against no device", r, slack());
        assertFalse(v.isVerifiedOff(), () -> "an interrupted fence against no device cannot be verified off: " + v);
    }

    @Test
    void interruptedFenceLeavesNoHalfState() throws Exception {
        Fencer f = track(newFencer());
        assertEquals(Outcome.OK, fence(f, FenceAction.ON, timeout()).outcome());
        Calls.Interrupted<FenceResult> r = Calls.interruptedAfter("fence",
                () -> f.fence(node(), FenceAction.OFF, timeout()), Duration.ofMillis(1), timeout().plus(slack()));
        FenceResult v = assertInterruptHandled("fence OFF interrupted", r, timeout().plus(slack()));
        if (v.outcome() == Outcome.OK) {
            assertEquals(PowerState.OFF, v.powerState(), () -> "a successful OFF must read back OFF: " + v);
        }
        FenceResult again = fence(f, FenceAction.OFF, timeout());
        assertTrue(again.isVerifiedOff(), () -> "OFF after an interrupted OFF must be verified off, was " + again);
        assertEquals(PowerState.OFF, status(f, timeout()));
    }

    @Test
    void fenceWithInterruptStatusSetReturnsWithinDeadline() throws Exception {
        Fencer f = track(newFencer());
        Calls.Interrupted<FenceResult> r = Calls.preInterrupted("fence",
                () -> f.fence(node(), FenceAction.OFF, timeout()), timeout().plus(slack()));
        FenceResult v = assertInterruptHandled("fence OFF with the interrupt status set", r,
                timeout().plus(slack()));
        if (v.outcome() == Outcome.OK) {
            assertEquals(PowerState.OFF, v.powerState(), () -> "a successful OFF must read back OFF: " + v);
        }
        assertTrue(fence(f, FenceAction.OFF, timeout()).isVerifiedOff(), "the fencer must still work afterwards");
    }

    @Test
    void concurrentStatusReadsAgree() throws Exception {
        Fencer f = track(newFencer());
        assertTrue(fence(f, FenceAction.OFF, timeout()).isVerifiedOff());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<PowerState>> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(pool.submit(() -> f.status(node(), timeout())));
            }
            for (Future<PowerState> read : reads) {
                assertEquals(PowerState.OFF,
                        read.get(timeout().plus(slack()).multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noSecretInToStringOrResult() throws Exception {
        Fencer f = track(newFencer());
        Fencer u = track(newUnreachableFencer());
        assertNoSecret(secrets(), "fencer toString()", f);
        assertNoSecret(secrets(), "unreachable fencer toString()", u);
        assertNoSecret(secrets(), "OFF result", fence(f, FenceAction.OFF, timeout()));
        assertNoSecret(secrets(), "OFF result against no device", fence(u, FenceAction.OFF, unreachableTimeout()));
    }
}
