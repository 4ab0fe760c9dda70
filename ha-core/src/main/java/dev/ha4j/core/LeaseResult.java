package dev.ha4j.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a lease request: granted with a new lease, or not, with the reason and the current holder
 * where known.
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcome {@link Outcome#OK} when granted
 * @param lease the granted lease, or the lease of the current holder when refused and known
 * @param detail why, for the timeline
 */
public record LeaseResult(Outcome outcome, Optional<Lease> lease, String detail) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if granted without a lease
     */
    public LeaseResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(detail, "detail");
        if (outcome == Outcome.OK && lease.isEmpty()) {
            throw new IllegalArgumentException("a granted lease result needs the lease");
        }
    }

    /**
     * @param lease the new lease
     * @return a granted result
     */
    public static LeaseResult granted(Lease lease) {
        return new LeaseResult(Outcome.OK, Optional.of(lease), "granted");
    }

    /**
     * @param outcome why not: FAILED, TIMED_OUT or REFUSED
     * @param holder the current holder's lease, if known
     * @param detail the cause
     * @return a result that grants nothing
     */
    public static LeaseResult notGranted(Outcome outcome, Optional<Lease> holder, String detail) {
        if (outcome == Outcome.OK) {
            throw new IllegalArgumentException("notGranted needs a non-OK outcome");
        }
        return new LeaseResult(outcome, holder, detail);
    }

    /** @return whether the lease was granted */
    public boolean isGranted() {
        return outcome == Outcome.OK;
    }
}
