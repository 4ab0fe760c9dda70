package dev.ha4j.testkit.sim;

import java.time.Duration;

/** Common plumbing of the simulated SPIs: virtual time in, modelled latency out. Not thread-safe. */
abstract class SimulatedSpis {
    final SimulatedWorld world;
    final VirtualScheduler scheduler;

    SimulatedSpis(SimulatedWorld world, VirtualScheduler scheduler) {
        this.world = world;
        this.scheduler = scheduler;
    }

    long now() {
        return scheduler.nowMillis();
    }

    /** Lets the call take the latency the world drew for it. */
    <T> T took(T result) {
        scheduler.sleep(Duration.ofMillis(world.lastLatencyMillis()));
        return result;
    }

    int node(dev.ha4j.core.NodeId id) {
        int i = world.index(id);
        if (i < 0) {
            throw new IllegalArgumentException("node " + id + " is not simulated");
        }
        return i;
    }
}
