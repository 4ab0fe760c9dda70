package dev.ha4j.core;

import java.util.Objects;

/**
 * The result of one action through an SPI: its {@link Outcome} and a human-readable detail that names the
 * cause (never a secret).
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome how it ended
 * @param detail why, for the timeline and the journal; empty when there is nothing to add
 */
public record OpResult(Outcome outcome, String detail) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public OpResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    /** @return a successful result with no detail */
    public static OpResult ok() {
        return new OpResult(Outcome.OK, "");
    }

    /**
     * @param detail what was done
     * @return a successful result
     */
    public static OpResult ok(String detail) {
        return new OpResult(Outcome.OK, detail);
    }

    /**
     * @param detail why it failed
     * @return a failed result
     */
    public static OpResult failed(String detail) {
        return new OpResult(Outcome.FAILED, detail);
    }

    /**
     * @param detail what was still pending at the deadline
     * @return a timed-out result
     */
    public static OpResult timedOut(String detail) {
        return new OpResult(Outcome.TIMED_OUT, detail);
    }

    /**
     * @param detail why the peer refused
     * @return a refused result
     */
    public static OpResult refused(String detail) {
        return new OpResult(Outcome.REFUSED, detail);
    }

    /** @return whether the outcome is {@link Outcome#OK} */
    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? outcome.name() : outcome + " (" + detail + ")";
    }
}
