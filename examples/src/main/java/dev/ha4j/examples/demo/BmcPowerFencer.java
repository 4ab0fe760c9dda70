package dev.ha4j.examples.demo;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import java.time.Duration;

/**
 * The demo's fencer when Debian's {@code ipmi_sim} is installed: it powers a node off through a real BMC over
 * IPMI v2.0 RMCP+ ({@link IpmiFencer}, verified by reading the chassis state back) and, since the simulated
 * BMC's chassis is not wired to the demo's service process, cuts the demo node's power to match (its service
 * process tree dies, verified). OFF succeeds only when both read back off.
 *
 * <p>Thread-safe.
 */
final class BmcPowerFencer implements Fencer {
    private final IpmiFencer ipmi;
    private final PoweredNodes nodes;

    BmcPowerFencer(IpmiFencer ipmi, PoweredNodes nodes) {
        this.ipmi = ipmi;
        this.nodes = nodes;
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos(); // monotonic, like every deadline in ha4j
        FenceResult bmc = ipmi.fence(node, action, timeout);
        if (bmc.outcome() != Outcome.OK) {
            return bmc;
        }
        if (action == FenceAction.ON) {
            nodes.powerOn(node);
            return bmc;
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || !nodes.cutPower(node, left)) {
            return FenceResult.failed(Outcome.TIMED_OUT, bmc.powerState(), "BMC reads " + bmc.powerState()
                    + " but the node's processes are still present");
        }
        if (action == FenceAction.REBOOT) {
            nodes.powerOn(node);
        }
        return FenceResult.ok(bmc.powerState(), "IPMI: " + bmc.detail() + "; node processes gone");
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        return ipmi.status(node, timeout);
    }

    @Override
    public String toString() {
        return "BmcPowerFencer{" + ipmi + "}";
    }
}
