package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.probe;
import static dev.ha4j.core.engine.StepDriver.replica;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.engine.Plan.Step;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-step table of a RESTART in place (a's service crashed twice in a row; the policy allows two restarts
 * within 10 minutes), one case per row, on {@code apply} directly. A restart keeps the epoch (e1) and the active
 * node; a start that times out counts as a START_TIMEOUT failure and escalates (restart again, or fail over when
 * the restarts are used up), where in any other plan it blocks. Securing a (graceful stop first, no unroute) is
 * in {@link SecuringLadderTest}.
 *
 * <pre>
 * step                 answer / event                           engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * (failure)            2nd CRASHED in a row, 0 restarts used    notify restarted, SECURE a: stop                1
 *                      2nd CRASHED in a row, 2 restarts used    restart limit reached: FAILOVER to b            2
 * CHECK_REPLICA(a)     PRIMARY/UP_TO_DATE                       next: PROMOTE a under e1 (idempotent)           3
 *                      OUTDATED                                 BLOCK "only by an operator's force"             4
 * PROMOTE(a)           OK                                       next: START a under e1                          5
 *                      FAILED                                   BLOCK "promoting ... failed"                    6
 * START(a)             OK                                       grace; WAIT_HEALTHY: probe in 50 ms             7
 *                      FAILED                                   BLOCK "would repeat on any node"                8
 *                      TIMED_OUT, 1 restart used                START_TIMEOUT: restart 2 of 2 (*)               9
 *                      TIMED_OUT, 2 restarts used               START_TIMEOUT: restart limit, FAILOVER to b (*) 10
 *                      REFUSED                                  BLOCK "its state is not known"                  11
 * WAIT_HEALTHY(a)      probe HEALTHY                            RUNNING, no notice, probes, standby check       12
 *                      probe START_FAILED (2nd of 2)            BLOCK (reaction BLOCK) "a standby would fail"   13
 *                      probe STARTING after grace (2nd of 2)    START_TIMEOUT: restart 2 of 2                   14
 * </pre>
 *
 * <p>(*) The reason of these two transitions does not name the start timeout: it says only "restarting a in
 * place" or "failing over from a to b"; the cause is in the plan's {@code cause()} and the notice. Rows 9 and 10
 * pin that as it is today.
 */
class StepTableRestartTest {

    /** Running on a after one restart that cured it. */
    static StepDriver restartedOnce() {
        StepDriver d = StepDriver.ab().restart();
        return d.until(s -> s.phase() == Phase.RUNNING && s.plan().isEmpty());
    }

    static Stream<Arguments> rows() {
        ProbeResult crashed = ProbeResult.failed(FailureKind.CRASHED, "refused");
        Supplier<StepDriver> second = () -> restartedOnce().fail(FailureKind.CRASHED);
        return Stream.of(
                row("(failure)", "2nd CRASHED in a row, 0 restarts used",
                        () -> StepDriver.ab().running().with(d -> d.verdict(crashed)), d -> d.verdict(crashed),
                        expect("Notify(RESTARTED a), StopService(a)", Phase.RESTARTING,
                                "RESTART->a@SECURE secure [a]/STOP", "failure confirmed after 2 in a row",
                                "restarting a in place (restart 1 of 2 within PT10M)")),
                row("(failure)", "2nd CRASHED in a row, 2 restarts used",
                        () -> second.get().until(s -> s.phase() == Phase.RUNNING && s.plan().isEmpty())
                                .with(d -> d.verdict(crashed)),
                        d -> d.verdict(crashed),
                        expect("Notify(FAILOVER_STARTED a), CheckReplica(b)", Phase.FAILING_OVER,
                                "FAILOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE",
                                "failure confirmed after 2 in a row", "failing over from a to b")
                                // The escalation is said in the plan's cause and the notice, not in the reason.
                                .and(s -> assertThat(s.plan().orElseThrow().cause()).isEqualTo(
                                        "CRASHED (refused); restart limit reached: 2 restart(s) within PT10M"))
                                .and(s -> assertThat(s.exhausted()).containsKey(A))
                                .and(s -> assertThat(s.plan().orElseThrow().serviceFailure()).isTrue())),
                row("CHECK_REPLICA(a)", "PRIMARY/UP_TO_DATE", () -> StepDriver.ab().restart().at(Step.CHECK_REPLICA),
                        answer(replica(new dev.ha4j.core.ReplicaStatus(dev.ha4j.core.ReplicaRole.PRIMARY,
                                Consistency.UP_TO_DATE, ""))),
                        expect("Promote(a e1)", Phase.RESTARTING, "RESTART->a@PROMOTE",
                                "replica on a is PRIMARY/UP_TO_DATE")),
                row("CHECK_REPLICA(a)", "OUTDATED", () -> StepDriver.ab().restart().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-", "the replica on a is SECONDARY/OUTDATED",
                                "promoted only by an operator's force")),
                row("PROMOTE(a)", "OK", () -> StepDriver.ab().restart().at(Step.PROMOTE), answer(op(OpResult.ok())),
                        expect("StartService(a e1)", Phase.RESTARTING, "RESTART->a@START", "replicas promoted on a")),
                row("PROMOTE(a)", "FAILED", () -> StepDriver.ab().restart().at(Step.PROMOTE),
                        answer(op(OpResult.failed("io"))),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-", "promoting the replicas on a failed")),
                row("START(a)", "OK", () -> StepDriver.ab().restart().at(Step.START), answer(op(OpResult.ok())),
                        expect("ArmTimer(PROBE +50ms)", Phase.RESTARTING, "RESTART->a@WAIT_HEALTHY",
                                "service launched on a under e1")),
                row("START(a)", "FAILED", () -> StepDriver.ab().restart().at(Step.START),
                        answer(op(OpResult.failed("exit 1"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the service failed to start on a: exit 1",
                                "would repeat on any node")
                                .and(s -> assertThat(s.active()).isEmpty())),
                row("START(a)", "TIMED_OUT, 1 restart used", () -> StepDriver.ab().restart().at(Step.START),
                        answer(op(OpResult.timedOut("after 60s"))),
                        expect("Notify(RESTARTED a), StopService(a)", Phase.RESTARTING,
                                "RESTART->a@SECURE secure [a]/STOP", "restarting a in place (restart 2 of 2")
                                // The reason does not say why (the start timed out): only the cause and notice do.
                                .and(s -> assertThat(s.plan().orElseThrow().cause())
                                        .isEqualTo("START_TIMEOUT (launching timed out: after 60s)"))),
                row("START(a)", "TIMED_OUT, 2 restarts used", () -> second.get().at(Step.START),
                        answer(op(OpResult.timedOut("after 60s"))),
                        expect("Notify(FAILOVER_STARTED a), CheckReplica(b)", Phase.FAILING_OVER,
                                "FAILOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE", "failing over from a to b")
                                .and(s -> assertThat(s.plan().orElseThrow().cause()).isEqualTo("START_TIMEOUT"
                                        + " (launching timed out: after 60s); restart limit reached: 2 restart(s)"
                                        + " within PT10M"))),
                row("START(a)", "REFUSED", () -> StepDriver.ab().restart().at(Step.START),
                        answer(op(OpResult.refused("stale epoch"))),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "starting the service on a ended REFUSED",
                                "its state is not known")),
                row("WAIT_HEALTHY(a)", "probe HEALTHY", () -> StepDriver.ab().restart().at(Step.WAIT_HEALTHY),
                        answer(probe(ProbeResult.healthy())),
                        expect("ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)", Phase.RUNNING, "-",
                                "restart of a completed: healthy again")),
                row("WAIT_HEALTHY(a)", "probe START_FAILED, 2nd of 2",
                        () -> StepDriver.ab().restart().at(Step.WAIT_HEALTHY).with(d -> {
                            d.answer(probe(ProbeResult.failed(FailureKind.START_FAILED, "deploy")));
                            d.fire(Timer.PROBE);
                        }),
                        answer(probe(ProbeResult.failed(FailureKind.START_FAILED, "deploy"))),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-",
                                "START_FAILED (deploy) on a: a standby would fail too")),
                row("WAIT_HEALTHY(a)", "probe STARTING after grace, 2nd of 2",
                        () -> StepDriver.ab().restart().at(Step.WAIT_HEALTHY).advance(Duration.ofSeconds(30))
                                .with(d -> {
                                    d.answer(probe(ProbeResult.of(HealthStatus.STARTING, "")));
                                    d.fire(Timer.PROBE);
                                }),
                        answer(probe(ProbeResult.of(HealthStatus.STARTING, ""))),
                        expect("Notify(RESTARTED a), StopService(a)", Phase.RESTARTING,
                                "RESTART->a@SECURE secure [a]/STOP", "START_TIMEOUT", "restart 2 of 2")));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String step, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
