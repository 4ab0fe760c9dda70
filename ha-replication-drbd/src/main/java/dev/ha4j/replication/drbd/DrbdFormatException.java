package dev.ha4j.replication.drbd;

/**
 * DRBD printed something a parser cannot use: a required field is missing or malformed. The message names the
 * field and, where there is one, the line. The parsers throw nothing else, whatever their input.
 *
 * <p>Immutable and thread-safe.
 */
public final class DrbdFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing or malformed, and where
     */
    public DrbdFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is missing or malformed, and where
     * @param cause the underlying error
     */
    public DrbdFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
