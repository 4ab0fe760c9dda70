package dev.ha4j.testkit.compat;

import static dev.ha4j.testkit.compat.Calls.assertInterruptHandled;
import static dev.ha4j.testkit.compat.Calls.assertNoSecret;
import static dev.ha4j.testkit.compat.Calls.assertWithin;
import static dev.ha4j.testkit.compat.Calls.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.spi.HealthProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link HealthProbe} implementations: the rules every probe must keep, as JUnit 5 tests.
 *
 * <p>Extend this class in your module's tests and supply three probes for {@link #node()}: one whose service is
 * healthy, one whose service is down (refuses), and one whose peer accepts and never answers. Start the peers
 * (servers, sockets) in the factories or in your own {@code @BeforeEach}, and stop them in your own
 * {@code @AfterEach}; probes that are {@link AutoCloseable} are closed by the kit after each test.
 *
 * <pre>{@code
 * class HttpHealthProbeCompatibilityTest extends HealthProbeContract {
 *     private final Peers peers = new Peers();          // your loopback servers
 *
 *     @AfterEach void stopPeers() { peers.close(); }
 *
 *     @Override protected HealthProbe newHealthyProbe() throws Exception { return probeFor(peers.healthy()); }
 *     @Override protected HealthProbe newDownProbe() throws Exception { return probeFor(peers.closedPort()); }
 *     @Override protected HealthProbe newHangingProbe() throws Exception { return probeFor(peers.silent()); }
 *     @Override protected Set<String> secrets() { return Set.of("s3cret"); }
 * }
 * }</pre>
 *
 * <p>Rules checked: never null, never an exception for an expected failure, the deadline is honoured against a
 * peer that never answers ({@link #timeout()} plus {@link #slack()}, measured with {@link System#nanoTime()}),
 * an interrupted probe returns promptly and keeps the interrupt status, a probe still works after it was
 * interrupted, concurrent probes are safe, and no secret appears in {@code toString()} or in a verdict.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class HealthProbeContract {
    private final List<Object> created = new ArrayList<>();

    /**
     * Creates a probe for a node whose service is healthy.
     *
     * @return a probe for which {@code probe(node(), timeout())} is {@link HealthStatus#HEALTHY}
     * @throws Exception if the peer cannot be set up
     */
    protected abstract HealthProbe newHealthyProbe() throws Exception;

    /**
     * Creates a probe for a node whose service is down or refuses connections while the host answers.
     *
     * @return a probe for which a verdict is a failure
     * @throws Exception if the peer cannot be set up
     */
    protected abstract HealthProbe newDownProbe() throws Exception;

    /**
     * Creates a probe whose peer accepts and never answers (or, for a connect-only probe, whose connect never
     * completes), so that only the deadline ends the probe.
     *
     * @return a probe that can only end by its deadline
     * @throws Exception if the peer cannot be set up
     */
    protected abstract HealthProbe newHangingProbe() throws Exception;

    /** @return the node every probe is asked about */
    protected NodeId node() {
        return NodeId.of("node-1");
    }

    /** @return the deadline passed to each probe */
    protected Duration timeout() {
        return Duration.ofSeconds(1);
    }

    /** @return how much later than its deadline a probe may return (scheduling, thread start-up) */
    protected Duration slack() {
        return Duration.ofMillis(500);
    }

    /** @return strings that must never appear in a {@code toString()} or a verdict's detail */
    protected Set<String> secrets() {
        return Set.of();
    }

    /** @return how long the interrupt test waits before interrupting a hanging probe */
    protected Duration interruptDelay() {
        return Duration.ofMillis(200);
    }

    /**
     * @return the failure kinds a probe of a down service may report; narrow it to what your probe promises
     *     (a refused connection usually means {@link FailureKind#CRASHED})
     */
    protected Set<FailureKind> expectedDownKinds() {
        return EnumSet.allOf(FailureKind.class);
    }

    /** @return the failure kinds a probe of a hanging peer may report */
    protected Set<FailureKind> expectedHangingKinds() {
        return EnumSet.of(FailureKind.HUNG, FailureKind.NODE_UNREACHABLE);
    }

    /** @return how many threads probe at once in the concurrency test */
    protected int concurrentCallers() {
        return 4;
    }

    private HealthProbe track(HealthProbe p) {
        created.add(p);
        return p;
    }

    /** Closes the probes the kit created that are {@link AutoCloseable}. */
    @AfterEach
    void closeCreatedProbes() {
        created.forEach(Calls::closeQuietly);
        created.clear();
    }

    private ProbeResult probeWithin(HealthProbe probe, String what) {
        Calls.Timed<ProbeResult> r = timed(what, () -> probe.probe(node(), timeout()));
        assertWithin(what, r.elapsed(), timeout(), slack());
        assertNoSecret(secrets(), what + " verdict", r.value());
        return r.value();
    }

    @Test
    void healthyServiceIsReportedHealthy() throws Exception {
        HealthProbe probe = track(newHealthyProbe());
        ProbeResult r = probeWithin(probe, "probe of a healthy service");
        assertEquals(HealthStatus.HEALTHY, r.status(), () -> "verdict was " + r);
    }

    @Test
    void probeIsRepeatable() throws Exception {
        HealthProbe probe = track(newHealthyProbe());
        for (int i = 0; i < 3; i++) {
            ProbeResult r = probeWithin(probe, "probe #" + (i + 1) + " of a healthy service");
            assertEquals(HealthStatus.HEALTHY, r.status(), () -> "verdict was " + r);
        }
    }

    @Test
    void downServiceIsAFailureResultNotAnException() throws Exception {
        HealthProbe probe = track(newDownProbe());
        ProbeResult r = probeWithin(probe, "probe of a down service");
        assertTrue(r.isFailure(), () -> "a down service must be a failure verdict, was " + r);
        assertTrue(expectedDownKinds().contains(r.failure().orElseThrow()),
                () -> "failure kind " + r.failure().orElseThrow() + " not in " + expectedDownKinds());
    }

    @Test
    void hangingPeerHonoursDeadline() throws Exception {
        HealthProbe probe = track(newHangingProbe());
        ProbeResult r = probeWithin(probe, "probe of a peer that never answers");
        assertTrue(r.isFailure(), () -> "a peer that never answers must be a failure verdict, was " + r);
        assertTrue(expectedHangingKinds().contains(r.failure().orElseThrow()),
                () -> "failure kind " + r.failure().orElseThrow() + " not in " + expectedHangingKinds());
    }

    @Test
    void concurrentProbesAreSafe() throws Exception {
        HealthProbe healthy = track(newHealthyProbe());
        HealthProbe down = track(newDownProbe());
        int n = concurrentCallers();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<ProbeResult>> healthyResults = new ArrayList<>();
            List<Future<ProbeResult>> downResults = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                healthyResults.add(pool.submit(() -> healthy.probe(node(), timeout())));
                downResults.add(pool.submit(() -> down.probe(node(), timeout())));
            }
            long waitMs = timeout().plus(slack()).multipliedBy(2).toMillis();
            for (Future<ProbeResult> f : healthyResults) {
                ProbeResult r = f.get(waitMs, TimeUnit.MILLISECONDS);
                assertEquals(HealthStatus.HEALTHY, r.status(), () -> "concurrent healthy verdict was " + r);
            }
            for (Future<ProbeResult> f : downResults) {
                ProbeResult r = f.get(waitMs, TimeUnit.MILLISECONDS);
                assertTrue(r.isFailure(), () -> "concurrent down verdict was " + r);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void interruptedProbeReturnsPromptly() throws Exception {
        HealthProbe probe = track(newHangingProbe());
        Duration longTimeout = timeout().multipliedBy(10);
        Calls.Interrupted<ProbeResult> r = Calls.interruptedAfter("probe",
                () -> probe.probe(node(), longTimeout), interruptDelay(), slack());
        ProbeResult v = assertInterruptHandled("probe of a peer that never answers", r, slack());
        assertTrue(v.isFailure() || !r.interruptedBeforeReturn(),
                () -> "an interrupted probe must not report health, was " + v);
    }

    @Test
    void probeWithInterruptStatusSetReturnsAndProbeStillWorks() throws Exception {
        HealthProbe probe = track(newHealthyProbe());
        Calls.Interrupted<ProbeResult> r = Calls.preInterrupted("probe",
                () -> probe.probe(node(), timeout()), timeout().plus(slack()));
        assertInterruptHandled("probe called with the interrupt status set", r, timeout().plus(slack()));
        ProbeResult after = probeWithin(probe, "probe after an interrupted probe");
        assertEquals(HealthStatus.HEALTHY, after.status(),
                () -> "a probe must still work after an interrupted call, verdict was " + after);
    }

    @Test
    void noSecretInToStringOrVerdict() throws Exception {
        HealthProbe healthy = track(newHealthyProbe());
        HealthProbe down = track(newDownProbe());
        HealthProbe hanging = track(newHangingProbe());
        assertNoSecret(secrets(), "healthy probe toString()", healthy);
        assertNoSecret(secrets(), "down probe toString()", down);
        assertNoSecret(secrets(), "hanging probe toString()", hanging);
        assertNoSecret(secrets(), "healthy verdict", probeWithin(healthy, "healthy probe").detail());
        assertNoSecret(secrets(), "down verdict", probeWithin(down, "down probe").detail());
    }
}
