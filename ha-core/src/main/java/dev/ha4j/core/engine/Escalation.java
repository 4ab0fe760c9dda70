package dev.ha4j.core.engine;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Escalation, a pure part of the engine: what a confirmed failure of the active node leads to under the
 * policy's failure table, and the budgets that bound it: {@code N} restarts within {@code W} before a failover
 * (invariant 4), at most {@code maxFailovers} within the failover window (invariant 11). Which standby a failover
 * goes to is the engine's (it depends on what it knows of each node).
 *
 * <p>Stateless and thread-safe.
 */
final class Escalation {
    private Escalation() {
    }

    /** What a confirmed failure leads to. */
    enum Action {
        /** Block: a standby would fail too (the failure table says BLOCK). */
        BLOCK,
        /** Restart in place: the failure table says RESTART and the restart budget is not used up. */
        RESTART,
        /** Fail over after the service used up its restarts here: not back to a node that did the same. */
        FAILOVER_RESTARTS_SPENT,
        /** Fail over. */
        FAILOVER,
        /** Fence the active node, then fail over. */
        FENCE_AND_FAILOVER,
        /** No action. */
        IGNORE
    }

    /**
     * The escalation of one confirmed failure.
     *
     * @param action what to do
     * @param cause the failure as the reasons and the plan name it
     * @param failoverCause the cause a {@link Action#FAILOVER_RESTARTS_SPENT} failover gives (else {@code cause})
     * @param recentRestarts the restarts that still count (within the restart window), oldest first
     */
    record Decision(Action action, String cause, String failoverCause, List<Instant> recentRestarts) {
    }

    /**
     * @param policy the policy
     * @param now now
     * @param kind the confirmed failure
     * @param detail its detail ("" for none)
     * @param restarts the restarts decided so far, oldest first
     * @return what it leads to
     */
    static Decision decide(Policy policy, Instant now, FailureKind kind, String detail, List<Instant> restarts) {
        String cause = kind + (detail.isEmpty() ? "" : " (" + detail + ")");
        List<Instant> recent = within(restarts, now, policy.restartWindow());
        Action action = switch (policy.reactionTo(kind)) {
            case BLOCK -> Action.BLOCK;
            case RESTART -> recent.size() < policy.restartLimit() ? Action.RESTART : Action.FAILOVER_RESTARTS_SPENT;
            case FAILOVER -> Action.FAILOVER;
            case FENCE_AND_FAILOVER -> Action.FENCE_AND_FAILOVER;
            case IGNORE -> Action.IGNORE;
        };
        String failoverCause = action == Action.FAILOVER_RESTARTS_SPENT ? cause + "; restart limit reached: "
                + recent.size() + " restart(s) within " + policy.restartWindow() : cause;
        return new Decision(action, cause, failoverCause, recent);
    }

    /**
     * The times that still count within a window ending now: strictly after {@code now - window}.
     *
     * @param times the times, oldest first
     * @param now now
     * @param window the window
     * @return a new, modifiable list of those times, oldest first
     */
    static List<Instant> within(List<Instant> times, Instant now, Duration window) {
        Instant horizon = now.minus(window);
        List<Instant> recent = new ArrayList<>(times.size() + 1);
        for (Instant t : times) {
            if (t.isAfter(horizon)) {
                recent.add(t);
            }
        }
        return recent;
    }

    /**
     * @param policy the policy
     * @param recentFailovers the failovers within the failover window ({@link #within})
     * @return whether the failover budget is used up: no further failover within the window
     */
    static boolean failoverBudgetSpent(Policy policy, List<Instant> recentFailovers) {
        return recentFailovers.size() >= policy.maxFailovers();
    }
}
