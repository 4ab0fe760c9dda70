package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.grant;
import static dev.ha4j.core.engine.StepDriver.lease;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.replica;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.engine.Plan.Step;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-step table of a SWITCHOVER plan (an operator moves the service from a to b), one case per row, on
 * {@code apply} directly. What differs from a FAILOVER: a stale target refuses the switchover at
 * PRECHECK_REPLICA and leaves a running (no retarget); there is no OUTDATE_PEER step; a failure after a was
 * stopped blocks like any takeover. Securing a (unroute first) is in {@link SecuringLadderTest}.
 *
 * <pre>
 * step                 answer / event                           engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * (request)            switchover to b while RUNNING            notify started, PRECHECK b                      1
 *                      to a, the active                         refused, nothing moves                          2
 *                      to x, not a node                         refused (notice without node)                   3
 *                      to b during maintenance                  refused "maintenance is on"                     4
 *                      to b while FAILING_OVER                  refused, the failover goes on                   5
 * PRECHECK_REPLICA(b)  UP_TO_DATE                               next: SECURE a, unroute first                   6
 *                      OUTDATED | UNKNOWN                       refused, RUNNING on a again, probing resumes    7-8
 * ACQUIRE_LEASE(b)     granted b@e2                             next: DEMOTE_OLD a under e2                     9
 *                      REFUSED                                  BLOCK (a already stopped)                       10
 * CHECK_REPLICA(b)     UP_TO_DATE                               next: PROMOTE b (no OUTDATE_PEER)               11
 *                      OUTDATED                                 BLOCK "only by an operator's force"             12
 * START(b)             FAILED                                   BLOCK "would repeat on any node"                13
 * ROUTE(b)             OK                                       RUNNING, notify completed, probes, standby chk  14
 * </pre>
 */
class StepTableSwitchoverTest {

    static Stream<Arguments> rows() {
        String refusedAndProbing = "Notify(SWITCHOVER_REFUSED b), ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)";
        return Stream.of(
                row("(request)", "switchover to b while RUNNING", () -> StepDriver.ab().running(),
                        d -> d.feed(new Event.SwitchoverRequested(d.now, B)),
                        expect("Notify(SWITCHOVER_STARTED b), CheckReplica(b)", Phase.SWITCHING_OVER,
                                "SWITCHOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE",
                                "operator requested a switchover from a to b")),
                row("(request)", "switchover to a, the active", () -> StepDriver.ab().running(),
                        d -> d.feed(new Event.SwitchoverRequested(d.now, A)),
                        expect("Notify(SWITCHOVER_REFUSED a)", Phase.RUNNING, "-",
                                "switchover to a refused: a is already active")),
                row("(request)", "switchover to x, not a node", () -> StepDriver.ab().running(),
                        d -> d.feed(new Event.SwitchoverRequested(d.now, NodeId.of("x"))),
                        expect("Notify(SWITCHOVER_REFUSED)", Phase.RUNNING, "-",
                                "x is not a node of this cluster [a, b]")),
                row("(request)", "switchover to b during maintenance",
                        () -> StepDriver.ab().running()
                                .with(d -> d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO))),
                        d -> d.feed(new Event.SwitchoverRequested(d.now, B)),
                        expect("Notify(SWITCHOVER_REFUSED b)", Phase.RUNNING, "-",
                                "switchover to b refused: maintenance is on")),
                row("(request)", "switchover to b while FAILING_OVER",
                        () -> StepDriver.ab().running().fail(FailureKind.ROUTER_PATH_LOST),
                        d -> d.feed(new Event.SwitchoverRequested(d.now, B)),
                        expect("Notify(SWITCHOVER_REFUSED b)", Phase.FAILING_OVER,
                                "FAILOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE",
                                "refused: the cluster is FAILING_OVER, not RUNNING")),
                row("PRECHECK_REPLICA(b)", "UP_TO_DATE", () -> StepDriver.ab().switchover(B),
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("Unroute(a)", Phase.SWITCHING_OVER, "SWITCHOVER->b@SECURE secure [a]/UNROUTE",
                                "replica on b is SECONDARY/UP_TO_DATE")),
                row("PRECHECK_REPLICA(b)", "OUTDATED", () -> StepDriver.ab().switchover(B),
                        answer(replica(Consistency.OUTDATED)),
                        expect(refusedAndProbing, Phase.RUNNING, "-",
                                "switchover to b refused: its replica is SECONDARY/OUTDATED")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("PRECHECK_REPLICA(b)", "UNKNOWN", () -> StepDriver.ab().switchover(B),
                        answer(replica(ReplicaStatus.unknown("timed out"))),
                        expect(refusedAndProbing, Phase.RUNNING, "-", "refused: its replica is UNKNOWN/UNKNOWN")),
                row("ACQUIRE_LEASE(b)", "granted b@e2", () -> StepDriver.ab().switchover(B).at(Step.ACQUIRE_LEASE),
                        answer(grant(B, 2)),
                        expect("Demote(a e2)", Phase.SWITCHING_OVER, "SWITCHOVER->b@DEMOTE_OLD",
                                "lease granted: b@e2")),
                row("ACQUIRE_LEASE(b)", "REFUSED", () -> StepDriver.ab().switchover(B).at(Step.ACQUIRE_LEASE),
                        answer(lease(LeaseResult.notGranted(Outcome.REFUSED, Optional.empty(), "quorum lost"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the lease for b was not granted: REFUSED")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.STOPPED))),
                row("CHECK_REPLICA(b)", "UP_TO_DATE", () -> StepDriver.ab().switchover(B).at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("Promote(b e2)", Phase.SWITCHING_OVER, "SWITCHOVER->b@PROMOTE",
                                "replica on b is SECONDARY/UP_TO_DATE")),
                row("CHECK_REPLICA(b)", "OUTDATED", () -> StepDriver.ab().switchover(B).at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the replica on b is SECONDARY/OUTDATED",
                                "promoted only by an operator's force")),
                row("START(b)", "FAILED", () -> StepDriver.ab().switchover(B).at(Step.START),
                        answer(op(OpResult.failed("exit 1"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the service failed to start on b: exit 1",
                                "would repeat on any node")),
                row("ROUTE(b)", "OK", () -> StepDriver.ab().switchover(B).at(Step.ROUTE), answer(op(OpResult.ok())),
                        expect("Notify(SWITCHOVER_COMPLETED b), ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)",
                                Phase.RUNNING, "-", "switchover to b completed under e2")
                                .and(s -> assertThat(s.active()).contains(B))
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.STANDBY))));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String step, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
