package dev.ha4j.core.journal;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decision of the engine as the journal records it: the event that came in, and what the engine decided
 * (phase after, commands, reason). Replaying the events of a journal through a fresh engine with the same
 * configuration reproduces the recorded decisions exactly (see {@link JournalReplay}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq the position in the journal, from 1
 * @param at when the event happened
 * @param event the event
 * @param phase the phase after the decision
 * @param commands the commands decided
 * @param reason why
 */
public record JournalEntry(long seq, Instant at, Event event, Phase phase, List<Command> commands, String reason) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public JournalEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(phase, "phase");
        commands = List.copyOf(commands);
        Objects.requireNonNull(reason, "reason");
    }
}
