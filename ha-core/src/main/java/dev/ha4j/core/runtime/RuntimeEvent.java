package dev.ha4j.core.runtime;

import dev.ha4j.core.Notification;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Transition;
import java.time.Duration;
import java.time.Instant;

/**
 * What a {@link HaRuntime} publishes to its listeners (see {@link HaRuntime#events()}): every decision, every
 * command it finished, every notification. Delivered on the runtime's event loop, in order.
 */
public sealed interface RuntimeEvent {
    /** @return when */
    Instant at();

    /**
     * The engine decided something.
     *
     * @param at when
     * @param seq the decision's position in the journal
     * @param event the input
     * @param transition the decision
     */
    record DecisionMade(Instant at, long seq, Event event, Transition transition) implements RuntimeEvent {
    }

    /**
     * A command finished (or hit its deadline) and its result goes back into the engine.
     *
     * @param at when
     * @param command the command
     * @param result the event that answers it
     * @param took how long it took
     */
    record CommandFinished(Instant at, Command command, Event result, Duration took) implements RuntimeEvent {
    }

    /**
     * The operator was notified.
     *
     * @param at when
     * @param notification what
     */
    record NotificationSent(Instant at, Notification notification) implements RuntimeEvent {
    }
}
