package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.FenceResult;
import dev.ha4j.core.PowerState;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link FenceResult} together with its machine-readable cause and how long the action took.
 *
 * <p>Immutable and thread-safe; never holds a secret.
 *
 * @param result the result as the {@link dev.ha4j.core.spi.Fencer} SPI reports it
 * @param failure why it failed, or {@link IpmiFailure#NONE}
 * @param elapsed time from the call to the result, session close included
 */
public record IpmiResult(FenceResult result, IpmiFailure failure, Duration elapsed) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an OK result carries a failure or a failed one carries none
     */
    public IpmiResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(elapsed, "elapsed");
        if (result.outcome().isOk() != (failure == IpmiFailure.NONE)) {
            throw new IllegalArgumentException("failure " + failure + " does not match outcome " + result.outcome());
        }
    }

    /** @return the power state read back last */
    public PowerState powerState() {
        return result.powerState();
    }

    /** @return whether the action succeeded */
    public boolean isOk() {
        return failure == IpmiFailure.NONE;
    }
}
