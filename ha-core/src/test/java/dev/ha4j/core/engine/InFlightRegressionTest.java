package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.FailoverEngineTest.A;
import static dev.ha4j.core.engine.FailoverEngineTest.B;
import static dev.ha4j.core.engine.FailoverEngineTest.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification.Kind;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the defects of issue 8 (S1–S4, S9, S10 and the defence-in-depth items): commands that
 * take time, answers that arrive after their plan was abandoned, operator requests, lease losses and manager
 * restarts in the middle of a plan. Each failed on the engine before the outstanding-command ledger.
 */
class InFlightRegressionTest {

    /** Both nodes running the service at once, checked after every event. */
    private static void watchForTwoWriters(TestWorld w, List<String> seen) {
        w.onCommand = c -> {
            if (w.node("a").running && w.node("b").running) {
                seen.add("both run after " + c);
            }
        };
    }

    /**
     * a adopted under e1 and restarted once; its second crash fails over to b, whose start is slow and held.
     */
    private static TestWorld failoverWithASlowStartOnB() {
        TestWorld w = FailoverEngineTest.running(fast().restarts(1, Duration.ofMinutes(10)).build());
        w.node("a").running = false;
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.restarts()).hasSize(1);
        w.hold = c -> c instanceof Command.StartService s && s.node().equals(B);
        w.node("a").running = false;
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.phase()).isEqualTo(Phase.FAILING_OVER);
        assertThat(w.held(Command.StartService.class).node()).isEqualTo(B);
        return w;
    }

    /** What the runtime delivers when b's replicator call overran while b starts: b's replica is missing. */
    private static Observation partial(Observation o) {
        Map<NodeId, ReplicaStatus> replicas = new HashMap<>(o.replicas());
        replicas.put(A, new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, ""));
        replicas.remove(B);
        return new Observation(o.services(), replicas, o.routeTarget(), o.lease());
    }

    private static void releaseTheSlowStartAndSettle(TestWorld w, List<String> seen) {
        w.release(w.held(Command.StartService.class));
        w.hold = c -> false;
        w.observeFilter = o -> o;
        w.runFor(Duration.ofMinutes(5));
        assertThat(seen).as("two writers").isEmpty();
        assertThat(w.node("a").running && w.node("b").running).as("both running at the end").isFalse();
        w.assertSafe();
    }

    @Test
    void s1_maintenanceToggleDuringASlowStartDoesNotStartASecondWriter() {
        TestWorld w = failoverWithASlowStartOnB();
        List<String> seen = new java.util.ArrayList<>();
        watchForTwoWriters(w, seen);
        w.observeFilter = InFlightRegressionTest::partial;
        // As in the reported run: a's replica reads SECONDARY/UP_TO_DATE (its outdating did not stick).
        w.node("a").consistency = Consistency.UP_TO_DATE;
        Transition on = w.feed(new Event.MaintenanceRequested(w.now, true, Duration.ZERO));
        assertThat(on.reason()).contains("1 action(s) still running").contains("StartService");
        w.feed(new Event.MaintenanceRequested(w.now, false, Duration.ZERO));
        w.runFor(Duration.ofSeconds(30));
        // b's start has not answered: nothing may start on a, and b cannot be confirmed stopped yet.
        assertThat(w.node("a").running).isFalse();
        assertThat(w.state.mightRun().contains(B) || w.state.outstanding().stream()
                .anyMatch(o -> o.command() instanceof Command.StartService)).isTrue();
        releaseTheSlowStartAndSettle(w, seen);
    }

    @Test
    void s1_leaseLossWhileNoNodeIsActiveDuringASlowStartDoesNotStartASecondWriter() {
        TestWorld w = failoverWithASlowStartOnB();
        List<String> seen = new java.util.ArrayList<>();
        watchForTwoWriters(w, seen);
        w.observeFilter = InFlightRegressionTest::partial;
        // As in the reported run: a's replica reads SECONDARY/UP_TO_DATE (its outdating did not stick).
        w.node("a").consistency = Consistency.UP_TO_DATE;
        w.feed(new Event.LeaseLost(w.now, B, w.state.epoch(), "revoked"));
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.node("a").running).isFalse();
        releaseTheSlowStartAndSettle(w, seen);
    }

    @Test
    void s1_managerRestartBetweenAStartAndItsAnswerDoesNotBuildOnTwoPrimaries() {
        TestWorld w = failoverWithASlowStartOnB();
        List<String> seen = new java.util.ArrayList<>();
        watchForTwoWriters(w, seen);
        ClusterState before = w.state;
        // The new manager sees both replicas PRIMARY/UP_TO_DATE and neither service running yet.
        w.observeFilter = o -> {
            Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
            replicas.put(A, new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, ""));
            replicas.put(B, new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, ""));
            return new Observation(o.services(), replicas, o.routeTarget(), o.lease());
        };
        w.state = w.engine.initialState();
        w.feed(new Event.Started(w.now, Optional.of(Event.Recovered.from(before))));
        assertThat(w.state.mightRun()).containsExactly(B);
        assertThat(w.state.nextCommandId()).isGreaterThanOrEqualTo(before.nextCommandId());
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.node("a").running).isFalse();
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        assertThat(w.state.blockedReason().orElseThrow()).contains("PRIMARY on several nodes");
        releaseTheSlowStartAndSettle(w, seen);
    }

    @Test
    void s1_aLateStartIsSecuredBeforeAnAdoptedServiceIsRouted() {
        TestWorld w = failoverWithASlowStartOnB();
        w.observeFilter = InFlightRegressionTest::partial;
        w.feed(new Event.MaintenanceRequested(w.now, true, Duration.ZERO));
        Command.StartService slow = w.held(Command.StartService.class);
        w.hold = c -> false;
        // An operator repaired a by hand meanwhile and the manager adopts it after maintenance.
        w.node("a").running = true;
        w.node("a").consistency = Consistency.UP_TO_DATE;
        w.feed(new Event.MaintenanceRequested(w.now, false, Duration.ZERO));
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.state.active()).contains(A);
        assertThat(w.phase()).isEqualTo(Phase.ADOPTING);
        w.release(slow);
        w.runFor(Duration.ofSeconds(30));
        assertThat(w.node("b").running).isFalse();
        assertThat(w.state.mightRun()).isEmpty();
        assertThat(w.phase()).isEqualTo(Phase.RUNNING);
        assertThat(w.state.active()).contains(A);
        w.assertSafe();
    }

    @Test
    void s1_aLateStartWhileBlockedIsReported() {
        TestWorld w = failoverWithASlowStartOnB();
        w.feed(new Event.LeaseLost(w.now, B, w.state.epoch(), "revoked"));
        w.runFor(Duration.ofSeconds(30));
        // a's replica was outdated by the failover and b's start has not answered: nothing can take over.
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        w.release(w.held(Command.StartService.class));
        w.hold = c -> false;
        w.runFor(Duration.ofSeconds(1));
        assertThat(w.notificationKinds()).contains(Kind.STRAY_SERVICE);
        assertThat(w.state.mightRun()).contains(B);
        // The operator's clear observes again: b runs, and it is adopted rather than started elsewhere.
        w.feed(new Event.ClearRequested(w.now, Optional.empty()));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(B);
        assertThat(w.node("a").running).isFalse();
        w.assertSafe();
    }

    @Test
    void s2_aLeaseReportedLostBeforeItsGrantArrivesIsNeverUsed() {
        TestWorld w = FailoverEngineTest.world(fast().build());
        w.hold = c -> c instanceof Command.AcquireLease;
        w.start();
        w.runFor(Duration.ofSeconds(5));
        Command.AcquireLease acquire = w.held(Command.AcquireLease.class);
        w.hold = c -> false;
        w.feed(new Event.LeaseLost(w.now, A, Epoch.of(1), "session dropped right after the grant"));
        int from = w.commands.size();
        w.release(acquire);
        w.step();
        assertThat(w.commands.subList(from, w.commands.size())).noneMatch(c -> c instanceof Command.Promote
                || c instanceof Command.StartService || c instanceof Command.Route);
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.phase()).isEqualTo(Phase.RUNNING);
        assertThat(w.state.epoch()).isEqualTo(Epoch.of(2));
        assertThat(w.commands).filteredOn(c -> c instanceof Command.Promote p && p.epoch().equals(Epoch.of(1)))
                .isEmpty();
        w.assertSafe();
    }

    @Test
    void s3_anOperatorsForceIsUsedUpByAnUnforcedPromotionOfThatNode() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        w.feed(new Event.ClearRequested(w.now, Optional.of(B)));
        w.runFor(Duration.ofMinutes(1));
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(B);
        assertThat(w.state.forcePromote()).isEmpty();
        // Back to a, then b falls behind: it must never be promoted "forced by an operator" any more.
        w.feed(new Event.SwitchoverRequested(w.now, A));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(A);
        w.node("b").consistency = Consistency.OUTDATED;
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(A);
        assertThat(w.commands).filteredOn(c -> c instanceof Command.Promote p && p.force()).isEmpty();
        w.assertSafe();
    }

    @Test
    void s3_anOperatorsForceExpires() {
        Policy policy = fast().build();
        TestWorld w = FailoverEngineTest.running(policy);
        w.feed(new Event.ClearRequested(w.now, Optional.of(B)));
        w.runFor(Duration.ofMinutes(1));
        w.node("b").consistency = Consistency.OUTDATED;
        w.runFor(policy.maxMaintenance().plusMinutes(1));
        w.node("a").unreachable = true;
        w.runFor(Duration.ofMinutes(2));
        assertThat(w.commands).filteredOn(c -> c instanceof Command.Promote p && p.node().equals(B)).isEmpty();
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        w.assertSafe();
    }

    @Test
    void s4_maintenanceSaysWhichActionsAreStillRunningAndRecordsTheirAnswers() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        w.hold = c -> c instanceof Command.StopService;
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofSeconds(5));
        Command.StopService stop = w.held(Command.StopService.class);
        Transition on = w.feed(new Event.MaintenanceRequested(w.now, true, Duration.ofMinutes(30)));
        assertThat(on.reason()).contains("1 action(s) still running").contains("StopService");
        assertThat(w.state.outstanding()).extracting(Outstanding::command).contains(stop);
        w.hold = c -> false;
        w.release(stop);
        Transition late = null;
        while (w.step()) {
            Transition t = w.transitions.get(w.transitions.size() - 1);
            if (t.reason().contains("answered after its plan was abandoned")) {
                late = t;
                break;
            }
        }
        assertThat(late).isNotNull();
        assertThat(late.commands()).noneMatch(Command::acts);
        assertThat(w.state.outstanding()).extracting(Outstanding::command).doesNotContain(stop);
        w.assertSafe();
    }

    @Test
    void s9_aResultOfTheWrongTypeOrAboutAnotherNodeIsIgnored() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        w.hold = c -> c instanceof Command.ConfirmStopped;
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofSeconds(5));
        Command.ConfirmStopped confirm = w.held(Command.ConfirmStopped.class);
        Transition wrongType = w.feed(new Event.ActionCompleted(w.now, confirm.id(), OpResult.ok()));
        assertThat(wrongType.reason()).contains("does not answer");
        Transition wrongNode = w.feed(new Event.StateObserved(w.now, confirm.id(), B, RunState.STOPPED));
        assertThat(wrongNode.reason()).contains("does not answer");
        assertThat(w.state.pendingCommandId()).isEqualTo(confirm.id());
        w.hold = c -> false;
        w.release(confirm);
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(B);
        w.assertSafe();
    }

    @Test
    void s9_aRestartedEngineNeverReusesTheCommandIdsOfItsPreviousRun() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        ClusterState before = w.state;
        w.state = w.engine.initialState();
        w.feed(new Event.Started(w.now, Optional.of(Event.Recovered.from(before))));
        assertThat(w.commands.get(w.commands.size() - 1).id()).isGreaterThanOrEqualTo(before.nextCommandId());
        // A late answer to the previous run's probe is not taken for an answer to a new command.
        Transition t = w.feed(new Event.ProbeCompleted(w.now, before.nextCommandId() - 1, A,
                dev.ha4j.core.ProbeResult.healthy()));
        assertThat(t.reason()).contains("no such command is outstanding");
    }

    @Test
    void s10_recoveredMaintenanceIsClampedToTheMaximumFromNow() {
        Policy policy = fast().build();
        TestWorld w = FailoverEngineTest.world(policy);
        Instant stretched = w.now.plus(Duration.ofHours(3).plusMinutes(10));
        w.feed(new Event.Started(w.now, Optional.of(new Event.Recovered(Optional.of(stretched), Optional.empty(),
                List.of(), Epoch.of(3)))));
        assertThat(w.state.maintenanceUntil()).contains(w.now.plus(policy.maxMaintenance()));
    }

    @Test
    void aFailedDemotionLeadsToFencingNotToASecondPrimary() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        w.node("a").demoteFails = true;
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.count(Command.Fence.class)).isEqualTo(1);
        assertThat(w.state.role(A)).isEqualTo(NodeRole.FENCED);
        assertThat(w.state.active()).contains(B);
        int fence = indexOf(w, Command.Fence.class);
        assertThat(indexOf(w, Command.Promote.class, B)).isGreaterThan(fence);
        w.assertSafe();
    }

    @Test
    void aFailedDemotionWithoutFencingBlocks() {
        TestWorld w = FailoverEngineTest.running(fast().fencingRequired(false).fencingLevels(List.of()).build());
        w.node("a").demoteFails = true;
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.phase()).isEqualTo(Phase.BLOCKED);
        assertThat(w.state.blockedReason().orElseThrow()).contains("may still hold a primary replica");
        assertThat(w.commands).filteredOn(c -> c instanceof Command.Promote p && p.node().equals(B)).isEmpty();
        w.assertSafe();
    }

    @Test
    void aFailedOutdatingOfAPeerThatIsNotDemotedLeadsToFencing() {
        TestWorld w = FailoverEngineTest.running(fast().restarts(1, Duration.ofHours(1))
                .react(FailureKind.ERROR, dev.ha4j.core.Reaction.FAILOVER).build());
        // The failover stops a but its demotion "succeeds" only on paper: outdating then says "peer is primary".
        w.node("a").outdateFails = true;
        w.node("a").verdict = dev.ha4j.core.ProbeResult.failed(FailureKind.ERROR, "ERROR");
        w.hold = c -> false;
        w.runFor(Duration.ofMinutes(1));
        assertThat(w.state.active()).contains(B);
        // a was demoted successfully first, so a failed outdate is no evidence of a second primary.
        assertThat(w.count(Command.Fence.class)).isZero();
        w.assertSafe();
    }

    @Test
    void theDemotionCarriesTheNewEpochSoAnOrphanedPromotionCanBeRefused() {
        TestWorld w = FailoverEngineTest.running(fast().build());
        w.feed(new Event.SwitchoverRequested(w.now, B));
        w.runFor(Duration.ofMinutes(1));
        Command.Demote d = (Command.Demote) w.commands.stream().filter(c -> c instanceof Command.Demote).findFirst()
                .orElseThrow();
        assertThat(d.node()).isEqualTo(A);
        assertThat(d.epoch()).isEqualTo(Epoch.of(2));
        w.assertSafe();
    }

    private static int indexOf(TestWorld w, Class<? extends Command> type) {
        for (int i = 0; i < w.commands.size(); i++) {
            if (type.isInstance(w.commands.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(TestWorld w, Class<? extends Command> type, NodeId node) {
        for (int i = 0; i < w.commands.size(); i++) {
            Command c = w.commands.get(i);
            if (type.isInstance(c) && Commands.node(c).equals(Optional.of(node))) {
                return i;
            }
        }
        return -1;
    }
}
