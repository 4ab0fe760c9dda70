package dev.ha4j.core.engine;

import java.util.List;
import java.util.Objects;

/**
 * The engine's answer to one event: the new state, the commands to execute in order, and the reason, a
 * readable sentence that says what was decided and why (DESIGN invariant 8), with its structured form: the
 * {@link Reason}s (codes and arguments) the sentence was rendered from, which the journal stores and a replay
 * compares, so that rewording a message never breaks an older journal.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the new state
 * @param commands the commands, in the order they are to be started
 * @param reason why, as a sentence
 * @param reasons why, as codes and arguments ({@code reason} is their rendering, joined by {@code "; "}); empty
 *     for a transition made without them (a test's or a wrapper's)
 */
public record Transition(ClusterState state, List<Command> commands, String reason, List<Reason> reasons) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Transition {
        Objects.requireNonNull(state, "state");
        commands = List.copyOf(commands);
        Objects.requireNonNull(reason, "reason");
        reasons = List.copyOf(reasons);
    }

    /**
     * A transition with a reason given only as a sentence.
     *
     * @param state the new state
     * @param commands the commands, in the order they are to be started
     * @param reason why
     * @throws NullPointerException if an argument is null
     */
    public Transition(ClusterState state, List<Command> commands, String reason) {
        this(state, commands, reason, List.of());
    }
}
