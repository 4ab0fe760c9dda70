package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.FailoverEngineTest.A;
import static dev.ha4j.core.engine.FailoverEngineTest.B;
import static dev.ha4j.core.engine.FailoverEngineTest.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Notification.Kind;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's rules, step by step: a service that crashes wherever it runs is blocked after its budget instead
 * of flapping between the nodes; a lost node still fails back at once; a dead or stale standby is reported as
 * soon as a standby check finds it, and a failover never touches the active for a takeover that cannot happen.
 */
class CrashLoopAndStandbyTest {

    /** Crashes the service on the active node once and lets the engine react. */
    private static void crash(TestWorld w) {
        w.node(w.state.active().orElseThrow().name()).running = false;
        w.runFor(Duration.ofMinutes(1));
        resync(w);
    }

    /** A standby's replica catches up with the new primary after a move, as DRBD's resync does. */
    private static void resync(TestWorld w) {
        w.nodes.forEach((n, node) -> {
            if (!w.state.active().map(n::equals).orElse(false)) {
                node.consistency = Consistency.UP_TO_DATE;
            }
        });
    }

    @Test
    void aServiceThatCrashesWhereverItRunsIsBlockedInsteadOfFlapping() {
        TestWorld w = FailoverEngineTest.running(fast().restarts(1, Duration.ofMinutes(30)).build());
        crash(w); // restart on a
        crash(w); // restart limit on a: fail over to b
        assertThat(w.state.active()).contains(B);
        crash(w); // restart on b
        crash(w); // restart limit on b: a's service used up its restarts minutes ago: block, do not flap back
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        assertThat(w.state.blockedReason().orElseThrow()).contains("also used up its restarts on [a]")
                .contains("a standby would fail too");
        assertThat(w.count(Command.StartService.class)).as("a, a, b, b: no third node start").isEqualTo(4);
        assertThat(w.notificationKinds()).filteredOn(k -> k == Kind.FAILOVER_STARTED).hasSize(1);
        w.assertSafe();
    }

    @Test
    void theNodeOfANewActiveDyingAfterAMoveStillFailsBackAtOnce() {
        TestWorld w = FailoverEngineTest.running(fast().restarts(1, Duration.ofMinutes(30)).build());
        crash(w);
        crash(w);
        assertThat(w.state.active()).contains(B);
        // b's whole node dies a minute later: a's earlier trouble was its service, so fail back to a at once.
        w.node("a").running = false;
        w.node("b").unreachable = true;
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.phase()).isEqualTo(Phase.RUNNING);
        assertThat(w.state.active()).contains(A);
        w.assertSafe();
    }

    @Test
    void failoversStayWithinTheirBudget() {
        Policy policy = fast().restarts(1, Duration.ofMinutes(1)).maxFailovers(2, Duration.ofHours(1)).build();
        TestWorld w = FailoverEngineTest.running(policy);
        int failovers = 0;
        for (int i = 0; i < 12 && w.phase() != Phase.BLOCKED; i++) {
            // Node losses, alternately: the exhausted-restarts rule does not apply, only the budget does.
            String active = w.state.active().orElseThrow().name();
            w.node(active).unreachable = true;
            w.runFor(Duration.ofMinutes(1));
            w.node(active).unreachable = false;
            w.node(active).power = true;
            w.feed(new Event.ClearRequested(w.now, java.util.Optional.empty()));
            w.runFor(Duration.ofMinutes(1));
            failovers = (int) w.notificationKinds().stream().filter(k -> k == Kind.FAILOVER_STARTED).count();
        }
        assertThat(failovers).isGreaterThanOrEqualTo(2);
        w.assertSafe();
    }

    @Test
    void theBudgetBlocksTheThirdFailoverWithinTheWindow() {
        Policy policy = fast().restarts(1, Duration.ofMinutes(1)).maxFailovers(2, Duration.ofHours(1)).build();
        TestWorld w = FailoverEngineTest.running(policy);
        for (int i = 0; i < 3; i++) {
            String active = w.state.active().orElseThrow().name();
            // The restart window is one minute: each node's restarts have expired by the next round.
            w.runFor(Duration.ofMinutes(2));
            crash(w);
            if (w.phase() == Phase.BLOCKED) {
                break;
            }
            crash(w);
            if (i < 2) {
                assertThat(w.state.active()).as("round %d", i).isNotEqualTo(java.util.Optional.of(
                        dev.ha4j.core.NodeId.of(active)));
            }
        }
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        assertThat(w.state.blockedReason().orElseThrow()).contains("2 failover(s) already happened within PT1H");
        assertThat(w.notificationKinds()).filteredOn(k -> k == Kind.FAILOVER_STARTED).hasSize(2);
        w.assertSafe();
    }

    @Test
    void aDeadStandbyIsReportedAtOnceAndTheActiveIsLeftAloneWhenNoTakeoverCanHappen() {
        Policy policy = fast().restarts(1, Duration.ofMinutes(30)).standbyProbeInterval(Duration.ofSeconds(20))
                .build();
        TestWorld w = FailoverEngineTest.running(policy);
        w.node("b").unreachable = true;
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.notificationKinds()).contains(Kind.STANDBY_UNHEALTHY);
        assertThat(w.state.unusableStandbys()).containsKey(B);
        crash(w); // restart in place
        crash(w); // restart limit: the failover checks b first and finds it unusable: a is not stopped
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        assertThat(w.state.blockedReason().orElseThrow()).contains("no standby is usable");
        long stopsOfA = w.commands.stream().filter(c -> c instanceof Command.StopService s && s.node().equals(A))
                .count();
        assertThat(stopsOfA).as("only the restart stopped a, not the failover that could not happen").isEqualTo(1);
        assertThat(w.count(Command.AcquireLease.class)).as("no lease taken for the dead standby").isEqualTo(1);
        w.assertSafe();
    }

    @Test
    void aStandbyThatRecoversIsReportedUsableAgain() {
        Policy policy = fast().standbyProbeInterval(Duration.ofSeconds(20)).build();
        TestWorld w = FailoverEngineTest.running(policy);
        w.node("b").consistency = Consistency.OUTDATED;
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.state.unusableStandbys()).containsKey(B);
        w.node("b").consistency = Consistency.UP_TO_DATE;
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.state.unusableStandbys()).isEmpty();
        assertThat(w.notificationKinds()).containsSubsequence(Kind.STANDBY_UNHEALTHY, Kind.STANDBY_HEALTHY);
        w.assertSafe();
    }

    @Test
    void aServiceRunningOnAStandbyIsAFindingThatIsSecured() {
        Policy policy = fast().standbyProbeInterval(Duration.ofSeconds(20)).build();
        TestWorld w = FailoverEngineTest.running(policy);
        // Someone powered b on and its service started by itself.
        w.node("b").running = true;
        w.runFor(Duration.ofSeconds(40));
        assertThat(w.notificationKinds()).contains(Kind.STRAY_SERVICE);
        assertThat(w.node("b").running).isFalse();
        assertThat(w.node("a").running).isTrue();
        assertThat(w.phase()).isEqualTo(Phase.RUNNING);
        assertThat(w.state.active()).contains(A);
        w.assertSafe();
    }
}
