// FROZEN: a copy of dev.ha4j.core.engine.Outstanding as of commit 596be15, before the restructuring of issue 8.
// The differential oracle of LegacyDifferentialTest: never edit it to follow the engine.
package dev.ha4j.testkit.legacy;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;

import dev.ha4j.core.NodeId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A command the engine sent and whose answer has not arrived yet. The engine keeps every one in its state until
 * it is answered, whatever happens to the plan that sent it (invariant 9): a start that is still running, or that
 * answers after its plan was abandoned, makes its node one that <em>might be running</em> the service.
 *
 * <p>Immutable.
 *
 * @param command the command sent
 * @param sentAt when the engine sent it
 */
public record Outstanding(Command command, Instant sentAt) {
    /**
     * Checks the parts.
     *
     * @throws NullPointerException if an argument is null
     */
    public Outstanding {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(sentAt, "sentAt");
    }

    /** @return the command's id */
    public long id() {
        return command.id();
    }

    /** @return the node the command is about, if it is about one */
    public Optional<NodeId> node() {
        return Commands.node(command);
    }

    @Override
    public String toString() {
        return command.getClass().getSimpleName() + "#" + command.id() + node().map(n -> "(" + n + ")").orElse("")
                + " since " + sentAt;
    }
}
