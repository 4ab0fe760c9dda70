package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
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
 * start, ERROR/MAINTENANCE/STARTING, unreachable, powered off, stale epoch refused, a stalled agent).
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread, like the world it reads.
 */
public final class SimulatedNodes extends SimulatedSpis implements HealthProbe, ServiceControl {
    /** Serves every node it is asked about: no coverage to check. */
    @Override
    public java.util.Optional<java.util.Set<dev.ha4j.core.NodeId>> coveredNodes() {
        return java.util.Optional.empty();
    }

    SimulatedNodes(Stalls stalls) {
        super(stalls);
    }

    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "probe", node, at -> world.probe(i, at, t),
                () -> ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no answer from " + node));
    }

    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "start", node, at -> world.start(i, epoch.value(), at, t),
                () -> OpResult.timedOut("no answer from " + node));
    }

    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "stop", node, at -> world.stop(i, at, t),
                () -> OpResult.timedOut("no answer from " + node));
    }

    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "kill", node, at -> world.kill(i, at, t),
                () -> OpResult.timedOut("no answer from " + node));
    }

    @Override
    public RunState state(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(agent(i), timeout, "state", node, at -> world.state(i, at, t), () -> RunState.UNKNOWN);
    }

    @Override
    public String toString() {
        return "SimulatedNodes" + world.nodeNames();
    }
}
