package dev.ha4j.examples.demo;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's simulated machines: each node has a power switch and a network cable in front of its real
 * service process. The {@link #fencer()} powers a node off by killing its whole service process tree and
 * reads back that it is gone before it reports OFF; a powered-off node cannot start its service. A node whose
 * cable is cut ({@link #cutNetwork}) cannot be probed, stopped or observed: it is "unreachable", as a whole
 * server that went down would be, so the manager must fence it before taking over.
 *
 * <p>Thread-safe.
 */
public final class PoweredNodes implements ServiceControl {
    private final ServiceControl processes;
    private final Map<NodeId, Boolean> power = new ConcurrentHashMap<>();
    private final Map<NodeId, Boolean> cut = new ConcurrentHashMap<>();
    // A cut-off switch is a latch nobody counts down: a fence waits on it for its whole deadline, interruptibly.
    private final Map<NodeId, CountDownLatch> switchCut = new ConcurrentHashMap<>();

    /**
     * @param processes the real process control behind the power switches
     */
    public PoweredNodes(ServiceControl processes) {
        this.processes = processes;
    }

    private boolean on(NodeId node) {
        return power.getOrDefault(node, true);
    }

    private boolean reachable(NodeId node) {
        return !cut.getOrDefault(node, false);
    }

    /** @param node the node whose network to cut: probes, stops and observations of it get no answer */
    public void cutNetwork(NodeId node) {
        cut.put(node, true);
    }

    /** @param node the node whose network to restore */
    public void restoreNetwork(NodeId node) {
        cut.remove(node);
    }

    /**
     * Makes a node's power switch stop answering, like a BMC that is down: fencing that node then times out
     * and its power state is unknown.
     *
     * @param node the node whose switch to cut off
     */
    public void cutSwitch(NodeId node) {
        switchCut.putIfAbsent(node, new CountDownLatch(1));
    }

    /**
     * Switches a node's power on, as an operator at the console would.
     *
     * @param node the node
     */
    public void powerOn(NodeId node) {
        power.put(node, true);
    }

    /** @return whether the node's power is on */
    public boolean poweredOn(NodeId node) {
        return on(node);
    }

    /**
     * @param probe the real probe
     * @return a probe that answers "no route to host" for a node whose network is cut or power is off
     */
    public HealthProbe probe(HealthProbe probe) {
        return (node, timeout) -> reachable(node) && on(node) ? probe.probe(node, timeout)
                : ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host (" + (on(node)
                        ? "network cut" : "powered off") + ")");
    }

    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        if (!reachable(node)) {
            return OpResult.timedOut("no answer from " + node + " (network cut)");
        }
        return on(node) ? processes.start(node, epoch, timeout) : OpResult.failed(node + " is powered off");
    }

    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        return reachable(node) ? processes.stop(node, timeout)
                : OpResult.timedOut("no answer from " + node + " (network cut)");
    }

    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        return reachable(node) ? processes.kill(node, timeout)
                : OpResult.timedOut("no answer from " + node + " (network cut)");
    }

    @Override
    public RunState state(NodeId node, Duration timeout) {
        if (!on(node)) {
            return RunState.STOPPED;
        }
        return reachable(node) ? processes.state(node, timeout) : RunState.UNKNOWN;
    }

    /**
     * Cuts a node's power: its service process tree dies, verified.
     *
     * @param node the node
     * @param timeout how long verifying may take
     * @return whether every service process is confirmed gone
     */
    boolean cutPower(NodeId node, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos(); // monotonic: a wall-clock step cannot stretch it
        power.put(node, false);
        processes.kill(node, timeout);
        // kill() only delivers the signal; stop() is the control's own wait until the tree is gone (nothing to
        // stop any more, so it just confirms), and state() reads the result back.
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero() || processes.stop(node, left).outcome() != Outcome.OK) {
            return false;
        }
        left = Duration.ofNanos(deadline - System.nanoTime());
        return !left.isNegative() && processes.state(node, left) == RunState.STOPPED;
    }

    /** @return a fencer that switches these nodes' power, verified */
    public Fencer fencer() {
        return new Fencer() {
            @Override
            public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
                CountDownLatch silent = switchCut.get(node);
                if (silent != null) {
                    // A switch that does not answer: nothing is known until the deadline, then nothing still.
                    try {
                        silent.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "interrupted while the switch was silent");
                    }
                    return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "power switch of " + node
                            + " does not answer");
                }
                if (action == FenceAction.ON) {
                    power.put(node, true);
                    return FenceResult.ok(PowerState.ON, "powered on");
                }
                if (!cutPower(node, timeout)) {
                    return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN,
                            "processes still present at the deadline");
                }
                if (action == FenceAction.REBOOT) {
                    power.put(node, true);
                    return FenceResult.ok(PowerState.ON, "off verified, powered on again");
                }
                return FenceResult.ok(PowerState.OFF, "power cut, service process tree verified gone");
            }

            @Override
            public PowerState status(NodeId node, Duration timeout) {
                if (switchCut.containsKey(node)) {
                    return PowerState.UNKNOWN;
                }
                return on(node) ? PowerState.ON : PowerState.OFF;
            }

            @Override
            public String toString() {
                return "SimulatedPowerFencer";
            }
        };
    }
}
