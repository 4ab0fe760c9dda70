package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The monitor must catch decisions that break an invariant; these plant one bad decision each. */
class SafetyMonitorTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    TestWorld running() {
        TestWorld w = FailoverEngineTest.running(FailoverEngineTest.fast().build());
        w.assertSafe();
        return w;
    }

    List<String> plant(TestWorld w, Event event, ClusterState after, Command... commands) {
        return w.monitor.check(w.state, event, new Transition(after, List.of(commands), "planted"));
    }

    Event.TimerFired tick(TestWorld w) {
        return new Event.TimerFired(w.now, 999_999, Timer.PROBE);
    }

    @Test
    void startOnTheStandbyWhileTheActiveMayRun() {
        TestWorld w = running();
        assertThat(plant(w, tick(w), w.state, new Command.StartService(9001, B, Epoch.of(1), Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("2:")).anyMatch(v -> v.startsWith("1:"));
    }

    @Test
    void startUnderAStaleEpoch() {
        TestWorld w = running();
        w.node("a").running = false;
        assertThat(plant(w, new Event.StateObserved(w.now, 1, A, dev.ha4j.core.RunState.STOPPED), w.state,
                new Command.StartService(9001, A, Epoch.of(0), Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("1:"));
    }

    @Test
    void promoteWithoutAnUpToDateCheck() {
        TestWorld w = running();
        assertThat(plant(w, tick(w), w.state, new Command.Promote(9001, B, Epoch.of(1), false, Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("3:"));
    }

    @Test
    void actingOnDatabaseTrouble() {
        TestWorld w = running();
        Event e = new Event.ProbeCompleted(w.now, 1, A, ProbeResult.failed(FailureKind.DATABASE_DOWN, "db"));
        assertThat(plant(w, e, w.state, new Command.StopService(9001, A, Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("5:"));
    }

    @Test
    void actingDuringMaintenance() {
        TestWorld w = running();
        w.feed(new Event.MaintenanceRequested(w.now, true, Duration.ofMinutes(5)));
        assertThat(plant(w, tick(w), w.state, new Command.Unroute(9001, A, Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("6:"));
    }

    @Test
    void blockingSilently() {
        TestWorld w = running();
        ClusterState.Mut m = w.state.mut();
        m.phase = Phase.BLOCKED;
        assertThat(plant(w, tick(w), m.freeze())).anyMatch(v -> v.startsWith("8:"));
    }

    @Test
    void leavingBlockedWithoutAnOperator() {
        TestWorld w = running();
        ClusterState.Mut m = w.state.mut();
        m.phase = Phase.BLOCKED;
        ClusterState blocked = m.freeze();
        assertThat(w.monitor.check(blocked, tick(w), new Transition(w.state, List.of(), "planted")))
                .anyMatch(v -> v.startsWith("8:"));
    }

    @Test
    void demotingWhereTheServiceMayRun() {
        TestWorld w = running();
        assertThat(plant(w, tick(w), w.state, new Command.Demote(9001, A, Epoch.of(1), Duration.ofSeconds(1))))
                .anyMatch(v -> v.startsWith("7:"));
    }

    @Test
    void tooManyRestarts() {
        TestWorld w = running();
        ClusterState.Mut m = w.state.mut();
        m.restarts = List.of(w.now, w.now, w.now);
        assertThat(plant(w, tick(w), m.freeze())).anyMatch(v -> v.startsWith("4:"));
    }

    @Test
    void moreFailoversThanTheBudgetAreCaught() {
        TestWorld w = running();
        int budget = w.config.policy().maxFailovers();
        List<String> found = new java.util.ArrayList<>();
        for (int i = 0; i <= budget; i++) {
            Command.Notify started = new Command.Notify(9100 + i, new dev.ha4j.core.Notification(w.now,
                    dev.ha4j.core.Notification.Kind.FAILOVER_STARTED, java.util.Optional.of(A), Epoch.of(1),
                    "planted failover " + i));
            found.addAll(plant(w, tick(w), w.state, started));
        }
        assertThat(found).anyMatch(v -> v.startsWith("11:") && v.contains("more than the budget of " + budget));
    }
}
