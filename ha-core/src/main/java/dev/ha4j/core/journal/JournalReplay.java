package dev.ha4j.core.journal;

import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays a journal's events through a fresh engine and checks that it decides exactly what was recorded:
 * the same commands, phase and reason for every entry (the reason's codes and arguments where the entry has them,
 * so a reworded message still replays; the sentence for entries of older journals). A journal may span several runs of a manager; each
 * {@link Event.Started} entry begins a run from a fresh engine, as the manager did. A mismatch means the configuration or the engine
 * version differs from the one that wrote the journal, or the journal was altered.
 *
 * <p>A rotated journal ({@link RotatingJournal}) may have lost the beginning of the run its oldest retained entry
 * belongs to; the engine's state at that point is not recorded anywhere, so replay begins at the first
 * {@link Event.Started} entry retained, and {@link #verify(FailoverEngine, Path)} checks the entries before it
 * against the checkpoints instead: every checkpoint must equal the fold of the checkpoint before it and the
 * entries between them.
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
     * Replays a journal's entries and compares every decision. Entries must follow each other without a gap;
     * when the first one is not entry 1 (older ones were rotated away), replay begins at the first
     * {@link Event.Started} entry.
     *
     * @param engine an engine with the configuration the journal was written under
     * @param entries the journal, from its first retained entry
     * @return the first mismatch, or empty when the replay reproduces every decision
     * @throws NullPointerException if an argument is null
     */
    public static Optional<Mismatch> verify(FailoverEngine engine, List<JournalEntry> entries) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(entries, "entries");
        ClusterState state = engine.initialState();
        boolean replaying = entries.isEmpty() || entries.get(0).seq() <= 1;
        long expected = entries.isEmpty() ? 0 : entries.get(0).seq();
        for (JournalEntry e : entries) {
            if (e.seq() != expected) {
                return Optional.of(new Mismatch(e.seq(), "sequence: expected entry " + expected + ", found "
                        + e.seq()));
            }
            expected++;
            if (!replaying) {
                if (!beginsARun(e)) {
                    continue;
                }
                replaying = true;
            }
            Transition t = engine.apply(startOf(engine, state, e), e.event());
            if (!t.commands().equals(e.commands())) {
                return Optional.of(new Mismatch(e.seq(), "commands: recorded " + e.commands() + ", replayed "
                        + t.commands()));
            }
            if (t.state().phase() != e.phase()) {
                return Optional.of(new Mismatch(e.seq(), "phase: recorded " + e.phase() + ", replayed "
                        + t.state().phase()));
            }
            if (!e.reasons().isEmpty()) {
                // Codes and arguments, not the sentence: a reworded template still replays.
                if (!t.reasons().equals(e.reasons())) {
                    return Optional.of(new Mismatch(e.seq(), "reason: recorded " + e.reasons() + " ('" + e.reason()
                            + "'), replayed " + t.reasons() + " ('" + t.reason() + "')"));
                }
            } else if (!t.reason().equals(e.reason())) {
                // A journal written before reasons had codes: only the sentence can be compared.
                return Optional.of(new Mismatch(e.seq(), "reason: recorded '" + e.reason() + "', replayed '"
                        + t.reason() + "'"));
            }
            state = t.state();
        }
        return Optional.empty();
    }

    /**
     * Verifies a {@link RotatingJournal}'s directory: replays its retained entries (see
     * {@link #verify(FailoverEngine, List)}) and checks that every checkpoint equals the fold of the checkpoint
     * before it (or of the journal's beginning) and the entries between them.
     *
     * @param engine an engine with the configuration the journal was written under
     * @param directory the journal's directory
     * @return the first mismatch, or empty
     * @throws NullPointerException if an argument is null
     * @throws java.io.UncheckedIOException if the directory cannot be read
     */
    public static Optional<Mismatch> verify(FailoverEngine engine, Path directory) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(directory, "directory");
        List<JournalEntry> entries = RotatingJournal.read(directory);
        Optional<Mismatch> replay = verify(engine, entries);
        if (replay.isPresent() || entries.isEmpty()) {
            return replay;
        }
        long first = entries.get(0).seq();
        List<RecoveryState.Checkpoint> checkpoints = new ArrayList<>(RotatingJournal.checkpoints(directory));
        RecoveryState fold = null;
        if (first <= 1) {
            fold = RecoveryState.empty();
        }
        int next = 0;
        if (fold == null) {
            while (next < checkpoints.size() && checkpoints.get(next).seq() < first - 1) {
                next++;
            }
            if (next == checkpoints.size()) {
                return Optional.empty();
            }
            fold = RecoveryState.from(checkpoints.get(next++));
        }
        for (JournalEntry e : entries) {
            if (e.seq() <= fold.seq()) {
                continue;
            }
            fold.apply(e);
            while (next < checkpoints.size() && checkpoints.get(next).seq() <= e.seq()) {
                RecoveryState.Checkpoint cp = checkpoints.get(next++);
                if (cp.seq() == e.seq() && !cp.equals(fold.toCheckpoint())) {
                    return Optional.of(new Mismatch(cp.seq(), "checkpoint: recorded " + cp + ", folded "
                            + fold.toCheckpoint()));
                }
            }
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
        return beginsARun(e) ? engine.initialState() : state;
    }

    private static boolean beginsARun(JournalEntry e) {
        return e.event().accept(BEGINS_A_RUN);
    }

    /** Which events begin a run of a manager (a fresh engine): one answer per event type. */
    private static final Event.Visitor<Boolean> BEGINS_A_RUN = new Event.Visitor<>() {
        @Override
        public Boolean visitStarted(Event.Started e) {
            return true;
        }

        @Override
        public Boolean visitTimerFired(Event.TimerFired e) {
            return false;
        }

        @Override
        public Boolean visitProbeCompleted(Event.ProbeCompleted e) {
            return false;
        }

        @Override
        public Boolean visitVerdictReported(Event.VerdictReported e) {
            return false;
        }

        @Override
        public Boolean visitActionCompleted(Event.ActionCompleted e) {
            return false;
        }

        @Override
        public Boolean visitStateObserved(Event.StateObserved e) {
            return false;
        }

        @Override
        public Boolean visitFenceCompleted(Event.FenceCompleted e) {
            return false;
        }

        @Override
        public Boolean visitReplicaObserved(Event.ReplicaObserved e) {
            return false;
        }

        @Override
        public Boolean visitLeaseAcquired(Event.LeaseAcquired e) {
            return false;
        }

        @Override
        public Boolean visitObserved(Event.Observed e) {
            return false;
        }

        @Override
        public Boolean visitLeaseLost(Event.LeaseLost e) {
            return false;
        }

        @Override
        public Boolean visitSwitchoverRequested(Event.SwitchoverRequested e) {
            return false;
        }

        @Override
        public Boolean visitMaintenanceRequested(Event.MaintenanceRequested e) {
            return false;
        }

        @Override
        public Boolean visitClearRequested(Event.ClearRequested e) {
            return false;
        }
    };
}
