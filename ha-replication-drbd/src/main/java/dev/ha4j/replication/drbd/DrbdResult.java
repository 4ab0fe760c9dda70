package dev.ha4j.replication.drbd;

import dev.ha4j.core.OpResult;
import java.util.Objects;
import java.util.Optional;

/**
 * The detailed result of a DRBD operation: the {@link OpResult} the SPI returns, the typed {@link Refusal} when
 * one applies, the command that failed (with its exit code and stderr), and the state read back afterwards.
 *
 * <p>Immutable and thread-safe.
 *
 * @param result the SPI result
 * @param refusal why it was refused, when it was
 * @param command the command whose failure decided the result, when one did
 * @param state the state read back after the command, when it could be read
 */
public record DrbdResult(OpResult result, Optional<Refusal> refusal, Optional<CommandResult> command,
        Optional<DrbdResourceState> state) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public DrbdResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(refusal, "refusal");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(state, "state");
    }

    static DrbdResult of(OpResult r) {
        return new DrbdResult(r, Optional.empty(), Optional.empty(), Optional.empty());
    }

    static DrbdResult refused(Refusal why, String detail, DrbdResourceState state) {
        return new DrbdResult(OpResult.refused(why + ": " + detail), Optional.of(why), Optional.empty(),
                Optional.ofNullable(state));
    }

    /** @return whether the operation succeeded */
    public boolean isOk() {
        return result.isOk();
    }
}
