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
import dev.ha4j.core.spi.RequestRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link RequestRouter} implementations: the rules every router must keep, as JUnit 5
 * tests.
 *
 * <p>Extend this class and supply a router that can route requests to nodes {@link #a()} and {@link #b()}
 * and routes to nothing when it is returned. Optionally supply one whose target does not answer
 * ({@link #newUnreachableRouter()}; {@code null} skips those tests). After each test the kit unroutes both
 * nodes through every router it created and closes those that are {@link AutoCloseable}.
 *
 * <pre>{@code
 * class VipRouterCompatibilityTest extends RequestRouterContract {
 *     @Override protected RequestRouter newRouter() { return VipRouter.builder()...build(); }
 *     @Override protected boolean checksEpochs() { return false; }   // a VIP cannot check epochs
 * }
 * }</pre>
 *
 * <p>Rules checked: route twice gives the same target; routing to the other node moves the target; unroute
 * twice leaves no target; unrouting a node that is not the target is harmless; a stale epoch is refused
 * (unless {@link #checksEpochs()} is false); every call returns within {@link #timeout()} plus {@link #slack()};
 * an unreachable router gives failed results, not exceptions; an interrupted route returns promptly, keeps the
 * interrupt status and leaves a consistent target; no secret appears in {@code toString()} or a result.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class RequestRouterContract {
    private final List<RequestRouter> created = new ArrayList<>();

    /**
     * Creates a router that routes to nothing yet.
     *
     * @return the router
     * @throws Exception if it cannot be set up
     */
    protected abstract RequestRouter newRouter() throws Exception;

    /**
     * Creates a router whose target (device, API, load balancer) does not answer; {@code null} skips those
     * tests.
     *
     * @return the router, or null
     * @throws Exception if it cannot be set up
     */
    protected RequestRouter newUnreachableRouter() throws Exception {
        return null;
    }

    /** @return the first node */
    protected NodeId a() {
        return NodeId.of("node-a");
    }

    /** @return the second node */
    protected NodeId b() {
        return NodeId.of("node-b");
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

    /** @return whether the router refuses a route under an epoch smaller than one it has seen */
    protected boolean checksEpochs() {
        return true;
    }

    private RequestRouter track(RequestRouter r) {
        if (r != null) {
            created.add(r);
        }
        return r;
    }

    /** Unroutes both nodes through every router the kit created, then closes those that are closeable. */
    @AfterEach
    void unrouteCreatedRouters() {
        for (RequestRouter r : created) {
            try {
                r.unroute(a(), timeout());
                r.unroute(b(), timeout());
            } catch (RuntimeException ignored) {
                // best effort: the test's own assertion says what went wrong
            }
            Calls.closeQuietly(r);
        }
        created.clear();
    }

    private <T> T call(String what, Callable<T> action) {
        Calls.Timed<T> r = timed(what, action);
        assertWithin(what, r.elapsed(), timeout(), slack());
        assertNoSecret(secrets(), what + " result", r.value());
        return r.value();
    }

    private OpResult route(RequestRouter r, NodeId n, long epoch) {
        return call("route to " + n + " under e" + epoch, () -> r.route(n, Epoch.of(epoch), timeout()));
    }

    private OpResult unroute(RequestRouter r, NodeId n) {
        return call("unroute " + n, () -> r.unroute(n, timeout()));
    }

    private Optional<NodeId> target(RequestRouter r) {
        return call("currentTarget", () -> r.currentTarget(timeout()));
    }

    private static void assertOk(OpResult r, String what) {
        assertEquals(Outcome.OK, r.outcome(), () -> what + " was " + r);
    }

    @Test
    void newRouterRoutesNowhere() throws Exception {
        RequestRouter r = track(newRouter());
        assertEquals(Optional.empty(), target(r));
    }

    @Test
    void routeTwiceGivesTheSameTarget() throws Exception {
        RequestRouter r = track(newRouter());
        assertOk(route(r, a(), 1), "first route");
        assertOk(route(r, a(), 1), "route to the current target");
        assertEquals(Optional.of(a()), target(r));
    }

    @Test
    void routeToTheOtherNodeMovesTheTarget() throws Exception {
        RequestRouter r = track(newRouter());
        assertOk(route(r, a(), 1), "route to a");
        assertOk(route(r, b(), 2), "route to b");
        assertEquals(Optional.of(b()), target(r));
    }

    @Test
    void unrouteTwiceLeavesNoTarget() throws Exception {
        RequestRouter r = track(newRouter());
        assertOk(route(r, a(), 1), "route");
        assertOk(unroute(r, a()), "first unroute");
        assertOk(unroute(r, a()), "second unroute");
        assertEquals(Optional.empty(), target(r));
    }

    @Test
    void unrouteOfANodeThatIsNotTheTargetIsHarmless() throws Exception {
        RequestRouter r = track(newRouter());
        assertOk(route(r, a(), 1), "route to a");
        assertOk(unroute(r, b()), "unroute of b while a is the target");
        assertEquals(Optional.of(a()), target(r));
    }

    @Test
    void staleEpochIsRefused() throws Exception {
        assumeTrue(checksEpochs(), "this router does not check epochs");
        RequestRouter r = track(newRouter());
        assertOk(route(r, b(), 5), "route to b under e5");
        OpResult stale = route(r, a(), 4);
        assertEquals(Outcome.REFUSED, stale.outcome(), () -> "route under e4 after e5 must be refused: " + stale);
        assertEquals(Optional.of(b()), target(r), "a refused route must not move the target");
    }

    @Test
    void unreachableRouterGivesFailedResultsWithinDeadline() throws Exception {
        RequestRouter r = track(newUnreachableRouter());
        assumeTrue(r != null, "no unreachable router supplied");
        assertNotEquals(Outcome.OK, route(r, a(), 1).outcome(), "route through an unreachable router must fail");
        target(r);
    }

    @Test
    void interruptedRouteLeavesAConsistentTarget() throws Exception {
        RequestRouter r = track(newRouter());
        Calls.Interrupted<OpResult> i = Calls.preInterrupted("route",
                () -> r.route(a(), Epoch.of(1), timeout()), timeout().plus(slack()));
        OpResult v = assertInterruptHandled("route with the interrupt status set", i, timeout().plus(slack()));
        Optional<NodeId> t = target(r);
        assertTrue(t.isEmpty() || t.get().equals(a()), () -> "target after an interrupted route: " + t);
        if (v.isOk()) {
            assertEquals(Optional.of(a()), t, "a route that reported OK must have routed");
        }
        assertOk(route(r, a(), 1), "route after an interrupted route");
        assertEquals(Optional.of(a()), target(r));
    }

    @Test
    void noSecretInToStringOrResult() throws Exception {
        RequestRouter r = track(newRouter());
        assertNoSecret(secrets(), "router toString()", r);
        assertNoSecret(secrets(), "route result", route(r, a(), 1));
    }
}
