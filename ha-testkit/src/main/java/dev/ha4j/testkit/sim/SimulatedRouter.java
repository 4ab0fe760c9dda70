package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.spi.RequestRouter;
import java.time.Duration;
import java.util.Optional;

/**
 * The simulated request router behind the {@link RequestRouter} SPI: one target, stale epochs refused, the
 * manager's path to it subject to partitions, calls held back while it stalls.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
public final class SimulatedRouter extends SimulatedSpis implements RequestRouter {
    SimulatedRouter(Stalls stalls) {
        super(stalls);
    }

    @Override
    public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(SimulatedWorld.ROUTER, timeout, "route", node, at -> world.route(i, epoch.value(), at, t),
                () -> OpResult.timedOut("router does not answer"));
    }

    @Override
    public OpResult unroute(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(SimulatedWorld.ROUTER, timeout, "unroute", node, at -> world.unroute(i, at, t),
                () -> OpResult.timedOut("router does not answer"));
    }

    @Override
    public Optional<NodeId> currentTarget(Duration timeout) {
        long t = timeout.toMillis();
        return call(SimulatedWorld.ROUTER, timeout, "route-target", "", at -> world.routeTarget(at, t),
                Optional::empty);
    }

    @Override
    public String toString() {
        return "SimulatedRouter";
    }
}
