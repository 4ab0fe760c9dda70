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
 * resource fencing by outdating, resync of an outdated secondary.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
public final class SimulatedReplicator extends SimulatedSpis implements Replicator {
    SimulatedReplicator(SimulatedWorld world, VirtualScheduler scheduler) {
        super(world, scheduler);
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        return took(world.replicaStatus(node(node), now(), timeout.toMillis()));
    }

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        return took(world.promote(node(node), epoch.value(), force, now(), timeout.toMillis()));
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        return took(world.demote(node(node), now(), timeout.toMillis()));
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        return took(world.outdatePeer(node(peer), now(), timeout.toMillis()));
    }

    @Override
    public String toString() {
        return "SimulatedReplicator";
    }
}
