package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.spi.RequestRouter;
import java.time.Duration;
import java.util.Optional;

/**
 * The simulated request router behind the {@link RequestRouter} SPI: one target, stale epochs refused, the
 * manager's path to it subject to partitions.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
public final class SimulatedRouter extends SimulatedSpis implements RequestRouter {
    SimulatedRouter(SimulatedWorld world, VirtualScheduler scheduler) {
        super(world, scheduler);
    }

    @Override
    public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        return took(world.route(node(node), epoch.value(), now(), timeout.toMillis()));
    }

    @Override
    public OpResult unroute(NodeId node, Duration timeout) {
        return took(world.unroute(node(node), now(), timeout.toMillis()));
    }

    @Override
    public Optional<NodeId> currentTarget(Duration timeout) {
        return took(world.routeTarget(now(), timeout.toMillis()));
    }

    @Override
    public String toString() {
        return "SimulatedRouter";
    }
}
