package dev.ha4j.testkit.sim;

import java.time.Duration;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/** Common plumbing of the simulated SPIs: virtual time in, modelled latency (or a stall) out. Not thread-safe. */
abstract class SimulatedSpis {
    final SimulatedWorld world;
    final VirtualScheduler scheduler;
    final Stalls stalls;

    SimulatedSpis(Stalls stalls) {
        this.world = stalls.world;
        this.scheduler = stalls.scheduler;
        this.stalls = stalls;
    }

    long now() {
        return scheduler.nowMillis();
    }

    /** Lets the call take the latency the world drew for it. */
    <T> T took(T result) {
        scheduler.sleep(Duration.ofMillis(world.lastLatencyMillis()));
        return result;
    }

    /** One call to {@code endpoint}; see {@link Stalls#call}. */
    <T> T call(int endpoint, Duration timeout, String what, Object target, LongFunction<T> op, Supplier<T> unanswered) {
        return stalls.call(endpoint, timeout.toMillis(), what, target, op, unanswered);
    }

    int node(dev.ha4j.core.NodeId id) {
        int i = world.index(id);
        if (i < 0) {
            throw new IllegalArgumentException("node " + id + " is not simulated");
        }
        return i;
    }

    static int agent(int node) {
        return SimulatedWorld.nodeEndpoint(node);
    }

    static int bmc(int node) {
        return SimulatedWorld.bmcEndpoint(node);
    }
}
