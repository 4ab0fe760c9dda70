package dev.ha4j.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Reason;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.core.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Structured reasons in the journal: a replay compares codes and arguments, so a reworded message (simulated by
 * an entry whose sentence differs but whose codes match) still replays, while a changed code or argument does
 * not; an entry without codes (an older journal) is compared by its sentence; a clear refused is recognised by
 * its code.
 */
class JournalReplayReasonsTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    final FailoverEngine engine = new FailoverEngine(ClusterConfig.custom().name("t").nodes("a", "b")
            .policy(Policy.custom().build()).build());

    /** A manager's first seconds: start, an observation (a runs), a refused clear and a clear. */
    List<JournalEntry> journal() {
        ReplicaStatus primary = new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, "");
        ReplicaStatus secondary = new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, "");
        List<JournalEntry> out = new ArrayList<>();
        ClusterState s = engine.initialState();
        List<Event> events = new ArrayList<>();
        events.add(new Event.Started(T));
        for (int i = 0; i < 4; i++) {
            Event e = events.get(i);
            Transition t = engine.apply(s, e);
            out.add(new JournalEntry(i + 1, e.at(), e, t.state().phase(), t.commands(), t.reason(), t.reasons()));
            s = t.state();
            if (i == 0) {
                long observe = t.commands().get(0).id();
                events.add(new Event.Observed(T.plusSeconds(1), observe, new Observation(
                        Map.of(A, RunState.RUNNING, B, RunState.STOPPED), Map.of(A, primary, B, secondary),
                        Optional.of(A), Optional.empty())));
                events.add(new Event.ClearRequested(T.plusSeconds(2), Optional.of(NodeId.of("zz"))));
                events.add(new Event.ClearRequested(T.plusSeconds(3), Optional.empty()));
            }
        }
        return out;
    }

    @Test
    void theJournalStoresCodesAndArgumentsAndReplays() throws Exception {
        List<JournalEntry> j = journal();
        assertThat(j.get(0).reasons()).extracting(Reason::code).containsExactly(Reason.Code.MANAGER_STARTED);
        assertThat(j.get(1).reasons().get(0).code()).isEqualTo(Reason.Code.ADOPTING);
        assertThat(j.get(1).reasons().get(0).args()).containsExactly("a", Reason.NONE);
        assertThat(j.get(2).reasons().get(0).code()).isEqualTo(Reason.Code.CLEAR_REFUSED);
        for (JournalEntry e : j) {
            assertThat(Reason.join(e.reasons())).isEqualTo(e.reason());
            String line = Json.mapper().writeValueAsString(e);
            assertThat(line).contains("\"reasons\":[{\"code\":");
            assertThat(Json.mapper().readValue(line, JournalEntry.class)).isEqualTo(e);
        }
        assertThat(JournalReplay.verify(engine, j)).isEmpty();
    }

    @Test
    void aRewordedMessageStillReplays() {
        List<JournalEntry> j = reworded(journal(), 1, "the service was found on a; adopting it (an older wording)");
        assertThat(JournalReplay.verify(engine, j)).isEmpty();
    }

    @Test
    void aDifferentArgumentDoesNotReplay() {
        List<JournalEntry> j = journal();
        JournalEntry e = j.get(1);
        List<Reason> rs = new ArrayList<>(e.reasons());
        rs.set(0, Reason.of(Reason.Code.ADOPTING, "b", Reason.NONE));
        j.set(1, withReasons(e, rs));
        assertThat(JournalReplay.verify(engine, j)).hasValueSatisfying(m -> {
            assertThat(m.seq()).isEqualTo(2);
            assertThat(m.what()).contains("ADOPTING[b");
        });
    }

    @Test
    void aDifferentNestedArgumentDoesNotReplay() {
        List<JournalEntry> j = journal();
        JournalEntry e = j.get(1);
        List<Reason> rs = new ArrayList<>(e.reasons());
        rs.set(0, Reason.of(Reason.Code.ADOPTING, "a", Reason.of(Reason.Code.STATE_UNKNOWN_ON, "[b]")));
        j.set(1, withReasons(e, rs));
        assertThat(JournalReplay.verify(engine, j)).isPresent();
    }

    @Test
    void aDifferentCodeDoesNotReplay() {
        List<JournalEntry> j = journal();
        JournalEntry e = j.get(0);
        j.set(0, withReasons(e, List.of(Reason.of(Reason.Code.RELINQUISHED))));
        assertThat(JournalReplay.verify(engine, j)).hasValueSatisfying(m -> assertThat(m.seq()).isEqualTo(1));
    }

    @Test
    void anOlderEntryWithoutCodesIsComparedByItsSentence() {
        List<JournalEntry> j = journal();
        List<JournalEntry> old = new ArrayList<>();
        for (JournalEntry e : j) {
            old.add(new JournalEntry(e.seq(), e.at(), e.event(), e.phase(), e.commands(), e.reason()));
        }
        assertThat(JournalReplay.verify(engine, old)).isEmpty();
        JournalEntry e = old.get(1);
        old.set(1, new JournalEntry(e.seq(), e.at(), e.event(), e.phase(), e.commands(), e.reason() + " (reworded)"));
        assertThat(JournalReplay.verify(engine, old)).hasValueSatisfying(m -> assertThat(m.seq()).isEqualTo(2));
    }

    @Test
    void aRefusedClearIsRecognisedByItsCodeWhateverItsWording() {
        List<JournalEntry> j = journal();
        RecoveryState s = RecoveryState.empty();
        s.apply(j.get(0));
        s.apply(j.get(1));
        // A restart that still counts, so that what a clear does to the restarts is visible.
        s.apply(new JournalEntry(3, T.plusSeconds(2), new Event.VerdictReported(T.plusSeconds(2), A,
                ProbeResult.failed(FailureKind.CRASHED, "boom"), "test"), Phase.RESTARTING,
                List.of(new Command.Notify(99, new Notification(T.plusSeconds(2), Notification.Kind.RESTARTED,
                        Optional.of(A), Epoch.NONE, "restarting"))), "restarting a"));
        assertThat(s.restarts()).hasSize(1);
        JournalEntry refused = reworded(j, 2, "the clear was not accepted (an older wording)").get(2);
        assertThat(refused.reasons().get(0).code()).isEqualTo(Reason.Code.CLEAR_REFUSED);
        RecoveryState a = s.copy();
        a.apply(refused);
        assertThat(a.restarts()).as("a refused clear clears nothing, whatever its wording").hasSize(1);
        RecoveryState b = s.copy();
        b.apply(j.get(3));
        assertThat(b.restarts()).as("a clear clears the restarts").isEmpty();
        RecoveryState c = s.copy();
        JournalEntry e = j.get(2);
        c.apply(new JournalEntry(e.seq(), e.at(), e.event(), e.phase(), e.commands(), e.reason()));
        assertThat(c.restarts()).as("an older entry without codes: by its sentence").hasSize(1);
    }

    static List<JournalEntry> reworded(List<JournalEntry> j, int index, String text) {
        List<JournalEntry> out = new ArrayList<>(j);
        JournalEntry e = out.get(index);
        out.set(index, new JournalEntry(e.seq(), e.at(), e.event(), e.phase(), e.commands(), text, e.reasons()));
        return out;
    }

    static JournalEntry withReasons(JournalEntry e, List<Reason> reasons) {
        return new JournalEntry(e.seq(), e.at(), e.event(), e.phase(), e.commands(), e.reason(), reasons);
    }
}
