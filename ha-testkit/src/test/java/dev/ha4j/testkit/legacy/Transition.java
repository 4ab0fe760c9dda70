// FROZEN: a copy of dev.ha4j.core.engine.Transition as of commit 596be15, before the restructuring of issue 8.
// The differential oracle of LegacyDifferentialTest: never edit it to follow the engine.
package dev.ha4j.testkit.legacy;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;

import java.util.List;
import java.util.Objects;

/**
 * The engine's answer to one event: the new state, the commands to execute in order, and the reason, a
 * readable sentence that says what was decided and why (DESIGN invariant 8).
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the new state
 * @param commands the commands, in the order they are to be started
 * @param reason why
 */
public record Transition(ClusterState state, List<Command> commands, String reason) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Transition {
        Objects.requireNonNull(state, "state");
        commands = List.copyOf(commands);
        Objects.requireNonNull(reason, "reason");
    }
}
