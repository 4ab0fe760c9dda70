package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.spi.Coordinator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulated coordinator behind the {@link Coordinator} SPI: epochs that only grow, a lease that can expire
 * or be lost with the session, listeners told of every loss, the manager's path to it subject to partitions,
 * calls held back while it stalls.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread; listeners are called on it.
 */
public final class SimulatedCoordinator extends SimulatedSpis implements Coordinator {
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();

    SimulatedCoordinator(Stalls stalls) {
        super(stalls);
    }

    @Override
    public LeaseResult acquire(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(SimulatedWorld.COORDINATOR, timeout, "acquire-lease", node, at -> world.acquire(i, at, t),
                () -> LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "coordinator does not answer"));
    }

    @Override
    public OpResult release(Lease lease, Duration timeout) {
        long t = timeout.toMillis();
        return call(SimulatedWorld.COORDINATOR, timeout, "release-lease", lease, at -> world.release(lease, at, t),
                () -> OpResult.timedOut("coordinator does not answer"));
    }

    @Override
    public Optional<Lease> current(Duration timeout) {
        long t = timeout.toMillis();
        return call(SimulatedWorld.COORDINATOR, timeout, "current-lease", "", at -> world.currentLease(at, t),
                Optional::empty);
    }

    @Override
    public void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    void fireLost(int holder, long epoch, String reason) {
        for (LeaseListener l : listeners) {
            l.leaseLost(world.nodes[holder].id, Epoch.of(epoch), reason);
        }
    }

    @Override
    public String toString() {
        return "SimulatedCoordinator";
    }
}
