package dev.ha4j.core;

/**
 * How an operation through an SPI ended. Expected failures are outcomes, not exceptions.
 */
public enum Outcome {
    /** The operation did what was asked and, where the SPI can tell, it was verified. */
    OK,
    /** The operation was attempted and failed. */
    FAILED,
    /** The deadline passed before the operation could be confirmed either way. */
    TIMED_OUT,
    /** The peer refused the operation, for example because of a stale epoch or missing privilege. */
    REFUSED;

    /** @return whether this is {@link #OK} */
    public boolean isOk() {
        return this == OK;
    }
}
