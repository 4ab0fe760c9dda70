package dev.ha4j.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One health verdict from a {@link dev.ha4j.core.spi.HealthProbe}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status what the probe saw
 * @param failure the failure kind; present exactly when {@code status} is {@link HealthStatus#FAILED} or
 *     {@link HealthStatus#UNREACHABLE}
 * @param detail what was observed, for the timeline (never a secret, never a whole response body)
 * @param latency how long the probe took
 */
public record ProbeResult(HealthStatus status, Optional<FailureKind> failure, String detail, Duration latency) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a failure kind is given with a non-failure status, or missing with
     *     a failure status, or the latency is negative
     */
    public ProbeResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(latency, "latency");
        boolean failing = status == HealthStatus.FAILED || status == HealthStatus.UNREACHABLE;
        if (failing != failure.isPresent()) {
            throw new IllegalArgumentException("status " + status + (failing
                    ? " needs a failure kind" : " must not carry failure kind " + failure.orElse(null)));
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency " + latency + " is negative");
        }
    }

    /**
     * @param status a non-failure status
     * @param detail what was seen
     * @return a verdict without failure kind, zero latency
     */
    public static ProbeResult of(HealthStatus status, String detail) {
        return new ProbeResult(status, Optional.empty(), detail, Duration.ZERO);
    }

    /** @return a {@link HealthStatus#HEALTHY} verdict */
    public static ProbeResult healthy() {
        return of(HealthStatus.HEALTHY, "");
    }

    /**
     * @param kind the failure kind
     * @param detail what was seen
     * @return a {@link HealthStatus#FAILED} verdict
     */
    public static ProbeResult failed(FailureKind kind, String detail) {
        return new ProbeResult(HealthStatus.FAILED, Optional.of(kind), detail, Duration.ZERO);
    }

    /**
     * @param kind the failure kind, usually {@link FailureKind#NODE_UNREACHABLE}
     * @param detail what was seen
     * @return an {@link HealthStatus#UNREACHABLE} verdict
     */
    public static ProbeResult unreachable(FailureKind kind, String detail) {
        return new ProbeResult(HealthStatus.UNREACHABLE, Optional.of(kind), detail, Duration.ZERO);
    }

    /**
     * @param latency the measured latency
     * @return a copy with that latency
     */
    public ProbeResult withLatency(Duration latency) {
        return new ProbeResult(status, failure, detail, latency);
    }

    /** @return whether this verdict is a failure */
    public boolean isFailure() {
        return failure.isPresent();
    }

    @Override
    public String toString() {
        return status + failure.map(k -> "/" + k).orElse("") + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
