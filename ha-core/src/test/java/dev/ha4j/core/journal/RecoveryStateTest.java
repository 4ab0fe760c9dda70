package dev.ha4j.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.internal.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryStateTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final NodeId C = NodeId.of("c");

    static RecoveryState journalOfAAndB() {
        RecoveryState s = RecoveryState.empty();
        s.apply(new JournalEntry(1, T, new Event.Started(T), Phase.RECONCILING, List.of(new Command.Observe(1,
                java.time.Duration.ofSeconds(1))), "manager started"));
        s.apply(new JournalEntry(2, T, new Event.Observed(T, 1, new Observation(Map.of(A, RunState.RUNNING, B,
                RunState.STOPPED), Map.of(A, ReplicaStatus.unknown("x"), B, ReplicaStatus.unknown("x")),
                Optional.empty(), Optional.empty())), Phase.ADOPTING, List.of(), "adopting"));
        for (int i = 0; i < 2; i++) {
            NodeId n = i == 0 ? A : B;
            s.apply(new JournalEntry(3 + i, T.plusSeconds(i), new Event.ProbeCompleted(T, 2 + i, n,
                    ProbeResult.failed(dev.ha4j.core.FailureKind.CRASHED, "x")), Phase.RESTARTING,
                    List.of(new Command.Notify(10 + i, new Notification(T, Notification.Kind.RESTARTED,
                            Optional.of(n), Epoch.of(3), "restarting"))), "restarting " + n));
        }
        return s;
    }

    @Test
    void anUnchangedNodeListRecoversEverything() {
        RecoveryState.Adjusted a = journalOfAAndB().toRecovered(List.of(B, A));
        assertThat(a.configurationChanged()).isFalse();
        assertThat(a.note()).isEmpty();
        assertThat(a.recovered().restarts()).hasSize(2);
    }

    @Test
    void aRenamedNodeKeepsWhatStillAppliesAndSaysSo() {
        RecoveryState.Adjusted a = journalOfAAndB().toRecovered(List.of(A, C));
        assertThat(a.configurationChanged()).isTrue();
        assertThat(a.removed()).containsExactly(B);
        assertThat(a.added()).containsExactly(C);
        assertThat(a.recovered().restarts()).as("b's restart no longer counts").hasSize(1);
        assertThat(a.note()).contains("[b] no longer configured").contains("[c] new")
                .contains("dropped 1 restart(s)");
    }

    @Test
    void anAddedNodeIsRecognisedAndNothingIsDropped() {
        RecoveryState.Adjusted a = journalOfAAndB().toRecovered(List.of(A, B, C));
        assertThat(a.configurationChanged()).isTrue();
        assertThat(a.recovered().restarts()).hasSize(2);
        assertThat(a.note()).contains("[c] new");
    }

    @Test
    void theCheckpointRoundTripsThroughJson() throws Exception {
        RecoveryState s = journalOfAAndB();
        String json = Json.mapper().writeValueAsString(s.toCheckpoint());
        RecoveryState.Checkpoint back = Json.mapper().readValue(json, RecoveryState.Checkpoint.class);
        assertThat(back).isEqualTo(s.toCheckpoint());
        assertThat(RecoveryState.from(back).toRecovered()).isEqualTo(s.toRecovered());
        assertThat(s.nextCommandId()).isEqualTo(12);
    }

    @Test
    void anUnansweredStartIsHandedToTheNextRunsUntilTheNodeIsSeenStopped() throws Exception {
        RecoveryState s = RecoveryState.empty();
        Command.StartService start = new Command.StartService(7, B, Epoch.of(2), java.time.Duration.ofSeconds(3));
        s.apply(new JournalEntry(1, T, new Event.Started(T), Phase.RECONCILING, List.of(start), "starting b"));
        assertThat(s.toRecovered().outstanding()).containsExactly(start);
        assertThat(s.toRecovered().nextCommandId()).isEqualTo(8);
        // The manager dies; the next run starts, and the start is still in doubt for the run after it.
        Event.Started second = new Event.Started(T.plusSeconds(5), Optional.of(s.toRecovered()));
        s.apply(new JournalEntry(2, T.plusSeconds(5), second, Phase.RECONCILING,
                List.of(new Command.Observe(8, java.time.Duration.ofSeconds(1))), "restarted"));
        assertThat(s.toRecovered().outstanding()).containsExactly(start);
        // Through a checkpoint too.
        RecoveryState.Checkpoint back = Json.mapper().readValue(Json.mapper().writeValueAsString(s.toCheckpoint()),
                RecoveryState.Checkpoint.class);
        assertThat(RecoveryState.from(back).toRecovered().outstanding()).containsExactly(start);
        s.apply(new JournalEntry(3, T.plusSeconds(6), new Event.StateObserved(T.plusSeconds(6), 9, B,
                RunState.STOPPED), Phase.STARTING, List.of(), "b confirmed stopped"));
        assertThat(s.toRecovered().outstanding()).isEmpty();
    }
}
