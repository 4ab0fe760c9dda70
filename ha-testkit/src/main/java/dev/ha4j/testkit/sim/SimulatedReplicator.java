package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;

/**
 * The simulated replicated data set behind the {@link Replicator} SPI: roles, consistency (up to date,
 * lagging, inconsistent, split-brained), promotion refused when stale and not forced or under a stale epoch,
 * resource fencing by outdating, resync of an outdated secondary; a stalled node agent holds back the calls on
 * its replica.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
public final class SimulatedReplicator extends SimulatedSpis implements Replicator {
    SimulatedReplicator(Stalls stalls) {
        super(stalls);
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "replica-status", node, at -> world.replicaStatus(i, at, t),
                () -> ReplicaStatus.unknown(node + " does not answer"));
    }

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "promote", node, at -> world.promote(i, epoch.value(), force, at, t),
                () -> OpResult.timedOut("no answer from " + node));
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "demote", node, at -> world.demote(i, at, t),
                () -> OpResult.timedOut("no answer from " + node));
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        // Done from the new primary's side: the peer's agent is not involved, so its stall does not hold it back.
        return took(world.outdatePeer(node(peer), now(), timeout.toMillis()));
    }

    @Override
    public String toString() {
        return "SimulatedReplicator";
    }
}
