package dev.ha4j.examples.demo;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's simulated machines: each node has a power switch in front of its real service process. The
 * {@link #fencer()} powers a node off by killing its whole service process tree and reads back that it is
 * gone before it reports OFF; a powered-off node cannot start its service. Stands in for a BMC where no
 * {@code ipmi_sim} is available.
 *
 * <p>Thread-safe.
 */
public final class PoweredNodes implements ServiceControl {
    private final ServiceControl processes;
    private final Map<NodeId, Boolean> power = new ConcurrentHashMap<>();

    /**
     * @param processes the real process control behind the power switches
     */
    public PoweredNodes(ServiceControl processes) {
        this.processes = processes;
    }

    private boolean on(NodeId node) {
        return power.getOrDefault(node, true);
    }

    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        return on(node) ? processes.start(node, epoch, timeout) : OpResult.failed(node + " is powered off");
    }

    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        return processes.stop(node, timeout);
    }

    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        return processes.kill(node, timeout);
    }

    @Override
    public RunState state(NodeId node, Duration timeout) {
        return on(node) ? processes.state(node, timeout) : RunState.STOPPED;
    }

    /** @return a fencer that switches these nodes' power, verified */
    public Fencer fencer() {
        return new Fencer() {
            @Override
            public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
                Instant deadline = Instant.now().plus(timeout);
                if (action == FenceAction.ON) {
                    power.put(node, true);
                    return FenceResult.ok(PowerState.ON, "powered on");
                }
                power.put(node, false);
                processes.kill(node, timeout);
                while (Instant.now().isBefore(deadline)) {
                    if (processes.state(node, Duration.ofMillis(500)) == RunState.STOPPED) {
                        if (action == FenceAction.REBOOT) {
                            power.put(node, true);
                            return FenceResult.ok(PowerState.ON, "off verified, powered on again");
                        }
                        return FenceResult.ok(PowerState.OFF, "power cut, service process tree verified gone");
                    }
                    LockSupport.parkNanos(20_000_000L);
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
                return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "processes still present at the deadline");
            }

            @Override
            public PowerState status(NodeId node, Duration timeout) {
                return on(node) ? PowerState.ON : PowerState.OFF;
            }

            @Override
            public String toString() {
                return "SimulatedPowerFencer";
            }
        };
    }
}
