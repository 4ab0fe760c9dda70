package dev.ha4j.core.runtime;

import dev.ha4j.core.Notification;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a {@link HaRuntime} publishes to its listeners (see {@link HaRuntime#events()}): every decision, every
 * command it finished, every notification, and a changed node list found at start. Delivered on the runtime's
 * event loop, in order.
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

    /**
     * At start, the journal turned out to be written under another node list (a node added, removed or
     * renamed): what still applied was recovered, the rest is observed afresh. Published before the first
     * decision; the journal carries the same note.
     *
     * @param at when recovery noticed it
     * @param removed nodes the journal talks about that are no longer configured
     * @param added configured nodes the journal does not talk about
     * @param note the sentence for the timeline: what changed, what was recovered and what was dropped
     */
    record ConfigurationChanged(Instant at, List<String> removed, List<String> added, String note)
            implements RuntimeEvent {
        /** Copies the lists. */
        public ConfigurationChanged {
            removed = List.copyOf(removed);
            added = List.copyOf(added);
        }
    }
}
