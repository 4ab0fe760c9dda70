package dev.ha4j.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A broken invariant found in a simulated run: which rule, when (from the start of the run), at which engine
 * step, and what happened.
 *
 * <p>Rules are named {@code safety-N} for the command-stream checks of ha-core's
 * {@link dev.ha4j.core.engine.SafetyMonitor} (N is the invariant of {@code docs/design.md}), {@code world-N:...} for what
 * really happened in the simulated world, {@code liveness:...} for service restoration and blocked clusters,
 * {@code property:NAME} for a user's property and {@code crash} for an exception thrown by the decision
 * function.
 *
 * <p>Immutable and thread-safe.
 *
 * @param rule the rule
 * @param at when
 * @param step the number of engine events before it
 * @param message what happened
 */
public record Violation(String rule, Duration at, long step, String message) {
    /** @throws NullPointerException if an argument is null */
    public Violation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return rule + " at +" + Timeline.format(at) + " (step " + step + "): " + message;
    }
}
