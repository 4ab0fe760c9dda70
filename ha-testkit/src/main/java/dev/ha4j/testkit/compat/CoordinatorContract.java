package dev.ha4j.testkit.compat;

import static dev.ha4j.testkit.compat.Calls.assertInterruptHandled;
import static dev.ha4j.testkit.compat.Calls.assertNoSecret;
import static dev.ha4j.testkit.compat.Calls.assertWithin;
import static dev.ha4j.testkit.compat.Calls.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.spi.Coordinator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link Coordinator} implementations: the rules every coordinator must keep, as JUnit 5
 * tests.
 *
 * <p>Extend this class and supply a coordinator with no lease held when it is returned, for nodes {@link #a()}
 * and {@link #b()}. Optionally supply one whose backing service does not answer
 * ({@link #newUnreachableCoordinator()}; {@code null} skips those tests) and a way to make a held lease be lost
 * ({@link #loseLease(Coordinator, Lease)}: expire it, revoke it, kill the session; return {@code false} to skip
 * the listener tests). Coordinators that are {@link AutoCloseable} are closed by the kit after each test.
 *
 * <pre>{@code
 * class InMemoryCoordinatorCompatibilityTest extends CoordinatorContract {
 *     @Override protected Coordinator newCoordinator() { return InMemoryCoordinator.builder().build(); }
 *     @Override protected boolean loseLease(Coordinator c, Lease lease) {
 *         ((InMemoryCoordinator) c).revoke("test");
 *         return true;
 *     }
 * }
 * }</pre>
 *
 * <p>Rules checked: a grant names the node and an epoch above every earlier one (strictly increasing, never
 * reused, also under concurrent acquires); re-acquiring supersedes with a new epoch; acquiring for another node
 * either supersedes with a higher epoch or is refused naming the holder; releasing a stale lease is harmless
 * and releasing twice is OK; a lost lease is reported to listeners, even when another listener throws; every
 * call returns within {@link #timeout()} plus {@link #slack()}; an unreachable coordinator grants nothing and
 * does not throw; an interrupted acquire returns promptly and keeps the interrupt status, and later grants
 * still carry higher epochs; no secret appears in {@code toString()} or a result.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class CoordinatorContract {
    private final List<Object> created = new ArrayList<>();

    /**
     * Creates a coordinator with no lease held.
     *
     * @return the coordinator
     * @throws Exception if it cannot be set up
     */
    protected abstract Coordinator newCoordinator() throws Exception;

    /**
     * Creates a coordinator whose backing service does not answer; {@code null} skips those tests.
     *
     * @return the coordinator, or null
     * @throws Exception if it cannot be set up
     */
    protected Coordinator newUnreachableCoordinator() throws Exception {
        return null;
    }

    /**
     * Makes {@code c} lose {@code lease} as it would in production (expiry, revocation, session loss).
     *
     * @param c a coordinator from {@link #newCoordinator()}
     * @param lease the lease it currently grants
     * @return false if this coordinator cannot be made to lose a lease (skips the listener tests)
     * @throws Exception if it fails
     */
    protected boolean loseLease(Coordinator c, Lease lease) throws Exception {
        return false;
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

    /** @return how long to wait for a listener to be told of a lost lease */
    protected Duration listenerWait() {
        return timeout();
    }

    private Coordinator track(Coordinator c) {
        if (c != null) {
            created.add(c);
        }
        return c;
    }

    /** Closes the coordinators the kit created that are {@link AutoCloseable}. */
    @AfterEach
    void closeCreatedCoordinators() {
        created.forEach(Calls::closeQuietly);
        created.clear();
    }

    private <T> T call(String what, Callable<T> action) {
        Calls.Timed<T> r = timed(what, action);
        assertWithin(what, r.elapsed(), timeout(), slack());
        assertNoSecret(secrets(), what + " result", r.value());
        return r.value();
    }

    private LeaseResult acquire(Coordinator c, NodeId n) {
        return call("acquire for " + n, () -> c.acquire(n, timeout()));
    }

    private Lease granted(Coordinator c, NodeId n) {
        LeaseResult r = acquire(c, n);
        assertTrue(r.isGranted(), () -> "acquire for " + n + " must be granted, was " + r.outcome() + " "
                + r.detail());
        Lease l = r.lease().orElseThrow();
        assertEquals(n, l.holder(), "a granted lease must name the node it was acquired for");
        return l;
    }

    private OpResult release(Coordinator c, Lease l) {
        return call("release " + l, () -> c.release(l, timeout()));
    }

    private Optional<Lease> current(Coordinator c) {
        return call("current", () -> c.current(timeout()));
    }

    private static void assertOk(OpResult r, String what) {
        assertEquals(Outcome.OK, r.outcome(), () -> what + " was " + r);
    }

    @Test
    void newCoordinatorHoldsNoLease() throws Exception {
        Coordinator c = track(newCoordinator());
        assertEquals(Optional.empty(), current(c));
    }

    @Test
    void acquireGrantsALeaseToTheNode() throws Exception {
        Coordinator c = track(newCoordinator());
        Lease l = granted(c, a());
        assertTrue(l.epoch().isAfter(Epoch.NONE), () -> "a granted epoch must be above " + Epoch.NONE + ": " + l);
        assertEquals(Optional.of(l), current(c));
    }

    @Test
    void reacquireSupersedesWithAHigherEpoch() throws Exception {
        Coordinator c = track(newCoordinator());
        Lease first = granted(c, a());
        Lease second = granted(c, a());
        assertTrue(second.epoch().isAfter(first.epoch()),
                () -> "re-acquire must give a new, higher epoch: " + first + " then " + second);
        assertEquals(Optional.of(second), current(c));
    }

    @Test
    void epochsStrictlyIncreaseOverManyGrants() throws Exception {
        Coordinator c = track(newCoordinator());
        Epoch last = Epoch.NONE;
        for (int i = 0; i < 20; i++) {
            NodeId n = i % 2 == 0 ? a() : b();
            Lease l = granted(c, n);
            Epoch before = last;
            assertTrue(l.epoch().isAfter(last), () -> "grant " + l + " does not exceed " + before);
            last = l.epoch();
            assertOk(release(c, l), "release of the current lease");
        }
    }

    @Test
    void acquireForAnotherNodeSupersedesOrNamesTheHolder() throws Exception {
        Coordinator c = track(newCoordinator());
        Lease la = granted(c, a());
        LeaseResult rb = acquire(c, b());
        Epoch highest = la.epoch();
        if (rb.isGranted()) {
            Lease lb = rb.lease().orElseThrow();
            assertEquals(b(), lb.holder());
            assertTrue(lb.epoch().isAfter(la.epoch()), () -> "superseding grant " + lb + " must exceed " + la);
            assertEquals(Optional.of(lb), current(c));
            highest = lb.epoch();
            assertOk(release(c, lb), "release");
        } else {
            rb.lease().ifPresent(h -> assertEquals(la, h, "a refusal must name the current holder's lease"));
            assertOk(release(c, la), "release");
        }
        Lease next = granted(c, b());
        Epoch h = highest;
        assertTrue(next.epoch().isAfter(h), () -> "grant after release " + next + " must exceed " + h);
    }

    @Test
    void releaseOfAStaleLeaseIsHarmless() throws Exception {
        Coordinator c = track(newCoordinator());
        Lease first = granted(c, a());
        Lease second = granted(c, a());
        assertOk(release(c, first), "release of a superseded lease");
        assertEquals(Optional.of(second), current(c), "releasing a stale lease must not release the current one");
        assertOk(release(c, second), "release of the current lease");
        assertEquals(Optional.empty(), current(c));
        assertOk(release(c, second), "second release of the same lease");
        assertOk(release(c, first), "release of a long-gone lease");
    }

    @Test
    void concurrentAcquiresNeverShareAnEpoch() throws Exception {
        Coordinator c = track(newCoordinator());
        int threads = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Epoch>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<Epoch> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        LeaseResult r = c.acquire(a(), timeout());
                        if (r.isGranted()) {
                            mine.add(r.lease().orElseThrow().epoch());
                        }
                    }
                    return mine;
                }));
            }
            Set<Epoch> seen = new HashSet<>();
            long wait = timeout().plus(slack()).multipliedBy(each).toMillis();
            for (Future<List<Epoch>> f : futures) {
                List<Epoch> mine = f.get(wait, TimeUnit.MILLISECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i).isAfter(mine.get(i - 1)),
                            "one thread's grants must have increasing epochs: " + mine);
                }
                for (Epoch e : mine) {
                    assertTrue(seen.add(e), () -> "epoch " + e + " was granted twice");
                }
            }
            assertFalse(seen.isEmpty(), "no concurrent acquire was granted");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lostLeaseIsReportedToListeners() throws Exception {
        Coordinator c = track(newCoordinator());
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        c.addListener((holder, epoch, reason) -> {
            throw new IllegalStateException("a throwing listener must not stop the others");
        });
        c.addListener((holder, epoch, reason) -> told.add(holder + "@" + epoch));
        Lease l = granted(c, a());
        assumeTrue(loseLease(c, l), "this coordinator cannot be made to lose a lease");
        String got = told.poll(listenerWait().toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(l.holder() + "@" + l.epoch(), got, "the listener must be told which lease was lost");
        Optional<Lease> now = current(c);
        assertFalse(now.isPresent() && now.get().equals(l), "a lost lease must not be current: " + now);
        Lease next = granted(c, b());
        assertTrue(next.epoch().isAfter(l.epoch()), () -> "grant after loss " + next + " must exceed " + l);
    }

    @Test
    void unreachableCoordinatorGrantsNothingWithinDeadline() throws Exception {
        Coordinator c = track(newUnreachableCoordinator());
        assumeTrue(c != null, "no unreachable coordinator supplied");
        LeaseResult r = acquire(c, a());
        assertFalse(r.isGranted(), () -> "an unreachable coordinator must not grant: " + r);
        current(c);
        release(c, new Lease(a(), Epoch.of(1)));
    }

    @Test
    void interruptedAcquireReturnsPromptlyAndEpochsStillIncrease() throws Exception {
        Coordinator c = track(newCoordinator());
        Lease before = granted(c, a());
        Calls.Interrupted<LeaseResult> i = Calls.preInterrupted("acquire",
                () -> c.acquire(b(), timeout()), timeout().plus(slack()));
        LeaseResult v = assertInterruptHandled("acquire with the interrupt status set", i, timeout().plus(slack()));
        Epoch highest = v.isGranted() ? v.lease().orElseThrow().epoch() : before.epoch();
        current(c).ifPresent(cur -> release(c, cur));
        Lease after = granted(c, a());
        assertTrue(after.epoch().isAfter(highest), () -> "grant after an interrupted acquire " + after
                + " must exceed " + highest);
    }

    @Test
    void noSecretInToStringOrResult() throws Exception {
        Coordinator c = track(newCoordinator());
        assertNoSecret(secrets(), "coordinator toString()", c);
        assertNoSecret(secrets(), "acquire result", acquire(c, a()));
    }
}
