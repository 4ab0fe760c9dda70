package dev.ha4j.core.journal;

import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays a journal's events through a fresh engine and checks that it decides exactly what was recorded:
 * the same commands, phase and reason for every entry. A journal may span several runs of a manager; each
 * {@link Event.Started} entry begins a run from a fresh engine, as the manager did. A mismatch means the configuration or the engine
 * version differs from the one that wrote the journal, or the journal was altered.
 *
 * <p>Stateless and thread-safe.
 */
public final class JournalReplay {
    private JournalReplay() {
    }

    /**
     * The first entry where a replay differs from the record.
     *
     * @param seq the entry's position
     * @param what what differs, recorded against replayed
     */
    public record Mismatch(long seq, String what) {
    }

    /**
     * @param engine an engine with the configuration the journal was written under
     * @param entries the journal, from its first entry (the engine starts from its initial state)
     * @return the first mismatch, or empty when the replay reproduces every decision
     * @throws NullPointerException if an argument is null
     */
    public static Optional<Mismatch> verify(FailoverEngine engine, List<JournalEntry> entries) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(entries, "entries");
        ClusterState state = engine.initialState();
        for (JournalEntry e : entries) {
            Transition t = engine.apply(startOf(engine, state, e), e.event());
            if (!t.commands().equals(e.commands())) {
                return Optional.of(new Mismatch(e.seq(), "commands: recorded " + e.commands() + ", replayed "
                        + t.commands()));
            }
            if (t.state().phase() != e.phase()) {
                return Optional.of(new Mismatch(e.seq(), "phase: recorded " + e.phase() + ", replayed "
                        + t.state().phase()));
            }
            if (!t.reason().equals(e.reason())) {
                return Optional.of(new Mismatch(e.seq(), "reason: recorded '" + e.reason() + "', replayed '"
                        + t.reason() + "'"));
            }
            state = t.state();
        }
        return Optional.empty();
    }

    /**
     * The state at the end of a journal: what a restarted manager recovers from
     * ({@link dev.ha4j.core.engine.Event.Recovered#from(ClusterState)}).
     *
     * @param engine an engine with the configuration the journal was written under
     * @param entries the journal
     * @return the state after its last entry; the initial state for an empty journal
     * @throws NullPointerException if an argument is null
     */
    public static ClusterState lastState(FailoverEngine engine, List<JournalEntry> entries) {
        Objects.requireNonNull(engine, "engine");
        ClusterState state = engine.initialState();
        for (JournalEntry e : entries) {
            state = next(engine, state, e);
        }
        return state;
    }

    /**
     * One step of a replay, for callers that stream a journal rather than hold it.
     *
     * @param engine an engine with the configuration the journal was written under
     * @param state the state after the previous entry (the initial state before the first)
     * @param entry the next entry
     * @return the state after it
     * @throws NullPointerException if an argument is null
     */
    public static ClusterState next(FailoverEngine engine, ClusterState state, JournalEntry entry) {
        return engine.apply(startOf(engine, state, entry), entry.event()).state();
    }

    /** Each run of a manager began from a fresh engine: a Started entry marks where one did. */
    private static ClusterState startOf(FailoverEngine engine, ClusterState state, JournalEntry e) {
        return e.event() instanceof Event.Started ? engine.initialState() : state;
    }
}
