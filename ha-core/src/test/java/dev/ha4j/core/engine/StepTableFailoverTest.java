package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.C;
import static dev.ha4j.core.engine.StepDriver.grant;
import static dev.ha4j.core.engine.StepDriver.lease;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.probe;
import static dev.ha4j.core.engine.StepDriver.replica;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.engine.Plan.Step;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-step failure table of a FAILOVER plan, one test case per row, each run on {@code apply} directly:
 * the service runs on a under e1, a's router path is lost twice (reaction FAILOVER; NODE_UNREACHABLE gives the
 * fencing variant), and the plan to b is driven with success answers up to the step of the row, where the one
 * answer of the row is delivered. Securing (SECURE) has its own table in {@link SecuringLadderTest}.
 *
 * <pre>
 * step                 answer                                   engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * PRECHECK_REPLICA(b)  UP_TO_DATE                               next: SECURE a (unroute first)                  1
 *                      OUTDATED|INCONSISTENT|SPLIT_BRAIN|UNKNOWN
 *                        no other standby                       notify b unhealthy, BLOCK, a left as it is      2-5
 *                      OUTDATED, standby c left (3 nodes)       notify b unhealthy, retarget: PRECHECK c        6
 *                      OUTDATED, c also OUTDATED (3 nodes)      BLOCK, a left as it is                          7
 *                      OUTDATED, operator forced b              next, plan forced: SECURE a                     8
 * ACQUIRE_LEASE(b)     granted b@e2                             next: DEMOTE_OLD a under e2                     9
 *                      granted b@e2, a was fenced               DEMOTE_OLD skipped: CHECK_REPLICA b             10
 *                      REFUSED | FAILED | TIMED_OUT             BLOCK "not granted"                             11-13
 *                      FAILED, held by c@e5                     BLOCK, names the holder                         14
 *                      granted to a (another holder)            BLOCK "instead of b"                            15
 *                      granted b@e1 (not newer than e1)         BLOCK "reused epoch"                            16
 *                      granted b@e2, reported lost before       not used: plan dropped, Observe                 17
 *                      (event) old lease a@e1 lost meanwhile     superseded: nothing, still waiting              18
 * DEMOTE_OLD(a)        OK                                       next: CHECK_REPLICA b                           19
 *                      FAILED | REFUSED | TIMED_OUT             fence a before going on (level 1 at once)       20-22
 *                      FAILED, fencing delay 5 s for a          fence a: the delay timer first                  23
 *                      FAILED, no fencing level                 BLOCK "no fencing level"                        24
 * CHECK_REPLICA(b)     UP_TO_DATE                               next: OUTDATE_PEER a under e2                   25
 *                      OUTDATED | SPLIT_BRAIN, no other standby BLOCK "only by an operator's force"              26-27
 *                      OUTDATED, standby c left (3 nodes)       retarget: ACQUIRE_LEASE c (new lease)           28
 *                      then granted c@e3                        a not demoted twice: CHECK_REPLICA c            29
 *                      OUTDATED, operator forced b              next, plan forced: OUTDATE_PEER a               30
 * OUTDATE_PEER(a)      OK                                       next: PROMOTE b under e2                        31
 *                      FAILED, a demoted                        go on ("demoted; continuing")                   32
 *                      FAILED, a fenced                         go on ("fenced; continuing")                    33
 *                      OK, plan forced, force expired           BLOCK "force withdrawn or expired"              34
 *                      (FAILED while neither demoted nor fenced: fence first; unreachable in a FAILOVER,
 *                       every secured node is demoted or fenced before OUTDATE_PEER)
 * PROMOTE(b)           OK                                       next: START b under e2                          35
 *                      FAILED | REFUSED | TIMED_OUT             BLOCK "promoting ... failed"                    36-38
 *                      OK, plan forced                          Promote carried force; force used up            39
 * START(b)             OK                                       b active, grace; WAIT_HEALTHY: probe in 50 ms   40
 *                      FAILED                                   BLOCK "would repeat on any node"                41
 *                      TIMED_OUT | REFUSED                      BLOCK "its state is not known"                  42-43
 * WAIT_HEALTHY(b)      probe HEALTHY                            next: ROUTE b under e2                          44
 *                      probe STARTING within grace              wait, next probe in 100 ms                      45
 *                      probe CRASHED within grace               not counted, next probe in 100 ms               46
 *                      probe START_FAILED (1st of 2)            counted even within grace                       47
 *                      probe START_FAILED (2nd of 2)            BLOCK "did not become healthy during FAILOVER"  48
 *                      probe STARTING after grace (2nd of 2)    BLOCK START_TIMEOUT                             49
 * ROUTE(b)             OK                                       RUNNING, notify completed, probes, standby chk  50
 *                      OK, a was fenced                         RUNNING, no standby check (none left)           51
 *                      FAILED                                   BLOCK "clients may not reach it"                52
 * </pre>
 */
class StepTableFailoverTest {

    static Stream<Arguments> rows() {
        Supplier<StepDriver> precheck = () -> StepDriver.ab().failover();
        Supplier<StepDriver> precheck3 = () -> StepDriver.abc().failover();
        Supplier<StepDriver> forced = () -> StepDriver.ab().running().forced(B).fail(FailureKind.ROUTER_PATH_LOST);
        String blockedAtPrecheck = "Notify(STANDBY_UNHEALTHY b), Notify(BLOCKED a)";
        return Stream.of(
                // ---------------------------------------------------------------- PRECHECK_REPLICA
                row("PRECHECK_REPLICA(b)", "UP_TO_DATE", precheck,
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("Unroute(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/UNROUTE",
                                "replica on b is SECONDARY/UP_TO_DATE")),
                row("PRECHECK_REPLICA(b)", "OUTDATED, no other standby", precheck,
                        answer(replica(Consistency.OUTDATED)),
                        expect(blockedAtPrecheck, Phase.BLOCKED, "-", "BLOCKED", "no standby is usable",
                                "SECONDARY/OUTDATED", "leaving a as it is")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("PRECHECK_REPLICA(b)", "INCONSISTENT, no other standby", precheck,
                        answer(replica(Consistency.INCONSISTENT)),
                        expect(blockedAtPrecheck, Phase.BLOCKED, "-", "no standby is usable", "INCONSISTENT")),
                row("PRECHECK_REPLICA(b)", "SPLIT_BRAIN, no other standby", precheck,
                        answer(replica(Consistency.SPLIT_BRAIN)),
                        expect(blockedAtPrecheck, Phase.BLOCKED, "-", "no standby is usable", "SPLIT_BRAIN")),
                row("PRECHECK_REPLICA(b)", "UNKNOWN (unreadable), no other standby", precheck,
                        answer(replica(dev.ha4j.core.ReplicaStatus.unknown("timed out"))),
                        expect(blockedAtPrecheck, Phase.BLOCKED, "-", "no standby is usable", "UNKNOWN/UNKNOWN")),
                row("PRECHECK_REPLICA(b)", "OUTDATED, standby c left", precheck3,
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(STANDBY_UNHEALTHY b), CheckReplica(c)", Phase.FAILING_OVER,
                                "FAILOVER->c@PRECHECK_REPLICA secure [a]/UNROUTE", "checking c instead",
                                "before touching a")
                                .and(s -> assertThat(s.unusableStandbys()).containsOnlyKeys(B))),
                row("PRECHECK_REPLICA(c)", "OUTDATED after b was OUTDATED",
                        () -> StepDriver.abc().failover().with(d -> d.answer(replica(Consistency.OUTDATED))),
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(STANDBY_UNHEALTHY c), Notify(BLOCKED a)", Phase.BLOCKED, "-",
                                "no standby is usable", "the replica on c", "leaving a as it is")),
                row("PRECHECK_REPLICA(b)", "OUTDATED, forced by an operator", forced,
                        answer(replica(Consistency.OUTDATED)),
                        expect("Unroute(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/UNROUTE",
                                "promoting it anyway, forced by an operator")
                                .and(s -> assertThat(s.plan().orElseThrow().force()).isTrue())),
                // ---------------------------------------------------------------- ACQUIRE_LEASE
                row("ACQUIRE_LEASE(b)", "granted b@e2", () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE),
                        answer(grant(B, 2)),
                        expect("Demote(a e2)", Phase.FAILING_OVER, "FAILOVER->b@DEMOTE_OLD", "lease granted: b@e2")
                                .and(s -> assertThat(s.lease()).contains(new Lease(B, Epoch.of(2))))),
                row("ACQUIRE_LEASE(b)", "granted b@e2, a was fenced",
                        () -> StepDriver.ab().fenceFailover().at(Step.ACQUIRE_LEASE), answer(grant(B, 2)),
                        expect("CheckReplica(b)", Phase.FAILING_OVER, "FAILOVER->b@CHECK_REPLICA",
                                "lease granted: b@e2")),
                row("ACQUIRE_LEASE(b)", "REFUSED", () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE),
                        answer(lease(LeaseResult.notGranted(Outcome.REFUSED, Optional.empty(), "quorum lost"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the lease for b was not granted",
                                "REFUSED quorum lost")),
                row("ACQUIRE_LEASE(b)", "FAILED", () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE),
                        answer(lease(LeaseResult.notGranted(Outcome.FAILED, Optional.empty(), "io error"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "not granted: FAILED io error")),
                row("ACQUIRE_LEASE(b)", "TIMED_OUT", () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE),
                        answer(lease(LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "after 2s"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "not granted: TIMED_OUT after 2s")),
                row("ACQUIRE_LEASE(b)", "FAILED, held by c@e5",
                        () -> StepDriver.abc().failover().at(Step.ACQUIRE_LEASE),
                        answer(lease(LeaseResult.notGranted(Outcome.FAILED,
                                Optional.of(new Lease(C, Epoch.of(5))), "held"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "not granted", "(held by c@e5)")),
                row("ACQUIRE_LEASE(b)", "granted to a instead",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE), answer(grant(A, 2)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "granted the lease to a instead of b")),
                row("ACQUIRE_LEASE(b)", "granted b@e1, not newer",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE), answer(grant(B, 1)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "granted e1, not newer than e1",
                                "reused epoch")),
                row("ACQUIRE_LEASE(b)", "granted b@e2, reported lost before",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE)
                                .with(d -> d.feed(new Event.LeaseLost(d.now, B, Epoch.of(2), "session dropped"))),
                        answer(grant(B, 2)),
                        expect("Observe", Phase.RECONCILING, "-", "reported lost before its grant arrived",
                                "not using it", "FAILOVER plan abandoned")
                                // The grant is not used; the lease in force stays a@e1 until it is reported lost.
                                .and(s -> assertThat(s.lease()).contains(new Lease(A, Epoch.of(1))))
                                .and(s -> assertThat(s.highestEpoch()).isEqualTo(Epoch.of(2)))),
                row("ACQUIRE_LEASE(b)", "(event) old lease a@e1 lost meanwhile",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE),
                        d -> d.feed(new Event.LeaseLost(d.now, A, Epoch.of(1), "superseded")),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@ACQUIRE_LEASE", "superseded while a new lease"
                                + " for b is being acquired")),
                // ---------------------------------------------------------------- DEMOTE_OLD
                row("DEMOTE_OLD(a)", "OK", () -> StepDriver.ab().failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.ok())),
                        expect("CheckReplica(b)", Phase.FAILING_OVER, "FAILOVER->b@CHECK_REPLICA",
                                "replicas on a demoted")),
                row("DEMOTE_OLD(a)", "FAILED", () -> StepDriver.ab().failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.failed("device in use"))),
                        expect("Fence(a default)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "demoting the replicas on a failed (FAILED (device in use))",
                                "may still hold a primary replica; fencing it before going on")),
                row("DEMOTE_OLD(a)", "REFUSED", () -> StepDriver.ab().failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.refused("epoch"))),
                        expect("Fence(a default)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "demoting the replicas on a failed (REFUSED (epoch))")),
                row("DEMOTE_OLD(a)", "TIMED_OUT", () -> StepDriver.ab().failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.timedOut("after 2s"))),
                        expect("Fence(a default)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "demoting the replicas on a failed (TIMED_OUT (after 2s))")),
                row("DEMOTE_OLD(a)", "FAILED, fencing delay 5 s for a",
                        () -> StepDriver.of(StepDriver.policy().fencingDelay(A, Duration.ofSeconds(5)).build(),
                                "a", "b").failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.failed("device in use"))),
                        expect("ArmTimer(FENCE_DELAY +5s)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE_DELAY", "fencing it before going on",
                                "waiting the fencing delay of PT5S before fencing a")),
                row("DEMOTE_OLD(a)", "FAILED, no fencing level",
                        () -> StepDriver.of(StepDriver.policy().fencingRequired(false).fencingLevels(java.util.List.of())
                                .build(), "a", "b").failover().at(Step.DEMOTE_OLD),
                        answer(op(OpResult.failed("device in use"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "demoting the replicas on a failed",
                                "no fencing level is configured")),
                // ---------------------------------------------------------------- CHECK_REPLICA
                row("CHECK_REPLICA(b)", "UP_TO_DATE", () -> StepDriver.ab().failover().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("OutdatePeer(a e2)", Phase.FAILING_OVER, "FAILOVER->b@OUTDATE_PEER",
                                "replica on b is SECONDARY/UP_TO_DATE")),
                row("CHECK_REPLICA(b)", "OUTDATED, no other standby",
                        () -> StepDriver.ab().failover().at(Step.CHECK_REPLICA), answer(replica(Consistency.OUTDATED)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the replica on b is SECONDARY/OUTDATED",
                                "promoted only by an operator's force")),
                row("CHECK_REPLICA(b)", "SPLIT_BRAIN, no other standby",
                        () -> StepDriver.ab().failover().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.SPLIT_BRAIN)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "SECONDARY/SPLIT_BRAIN",
                                "promoted only by an operator's force")),
                row("CHECK_REPLICA(b)", "OUTDATED, standby c left",
                        () -> StepDriver.abc().failover().at(Step.CHECK_REPLICA), answer(replica(Consistency.OUTDATED)),
                        expect("AcquireLease(c)", Phase.FAILING_OVER, "FAILOVER->c@ACQUIRE_LEASE",
                                "passing over it, failing over to c instead")
                                .and(s -> assertThat(s.plan().orElseThrow().passedOver()).containsExactly(B))),
                row("ACQUIRE_LEASE(c)", "granted c@e3 after passing over b",
                        () -> StepDriver.abc().failover().at(Step.CHECK_REPLICA)
                                .with(d -> d.answer(replica(Consistency.OUTDATED))),
                        answer(grant(C, 3)),
                        expect("CheckReplica(c)", Phase.FAILING_OVER, "FAILOVER->c@CHECK_REPLICA",
                                "lease granted: c@e3")),
                row("CHECK_REPLICA(b)", "OUTDATED, forced by an operator",
                        () -> StepDriver.ab().running().forced(B).fail(FailureKind.ROUTER_PATH_LOST)
                                .at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.OUTDATED)),
                        expect("OutdatePeer(a e3)", Phase.FAILING_OVER, "FAILOVER->b@OUTDATE_PEER",
                                "promoting it anyway, forced by an operator")),
                // ---------------------------------------------------------------- OUTDATE_PEER
                row("OUTDATE_PEER(a)", "OK", () -> StepDriver.ab().failover().at(Step.OUTDATE_PEER),
                        answer(op(OpResult.ok())),
                        expect("Promote(b e2)", Phase.FAILING_OVER, "FAILOVER->b@PROMOTE",
                                "outdating the replica on a: OK")),
                row("OUTDATE_PEER(a)", "FAILED, a demoted", () -> StepDriver.ab().failover().at(Step.OUTDATE_PEER),
                        answer(op(OpResult.failed("peer unreachable"))),
                        expect("Promote(b e2)", Phase.FAILING_OVER, "FAILOVER->b@PROMOTE",
                                "outdating the replica on a: FAILED (peer unreachable) (it is demoted; continuing)")),
                row("OUTDATE_PEER(a)", "FAILED, a fenced",
                        () -> StepDriver.ab().fenceFailover().at(Step.OUTDATE_PEER),
                        answer(op(OpResult.failed("peer unreachable"))),
                        expect("Promote(b e2)", Phase.FAILING_OVER, "FAILOVER->b@PROMOTE",
                                "(it is fenced; continuing)")),
                row("OUTDATE_PEER(a)", "OK, plan forced, force expired",
                        () -> StepDriver.ab().running().forced(B).fail(FailureKind.ROUTER_PATH_LOST)
                                .with(d -> d.answer(replica(Consistency.OUTDATED))).at(Step.OUTDATE_PEER)
                                .advance(Duration.ofHours(2)),
                        answer(op(OpResult.ok())),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-",
                                "the operator's force to promote the stale replica on b was withdrawn or expired")),
                // ---------------------------------------------------------------- PROMOTE
                row("PROMOTE(b)", "OK", () -> StepDriver.ab().failover().at(Step.PROMOTE), answer(op(OpResult.ok())),
                        expect("StartService(b e2)", Phase.FAILING_OVER, "FAILOVER->b@START",
                                "replicas promoted on b")),
                row("PROMOTE(b)", "FAILED", () -> StepDriver.ab().failover().at(Step.PROMOTE),
                        answer(op(OpResult.failed("split brain"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "promoting the replicas on b failed: FAILED")),
                row("PROMOTE(b)", "REFUSED", () -> StepDriver.ab().failover().at(Step.PROMOTE),
                        answer(op(OpResult.refused("not up to date"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "promoting the replicas on b failed: REFUSED")),
                row("PROMOTE(b)", "TIMED_OUT", () -> StepDriver.ab().failover().at(Step.PROMOTE),
                        answer(op(OpResult.timedOut("after 2s"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-",
                                "promoting the replicas on b failed: TIMED_OUT")),
                row("PROMOTE(b)", "OK, plan forced",
                        () -> StepDriver.ab().running().forced(B).fail(FailureKind.ROUTER_PATH_LOST)
                                .with(d -> d.answer(replica(Consistency.OUTDATED))).at(Step.PROMOTE)
                                .with(d -> assertThat(d.pending()).isEqualTo(new Command.Promote(d.pending().id(), B,
                                        Epoch.of(3), true, Duration.ofSeconds(2)))),
                        answer(op(OpResult.ok())),
                        expect("StartService(b e3)", Phase.FAILING_OVER, "FAILOVER->b@START",
                                "replicas promoted on b (forced by an operator)", "the operator's force for b is used up")
                                .and(s -> assertThat(s.forcePromote()).isEmpty())),
                // ---------------------------------------------------------------- START
                row("START(b)", "OK", () -> StepDriver.ab().failover().at(Step.START), answer(op(OpResult.ok())),
                        expect("ArmTimer(PROBE +50ms)", Phase.FAILING_OVER, "FAILOVER->b@WAIT_HEALTHY",
                                "service launched on b under e2; start-up grace until")
                                .and(s -> assertThat(s.active()).contains(B))
                                .and(s -> assertThat(s.role(B)).isEqualTo(NodeRole.ACTIVE))),
                row("START(b)", "FAILED", () -> StepDriver.ab().failover().at(Step.START),
                        answer(op(OpResult.failed("exit 1"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the service failed to start on b: exit 1",
                                "a start failure would repeat on any node")
                                .and(s -> assertThat(s.role(B)).isEqualTo(NodeRole.UNKNOWN))),
                row("START(b)", "TIMED_OUT", () -> StepDriver.ab().failover().at(Step.START),
                        answer(op(OpResult.timedOut("after 60s"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-",
                                "starting the service on b ended TIMED_OUT (after 60s): its state is not known")
                                .and(s -> assertThat(s.role(B)).isEqualTo(NodeRole.UNKNOWN))),
                row("START(b)", "REFUSED", () -> StepDriver.ab().failover().at(Step.START),
                        answer(op(OpResult.refused("stale epoch"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "starting the service on b ended REFUSED",
                                "its state is not known")),
                // ---------------------------------------------------------------- WAIT_HEALTHY
                row("WAIT_HEALTHY(b)", "probe HEALTHY", () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY),
                        answer(probe(ProbeResult.healthy())),
                        expect("Route(b e2)", Phase.FAILING_OVER, "FAILOVER->b@ROUTE", "probe of b: HEALTHY")),
                row("WAIT_HEALTHY(b)", "probe STARTING within grace",
                        () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY),
                        answer(probe(ProbeResult.of(HealthStatus.STARTING, ""))),
                        expect("ArmTimer(PROBE +100ms)", Phase.FAILING_OVER, "FAILOVER->b@WAIT_HEALTHY",
                                "STARTING, within start-up grace")),
                row("WAIT_HEALTHY(b)", "probe CRASHED within grace",
                        () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY),
                        answer(probe(ProbeResult.failed(FailureKind.CRASHED, "refused"))),
                        expect("ArmTimer(PROBE +100ms)", Phase.FAILING_OVER, "FAILOVER->b@WAIT_HEALTHY",
                                "CRASHED (refused) -> not counted: within start-up grace")),
                row("WAIT_HEALTHY(b)", "probe START_FAILED, 1st of 2",
                        () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY),
                        answer(probe(ProbeResult.failed(FailureKind.START_FAILED, "deploy"))),
                        expect("ArmTimer(PROBE +100ms)", Phase.FAILING_OVER, "FAILOVER->b@WAIT_HEALTHY",
                                "START_FAILED (deploy) -> bad probe 1 of 2 in a row")),
                row("WAIT_HEALTHY(b)", "probe START_FAILED, 2nd of 2",
                        () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY).with(d -> {
                            d.answer(probe(ProbeResult.failed(FailureKind.START_FAILED, "deploy")));
                            d.fire(Timer.PROBE);
                        }),
                        answer(probe(ProbeResult.failed(FailureKind.START_FAILED, "deploy"))),
                        expect("Notify(BLOCKED b)", Phase.BLOCKED, "-", "failure confirmed after 2 in a row",
                                "the service on b did not become healthy during FAILOVER: START_FAILED (deploy)")),
                row("WAIT_HEALTHY(b)", "probe STARTING after grace, 2nd of 2",
                        () -> StepDriver.ab().failover().at(Step.WAIT_HEALTHY).advance(Duration.ofSeconds(30))
                                .with(d -> {
                                    d.answer(probe(ProbeResult.of(HealthStatus.STARTING, "")));
                                    d.fire(Timer.PROBE);
                                }),
                        answer(probe(ProbeResult.of(HealthStatus.STARTING, ""))),
                        expect("Notify(BLOCKED b)", Phase.BLOCKED, "-", "START_TIMEOUT (still STARTING after the"
                                + " start-up grace of PT20S)", "did not become healthy during FAILOVER")),
                // ---------------------------------------------------------------- ROUTE
                row("ROUTE(b)", "OK", () -> StepDriver.ab().failover().at(Step.ROUTE), answer(op(OpResult.ok())),
                        expect("Notify(FAILOVER_COMPLETED b), ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)",
                                Phase.RUNNING, "-", "requests routed to b", "failover to b completed under e2")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.STANDBY))
                                .and(s -> assertThat(s.restarts()).isEmpty())),
                row("ROUTE(b)", "OK, a was fenced", () -> StepDriver.ab().fenceFailover().at(Step.ROUTE),
                        answer(op(OpResult.ok())),
                        expect("Notify(FAILOVER_COMPLETED b), ArmTimer(PROBE +5s)", Phase.RUNNING, "-",
                                "failover to b completed under e2")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.FENCED))),
                row("ROUTE(b)", "FAILED", () -> StepDriver.ab().failover().at(Step.ROUTE),
                        answer(op(OpResult.failed("arping"))),
                        expect("Notify(BLOCKED b)", Phase.BLOCKED, "-", "routing requests to b failed: FAILED (arping)",
                                "clients may not reach it")));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String step, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
