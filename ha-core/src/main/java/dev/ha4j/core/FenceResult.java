package dev.ha4j.core;

import java.util.Objects;

/**
 * The result of a fencing action: the outcome, the power state read back at the end, and a cause that names
 * what went wrong (BMC unreachable, authentication failed, privilege too low, verification timed out ...).
 * A fence counts as done only when {@link #isVerifiedOff()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome how the action ended
 * @param powerState the state read back last
 * @param detail the cause, never a secret
 */
public record FenceResult(Outcome outcome, PowerState powerState, String detail) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public FenceResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(powerState, "powerState");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * @param state the verified state
     * @param detail what was done
     * @return a successful result
     */
    public static FenceResult ok(PowerState state, String detail) {
        return new FenceResult(Outcome.OK, state, detail);
    }

    /**
     * @param outcome a non-OK outcome
     * @param state the last state read, or UNKNOWN
     * @param detail the cause
     * @return a failed result
     */
    public static FenceResult failed(Outcome outcome, PowerState state, String detail) {
        return new FenceResult(outcome, state, detail);
    }

    /** @return whether the action succeeded and the device reads back OFF */
    public boolean isVerifiedOff() {
        return outcome == Outcome.OK && powerState == PowerState.OFF;
    }

    @Override
    public String toString() {
        return outcome + " power=" + powerState + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
