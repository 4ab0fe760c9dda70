package dev.ha4j.fencing.ipmi.internal;

import dev.ha4j.fencing.ipmi.IpmiFailure;
import java.util.Objects;

/**
 * An expected failure inside the protocol machinery; {@link dev.ha4j.fencing.ipmi.IpmiFencer} turns it into
 * a result. Its message never holds a secret.
 */
public final class IpmiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final IpmiFailure failure;
    private final int completionCode;

    /**
     * @param failure the cause
     * @param message what happened, without the cause's label
     */
    public IpmiException(IpmiFailure failure, String message) {
        this(failure, message, -1);
    }

    /**
     * @param failure the cause
     * @param message what happened, without the cause's label
     * @param completionCode the IPMI completion code, or -1
     */
    public IpmiException(IpmiFailure failure, String message, int completionCode) {
        super(message, null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.completionCode = completionCode;
    }

    /** @return the cause */
    public IpmiFailure failure() {
        return failure;
    }

    /** @return the IPMI completion code, or -1 if there was none */
    public int completionCode() {
        return completionCode;
    }
}
