package dev.ha4j.testkit.compat;

import static dev.ha4j.testkit.compat.Calls.assertInterruptHandled;
import static dev.ha4j.testkit.compat.Calls.assertNoSecret;
import static dev.ha4j.testkit.compat.Calls.assertWithin;
import static dev.ha4j.testkit.compat.Calls.timed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compatibility kit for {@link Replicator} implementations: the rules every replicator must keep, as JUnit 5
 * tests.
 *
 * <p>Extend this class and supply a replicator whose replica on {@link #node()} is up to date and secondary
 * when it is returned, with {@link #peer()} as the other side. Optionally supply one for which the node does
 * not answer ({@link #newUnreachableReplicator()}; {@code null} skips those tests). Replicators that are
 * {@link AutoCloseable} are closed by the kit after each test; tear down devices in your own
 * {@code @AfterEach}.
 *
 * <pre>{@code
 * class DrbdReplicatorCompatibilityTest extends ReplicatorContract {
 *     @Override protected Replicator newReplicator() { return DrbdReplicator.builder().resource("r0").build(); }
 *     @Override protected NodeId node() { return NodeId.of("alice"); }
 *     @Override protected NodeId peer() { return NodeId.of("bob"); }
 * }
 * }</pre>
 *
 * <p>Rules checked: {@code name()} is short, stable and free of secrets; promote twice gives PRIMARY; demote
 * twice (and demote without promote) gives SECONDARY; a stale epoch is refused (unless
 * {@link #checksEpochs()} is false); outdating the peer gives a result within the deadline; every call returns
 * within {@link #timeout()} plus {@link #slack()}; an unreachable node gives failed results and an UNKNOWN
 * role; an interrupted promote returns promptly, keeps the interrupt status and leaves a known role.
 *
 * <p>Not thread-safe: JUnit creates one instance per test method.
 */
public abstract class ReplicatorContract {
    private final List<Object> created = new ArrayList<>();

    /**
     * Creates a replicator whose replica on {@link #node()} is up to date and secondary.
     *
     * @return the replicator
     * @throws Exception if it cannot be set up
     */
    protected abstract Replicator newReplicator() throws Exception;

    /**
     * Creates a replicator for which {@link #node()} does not answer; {@code null} skips those tests.
     *
     * @return the replicator, or null
     * @throws Exception if it cannot be set up
     */
    protected Replicator newUnreachableReplicator() throws Exception {
        return null;
    }

    /** @return the node whose replica is promoted and demoted */
    protected NodeId node() {
        return NodeId.of("node-1");
    }

    /** @return the other node of the data set */
    protected NodeId peer() {
        return NodeId.of("node-2");
    }

    /** @return the deadline passed to each call */
    protected Duration timeout() {
        return Duration.ofSeconds(5);
    }

    /** @return how much later than its deadline a call may return */
    protected Duration slack() {
        return Duration.ofSeconds(1);
    }

    /** @return strings that must never appear in a {@code toString()}, a name or a result */
    protected Set<String> secrets() {
        return Set.of();
    }

    /** @return whether the replicator refuses a promote under an epoch smaller than one it has seen */
    protected boolean checksEpochs() {
        return true;
    }

    private Replicator track(Replicator r) {
        if (r != null) {
            created.add(r);
        }
        return r;
    }

    /** Closes the replicators the kit created that are {@link AutoCloseable}. */
    @AfterEach
    void closeCreatedReplicators() {
        created.forEach(Calls::closeQuietly);
        created.clear();
    }

    private <T> T call(String what, Callable<T> action) {
        Calls.Timed<T> r = timed(what, action);
        assertWithin(what, r.elapsed(), timeout(), slack());
        assertNoSecret(secrets(), what + " result", r.value());
        return r.value();
    }

    private OpResult promote(Replicator r, long epoch) {
        return call("promote under e" + epoch, () -> r.promote(node(), Epoch.of(epoch), false, timeout()));
    }

    private OpResult demote(Replicator r) {
        return call("demote", () -> r.demote(node(), timeout()));
    }

    private ReplicaStatus status(Replicator r, NodeId n) {
        return call("status of " + n, () -> r.status(n, timeout()));
    }

    private static void assertOk(OpResult r, String what) {
        assertEquals(Outcome.OK, r.outcome(), () -> what + " was " + r);
    }

    @Test
    void nameIsShortStableAndSecretFree() throws Exception {
        Replicator r = track(newReplicator());
        String name = r.name();
        assertNotNull(name, "name()");
        assertFalse(name.isBlank(), "name() must not be blank");
        assertEquals(name, r.name(), "name() must be stable");
        assertNoSecret(secrets(), "name()", name);
        assertNoSecret(secrets(), "toString()", r);
    }

    @Test
    void promoteTwiceGivesPrimary() throws Exception {
        Replicator r = track(newReplicator());
        assertOk(promote(r, 1), "first promote");
        assertOk(promote(r, 1), "promote of a primary");
        assertEquals(ReplicaRole.PRIMARY, status(r, node()).role());
        assertOk(demote(r), "demote");
    }

    @Test
    void demoteTwiceGivesSecondary() throws Exception {
        Replicator r = track(newReplicator());
        assertOk(demote(r), "demote of a secondary");
        assertOk(promote(r, 1), "promote");
        assertOk(demote(r), "first demote");
        assertOk(demote(r), "second demote");
        assertEquals(ReplicaRole.SECONDARY, status(r, node()).role());
    }

    @Test
    void promoteAfterDemoteUnderNewerEpoch() throws Exception {
        Replicator r = track(newReplicator());
        assertOk(promote(r, 1), "promote");
        assertOk(demote(r), "demote");
        assertOk(promote(r, 2), "promote under a newer epoch");
        assertEquals(ReplicaRole.PRIMARY, status(r, node()).role());
        assertOk(demote(r), "demote");
    }

    @Test
    void staleEpochIsRefused() throws Exception {
        assumeTrue(checksEpochs(), "this replicator does not check epochs");
        Replicator r = track(newReplicator());
        assertOk(promote(r, 5), "promote under e5");
        assertOk(demote(r), "demote");
        OpResult stale = promote(r, 4);
        assertEquals(Outcome.REFUSED, stale.outcome(), () -> "promote under e4 after e5 must be refused: " + stale);
        assertNotEquals(ReplicaRole.PRIMARY, status(r, node()).role(), "a refused promote must not promote");
    }

    @Test
    void statusOfBothNodesWithinDeadline() throws Exception {
        Replicator r = track(newReplicator());
        ReplicaStatus s = status(r, node());
        assertEquals(ReplicaRole.SECONDARY, s.role(), () -> "a new replicator's replica must be secondary: " + s);
        assertEquals(true, s.isUpToDate(), () -> "a new replicator's replica must be up to date: " + s);
        status(r, peer());
    }

    @Test
    void outdatePeerGivesAResultWithinDeadline() throws Exception {
        Replicator r = track(newReplicator());
        assertOk(promote(r, 1), "promote");
        OpResult first = call("outdatePeer", () -> r.outdatePeer(peer(), Epoch.of(1), timeout()));
        OpResult second = call("outdatePeer", () -> r.outdatePeer(peer(), Epoch.of(1), timeout()));
        if (first.isOk()) {
            assertOk(second, "outdatePeer repeated after it succeeded");
        }
        assertOk(demote(r), "demote");
    }

    @Test
    void unreachableNodeGivesFailedResultsWithinDeadline() throws Exception {
        Replicator r = track(newUnreachableReplicator());
        assumeTrue(r != null, "no unreachable replicator supplied");
        assertEquals(ReplicaRole.UNKNOWN, status(r, node()).role());
        assertNotEquals(Outcome.OK, promote(r, 1).outcome(), "promote on an unreachable node must not be OK");
        assertNotEquals(Outcome.OK, demote(r).outcome(), "demote on an unreachable node cannot be confirmed");
    }

    @Test
    void interruptedPromoteLeavesAKnownRole() throws Exception {
        Replicator r = track(newReplicator());
        Calls.Interrupted<OpResult> i = Calls.preInterrupted("promote",
                () -> r.promote(node(), Epoch.of(1), false, timeout()), timeout().plus(slack()));
        OpResult v = assertInterruptHandled("promote with the interrupt status set", i, timeout().plus(slack()));
        ReplicaRole role = status(r, node()).role();
        assertNotEquals(ReplicaRole.UNKNOWN, role, "after an interrupted promote the role must still be known");
        if (v.isOk()) {
            assertEquals(ReplicaRole.PRIMARY, role, "a promote that reported OK must have promoted");
        }
        assertOk(promote(r, 1), "promote after an interrupted promote");
        assertOk(demote(r), "demote");
        assertEquals(ReplicaRole.SECONDARY, status(r, node()).role());
    }
}
