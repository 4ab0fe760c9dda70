package dev.ha4j.testkit.builtin;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import java.time.Duration;

/**
 * An in-memory power feed for kit runs of {@code FencingLevel}: on or off, read back; when unreachable it holds
 * each call until its deadline or an interrupt, as a silent device would. A test double.
 */
final class MemoryPowerFeed implements Fencer {
    private final boolean reachable;
    private volatile PowerState state = PowerState.ON;

    MemoryPowerFeed(boolean reachable) {
        this.reachable = reachable;
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        if (!reachable) {
            return silence(timeout) ? FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "no answer")
                    : FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "interrupted");
        }
        state = action == FenceAction.OFF ? PowerState.OFF : PowerState.ON;
        return FenceResult.ok(state, "feed " + state);
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        if (!reachable) {
            silence(timeout);
            return PowerState.UNKNOWN;
        }
        return state;
    }

    /** @return true at the deadline, false when interrupted (the interrupt status is kept) */
    private static boolean silence(Duration timeout) {
        try {
            Thread.sleep(Math.max(1, timeout.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "MemoryPowerFeed";
    }
}
