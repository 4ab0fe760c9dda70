package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;

/**
 * The simulated nodes' services behind the real SPIs: probing and controlling the service on any node of a
 * {@link SimulatedWorld}, with the world's latencies and faults (crash, hang, out of memory, slow or failing
 * start, ERROR/MAINTENANCE/STARTING, unreachable, powered off, stale epoch refused).
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread, like the world it reads.
 */
public final class SimulatedNodes extends SimulatedSpis implements HealthProbe, ServiceControl {
    SimulatedNodes(SimulatedWorld world, VirtualScheduler scheduler) {
        super(world, scheduler);
    }

    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        return took(world.probe(node(node), now(), timeout.toMillis()));
    }

    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        return took(world.start(node(node), epoch.value(), now(), timeout.toMillis()));
    }

    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        return took(world.stop(node(node), now(), timeout.toMillis()));
    }

    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        return took(world.kill(node(node), now(), timeout.toMillis()));
    }

    @Override
    public RunState state(NodeId node, Duration timeout) {
        return took(world.state(node(node), now(), timeout.toMillis()));
    }

    @Override
    public String toString() {
        return "SimulatedNodes" + world.nodeNames();
    }
}
