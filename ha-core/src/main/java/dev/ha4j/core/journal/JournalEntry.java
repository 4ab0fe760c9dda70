package dev.ha4j.core.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decision of the engine as the journal records it: the event that came in, and what the engine decided
 * (phase after, commands, reason). Replaying the events of a journal through a fresh engine with the same
 * configuration reproduces the recorded decisions exactly (see {@link JournalReplay}). The reason is stored
 * twice: as the sentence, for people, and as codes with arguments ({@link Reason}), which a replay compares, so
 * that rewording a message never breaks an older journal. An entry written before reasons had codes has none
 * (and is written back without them, byte for byte); its replay compares the sentence.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq the position in the journal, from 1
 * @param at when the event happened
 * @param event the event
 * @param phase the phase after the decision
 * @param commands the commands decided
 * @param reason why, as a sentence
 * @param reasons why, as codes and arguments; empty when not recorded (older journals)
 */
public record JournalEntry(long seq, Instant at, Event event, Phase phase, List<Command> commands, String reason,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Reason> reasons) {
    /**
     * @throws NullPointerException if an argument other than {@code reasons} is null
     */
    public JournalEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(phase, "phase");
        commands = List.copyOf(commands);
        Objects.requireNonNull(reason, "reason");
        // Entries of journals written before reasons had codes carry none.
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /**
     * An entry whose reason is only a sentence.
     *
     * @param seq the position in the journal, from 1
     * @param at when the event happened
     * @param event the event
     * @param phase the phase after the decision
     * @param commands the commands decided
     * @param reason why
     * @throws NullPointerException if an argument is null
     */
    public JournalEntry(long seq, Instant at, Event event, Phase phase, List<Command> commands, String reason) {
        this(seq, at, event, phase, commands, reason, List.of());
    }
}
