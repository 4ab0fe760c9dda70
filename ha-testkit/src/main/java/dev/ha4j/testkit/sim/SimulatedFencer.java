package dev.ha4j.testkit.sim;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import java.time.Duration;

/**
 * Simulated BMCs behind the {@link Fencer} SPI: power off and read back, failing, timing out, stalling or (a
 * contract-breaking fault) lying as the world's faults say. Only {@link FenceAction#OFF} is modelled.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
public final class SimulatedFencer extends SimulatedSpis implements Fencer {
    SimulatedFencer(Stalls stalls) {
        super(stalls);
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        if (action != FenceAction.OFF) {
            return FenceResult.failed(Outcome.REFUSED, PowerState.UNKNOWN, "only OFF is simulated");
        }
        int i = node(node);
        long t = timeout.toMillis();
        return call(bmc(i), timeout, "fence", node, at -> world.fence(i, at, t),
                () -> FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "BMC of " + node + " does not answer"));
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        int i = node(node);
        long t = timeout.toMillis();
        return call(bmc(i), timeout, "power-status", node, at -> world.powerState(i, at, t), () -> PowerState.UNKNOWN);
    }

    @Override
    public String toString() {
        return "SimulatedFencer";
    }
}
