package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.fence;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.runState;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Plan.Stage;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The securing ladder (the SECURE step: make sure a node is out), one case per transition, on {@code apply}
 * directly. Most rows secure the old active a in a FAILOVER to b (a's router path lost: unroute first); the
 * policy of the fencing rows has two levels, {@code mgmt} then {@code power}. A node is secured when it is
 * confirmed STOPPED or fenced and verified OFF; anything else moves one rung down, and the last rung blocks.
 *
 * <pre>
 * stage                answer                                   engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * UNROUTE              OK | FAILED | TIMED_OUT                  graceful stop (an unroute failure never stops   1-3
 *                                                               securing)
 * STOP                 OK                                       confirm stopped                                 4
 *                      FAILED | REFUSED | TIMED_OUT             kill                                            5-7
 * CONFIRM_AFTER_STOP   STOPPED                                  secured, role STOPPED, a no longer active:      8
 *                                                               next step ACQUIRE_LEASE b
 *                      RUNNING | UNKNOWN                        kill                                            9-10
 * KILL                 OK | FAILED | TIMED_OUT                  confirm stopped (a failed kill is checked too)  11-13
 * CONFIRM_AFTER_KILL   STOPPED                                  secured: ACQUIRE_LEASE b                        14
 *                      RUNNING, no fencing delay                fence at level 1 at once                        15
 *                      UNKNOWN, fencing delay 5 s for a         arm the fencing delay timer                     16
 *                      RUNNING, no fencing level                BLOCK "no fencing level is configured"          17
 *                      RUNNING, in a RESTART                    cannot restart in place: FAILOVER, fence first  18
 * FENCE_DELAY          the delay timer fires                    fence at level 1                                19
 *                      a stale delay timer fires                ignored                                         20
 * FENCE level 1        OK, power OFF (verified)                 notify fenced, role FENCED: ACQUIRE_LEASE b     21
 *                      FAILED | TIMED_OUT                       notify fence failed, fence at level 2           22-23
 *                      OK but power ON | UNKNOWN (unverified)   notify fence failed, fence at level 2           24-25
 * FENCE level 2 (last) OK, power OFF                            notify fenced: ACQUIRE_LEASE b                  26
 *                      FAILED                                   notify fence failed, BLOCK, a left active       27
 * (fence first)        a unreachable: PRECHECK b UP_TO_DATE     fence at level 1 (no stop, no unroute)          28
 *                        with a fencing delay 5 s for a         arm the fencing delay timer                     29
 *                        with no fencing level                  BLOCK                                           30
 * (queue)              a confirmed STOPPED, c still queued      secure c next, from its first stage (stop)      31
 * (RESTART)            CONFIRM_AFTER_STOP STOPPED               secured, a stays active: CHECK_REPLICA a        32
 * (RELINQUISH)         the lease a@e1 is lost while RUNNING     unroute a                                       33
 *                      CONFIRM_AFTER_STOP STOPPED               demote a under e1                               34
 *                      DEMOTE_OLD OK                            observe the cluster again                       35
 * (SECURE_STRAY)       a standby check finds b RUNNING          notify stray, stop b; a keeps running           36
 *                      DEMOTE_OLD b OK                          RUNNING again on a, probing resumes             37
 * (one at a time)      STOP waits for a's outstanding start;
 *                        the start answers                      a might run; the stop is sent now               38
 * </pre>
 */
class SecuringLadderTest {
    static final Policy TWO_LEVELS = StepDriver.policy().fencingLevels(List.of("mgmt", "power")).build();
    static final Policy DELAYED = StepDriver.policy().fencingDelay(A, Duration.ofSeconds(5)).build();
    static final Policy NO_FENCING = StepDriver.policy().fencingRequired(false).fencingLevels(List.of()).build();

    /** A FAILOVER a->b (unroute first) securing a, at {@code stage} with its command pending. */
    static StepDriver securing(Policy policy, Stage stage) {
        return down(StepDriver.of(policy, "a", "b").failover(), stage);
    }

    /**
     * Walks the ladder down to {@code stage}: success answers reach the graceful stop; a stop that times out
     * reaches the kill, a successful kill the confirmation after it, a node still RUNNING then the fencing delay.
     */
    static StepDriver down(StepDriver d, Stage stage) {
        switch (stage) {
            case UNROUTE, STOP, CONFIRM_AFTER_STOP -> {
                return d.atStage(stage);
            }
            case KILL -> {
                d.atStage(Stage.STOP).answer(op(OpResult.timedOut("after 10s")));
                return d.atStage(Stage.KILL);
            }
            case CONFIRM_AFTER_KILL -> {
                down(d, Stage.KILL).ok();
                return d.atStage(Stage.CONFIRM_AFTER_KILL);
            }
            case FENCE_DELAY -> {
                down(d, Stage.CONFIRM_AFTER_KILL).answer(runState(RunState.RUNNING));
                return d.atStage(Stage.FENCE_DELAY);
            }
            default -> throw new IllegalArgumentException("not walked down to: " + stage);
        }
    }

    static StepDriver securing(Stage stage) {
        return securing(TWO_LEVELS, stage);
    }

    /** Securing a in a FAILOVER: a still runs after the kill, fencing at level {@code level} (0-based) pending. */
    static StepDriver fencingAt(int level) {
        StepDriver d = securing(Stage.CONFIRM_AFTER_KILL);
        d.answer(runState(RunState.RUNNING));
        for (int i = 0; i < level; i++) {
            d.answer(fence(FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "BMC unreachable")));
        }
        assertThat(d.state.plan().orElseThrow().subIndex()).isEqualTo(level);
        return d;
    }

    static Stream<Arguments> rows() {
        String next = "AcquireLease(b)";
        String atLease = "FAILOVER->b@ACQUIRE_LEASE";
        FenceResult off = FenceResult.ok(PowerState.OFF, "verified off");
        FenceResult bmcDown = FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "BMC unreachable");
        Supplier<StepDriver> unroute = () -> securing(Stage.UNROUTE);
        Supplier<StepDriver> stop = () -> securing(Stage.STOP);
        Supplier<StepDriver> confirmStop = () -> securing(Stage.CONFIRM_AFTER_STOP);
        Supplier<StepDriver> kill = () -> securing(Stage.KILL);
        Supplier<StepDriver> confirmKill = () -> securing(Stage.CONFIRM_AFTER_KILL);
        return Stream.of(
                // ---------------------------------------------------------------- UNROUTE
                row("UNROUTE", "OK", unroute, answer(op(OpResult.ok())),
                        expect("StopService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/STOP",
                                "unroute a: OK")),
                row("UNROUTE", "FAILED", unroute, answer(op(OpResult.failed("router down"))),
                        expect("StopService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/STOP",
                                "unroute a: FAILED (router down)")),
                row("UNROUTE", "TIMED_OUT", unroute, answer(op(OpResult.timedOut("after 2s"))),
                        expect("StopService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/STOP",
                                "unroute a: TIMED_OUT")),
                // ---------------------------------------------------------------- STOP
                row("STOP", "OK", stop, answer(op(OpResult.ok())),
                        expect("ConfirmStopped(a)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/CONFIRM_AFTER_STOP", "graceful stop of a: OK")),
                row("STOP", "FAILED", stop, answer(op(OpResult.failed("exit 3"))),
                        expect("KillService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/KILL",
                                "graceful stop of a: FAILED (exit 3)")),
                row("STOP", "REFUSED", stop, answer(op(OpResult.refused("busy"))),
                        expect("KillService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/KILL",
                                "graceful stop of a: REFUSED (busy)")),
                row("STOP", "TIMED_OUT", stop, answer(op(OpResult.timedOut("after 10s"))),
                        expect("KillService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/KILL",
                                "graceful stop of a: TIMED_OUT (after 10s)")),
                // ---------------------------------------------------------------- CONFIRM_AFTER_STOP
                row("CONFIRM_AFTER_STOP", "STOPPED", confirmStop, answer(runState(RunState.STOPPED)),
                        expect(next, Phase.FAILING_OVER, atLease, "a confirmed stopped")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.STOPPED))
                                .and(s -> assertThat(s.active()).isEmpty())
                                .and(s -> assertThat(s.plan().orElseThrow().secured()).containsExactly(A))),
                row("CONFIRM_AFTER_STOP", "RUNNING", confirmStop, answer(runState(RunState.RUNNING)),
                        expect("KillService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/KILL",
                                "a still RUNNING after a graceful stop: killing")),
                row("CONFIRM_AFTER_STOP", "UNKNOWN", confirmStop, answer(runState(RunState.UNKNOWN)),
                        expect("KillService(a)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/KILL",
                                "a still UNKNOWN after a graceful stop: killing")),
                // ---------------------------------------------------------------- KILL
                row("KILL", "OK", kill, answer(op(OpResult.ok())),
                        expect("ConfirmStopped(a)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/CONFIRM_AFTER_KILL", "kill of a: OK")),
                row("KILL", "FAILED", kill, answer(op(OpResult.failed("EPERM"))),
                        expect("ConfirmStopped(a)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/CONFIRM_AFTER_KILL", "kill of a: FAILED (EPERM)")),
                row("KILL", "TIMED_OUT", kill, answer(op(OpResult.timedOut("after 2s"))),
                        expect("ConfirmStopped(a)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/CONFIRM_AFTER_KILL", "kill of a: TIMED_OUT")),
                // ---------------------------------------------------------------- CONFIRM_AFTER_KILL
                row("CONFIRM_AFTER_KILL", "STOPPED", confirmKill, answer(runState(RunState.STOPPED)),
                        expect(next, Phase.FAILING_OVER, atLease, "a confirmed stopped")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.STOPPED))),
                row("CONFIRM_AFTER_KILL", "RUNNING, no fencing delay", confirmKill,
                        answer(runState(RunState.RUNNING)),
                        expect("Fence(a mgmt)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "a is RUNNING after kill: fencing it")),
                row("CONFIRM_AFTER_KILL", "UNKNOWN, fencing delay 5 s for a",
                        () -> securing(DELAYED, Stage.CONFIRM_AFTER_KILL), answer(runState(RunState.UNKNOWN)),
                        expect("ArmTimer(FENCE_DELAY +5s)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE_DELAY", "a is UNKNOWN after kill: fencing it",
                                "waiting the fencing delay of PT5S before fencing a")
                                .and(s -> assertThat(s.pendingCommandId()).isZero())),
                row("CONFIRM_AFTER_KILL", "RUNNING, no fencing level",
                        () -> securing(NO_FENCING, Stage.CONFIRM_AFTER_KILL), answer(runState(RunState.RUNNING)),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-",
                                "a is not confirmed stopped and no fencing level is configured: not taking over")),
                row("CONFIRM_AFTER_KILL", "RUNNING, in a RESTART",
                        () -> down(StepDriver.of(TWO_LEVELS, "a", "b").restart(), Stage.CONFIRM_AFTER_KILL),
                        answer(runState(RunState.RUNNING)),
                        expect("Notify(FAILOVER_STARTED a), CheckReplica(b)", Phase.FAILING_OVER,
                                "FAILOVER->b@PRECHECK_REPLICA secure [a]/FENCE_DELAY",
                                "a is RUNNING after kill: cannot restart in place", "failing over from a to b,"
                                        + " fencing a first")
                                .and(s -> assertThat(s.plan().orElseThrow().cause()).startsWith("restart of a could"
                                        + " not confirm the old service gone (RUNNING) after CRASHED"))),
                // ---------------------------------------------------------------- FENCE_DELAY
                row("FENCE_DELAY", "the delay timer fires", () -> securing(DELAYED, Stage.FENCE_DELAY)
                                .with(d -> assertThat(d.state.pendingCommandId()).isZero()),
                        d -> d.fire(Timer.FENCE_DELAY),
                        expect("Fence(a default)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "fencing delay for a has passed")),
                row("FENCE_DELAY", "a stale delay timer fires", () -> securing(DELAYED, Stage.FENCE_DELAY),
                        d -> d.feed(new Event.TimerFired(d.now, 1, Timer.FENCE_DELAY)),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE_DELAY",
                                "ignored a stale fencing delay")),
                // ---------------------------------------------------------------- FENCE
                row("FENCE mgmt (1 of 2)", "OK, power OFF", () -> fencingAt(0), answer(fence(off)),
                        expect("Notify(FENCED a), " + next, Phase.FAILING_OVER, atLease,
                                "a fenced at level mgmt: OK power=OFF (verified off)")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.FENCED))
                                .and(s -> assertThat(s.active()).isEmpty())),
                row("FENCE mgmt (1 of 2)", "FAILED", () -> fencingAt(0), answer(fence(bmcDown)),
                        expect("Notify(FENCE_FAILED a), Fence(a power)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE",
                                "fencing a at level mgmt failed (FAILED power=UNKNOWN (BMC unreachable)): trying the"
                                        + " next level")),
                row("FENCE mgmt (1 of 2)", "TIMED_OUT", () -> fencingAt(0),
                        answer(fence(FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "after 5s"))),
                        expect("Notify(FENCE_FAILED a), Fence(a power)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE", "TIMED_OUT", "trying the next level")),
                row("FENCE mgmt (1 of 2)", "OK but power ON", () -> fencingAt(0),
                        answer(fence(FenceResult.ok(PowerState.ON, "still on"))),
                        expect("Notify(FENCE_FAILED a), Fence(a power)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE", "OK power=ON (still on)",
                                "trying the next level")),
                row("FENCE mgmt (1 of 2)", "OK but power UNKNOWN", () -> fencingAt(0),
                        answer(fence(FenceResult.ok(PowerState.UNKNOWN, "no read-back"))),
                        expect("Notify(FENCE_FAILED a), Fence(a power)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE", "OK power=UNKNOWN", "trying the next level")),
                row("FENCE power (2 of 2)", "OK, power OFF", () -> fencingAt(1), answer(fence(off)),
                        expect("Notify(FENCED a), " + next, Phase.FAILING_OVER, atLease, "a fenced at level power")
                                .and(s -> assertThat(s.role(A)).isEqualTo(NodeRole.FENCED))),
                row("FENCE power (2 of 2)", "FAILED", () -> fencingAt(1), answer(fence(bmcDown)),
                        expect("Notify(FENCE_FAILED a), Notify(BLOCKED a)", Phase.BLOCKED, "-",
                                "a could not be made sure out: not confirmed stopped and fencing failed at every"
                                        + " level (last: power: FAILED power=UNKNOWN (BMC unreachable))")
                                .and(s -> assertThat(s.active()).contains(A))),
                // ---------------------------------------------------------------- fence first
                row("(fence first)", "a unreachable: PRECHECK b UP_TO_DATE",
                        () -> StepDriver.of(TWO_LEVELS, "a", "b").fenceFailover(), answer(StepDriver::success),
                        expect("Fence(a mgmt)", Phase.FAILING_OVER, "FAILOVER->b@SECURE secure [a]/FENCE",
                                "replica on b is")),
                row("(fence first)", "with a fencing delay 5 s for a",
                        () -> StepDriver.of(DELAYED, "a", "b").fenceFailover(), answer(StepDriver::success),
                        expect("ArmTimer(FENCE_DELAY +5s)", Phase.FAILING_OVER,
                                "FAILOVER->b@SECURE secure [a]/FENCE_DELAY", "waiting the fencing delay of PT5S")),
                row("(fence first)", "with no fencing level",
                        () -> StepDriver.of(NO_FENCING, "a", "b").fenceFailover(), answer(StepDriver::success),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-", "a is not confirmed stopped and no fencing"
                                + " level is configured")),
                // ---------------------------------------------------------------- the queue
                row("(queue)", "a confirmed STOPPED, c still queued",
                        () -> {
                            StepDriver d = StepDriver.abc();
                            d.services.put(A, RunState.UNKNOWN);
                            d.services.put(StepDriver.C, RunState.UNKNOWN);
                            return d.started().atStage(Stage.CONFIRM_AFTER_STOP);
                        },
                        answer(runState(RunState.STOPPED)),
                        expect("StopService(c)", Phase.STARTING, "START->b@SECURE secure [c]/STOP",
                                "a confirmed stopped")),
                // ---------------------------------------------------------------- other plan kinds
                row("(RESTART)", "CONFIRM_AFTER_STOP STOPPED",
                        () -> StepDriver.ab().restart().atStage(Stage.CONFIRM_AFTER_STOP),
                        answer(runState(RunState.STOPPED)),
                        expect("CheckReplica(a)", Phase.RESTARTING, "RESTART->a@CHECK_REPLICA", "a confirmed stopped")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("(RELINQUISH)", "the lease a@e1 is lost while RUNNING", () -> StepDriver.ab().running(),
                        d -> d.feed(new Event.LeaseLost(d.now, A, Epoch.of(1), "session expired")),
                        expect("Notify(LEASE_LOST a), Unroute(a)", Phase.RELINQUISHING,
                                "RELINQUISH->a@SECURE secure [a]/UNROUTE", "stopping the service on a so that no"
                                        + " node acts without the lease")),
                row("(RELINQUISH)", "CONFIRM_AFTER_STOP STOPPED",
                        () -> StepDriver.ab().running()
                                .with(d -> d.feed(new Event.LeaseLost(d.now, A, Epoch.of(1), "session expired")))
                                .atStage(Stage.CONFIRM_AFTER_STOP),
                        answer(runState(RunState.STOPPED)),
                        expect("Demote(a e1)", Phase.RELINQUISHING, "RELINQUISH->a@DEMOTE_OLD",
                                "a confirmed stopped")),
                row("(RELINQUISH)", "DEMOTE_OLD OK",
                        () -> StepDriver.ab().running()
                                .with(d -> d.feed(new Event.LeaseLost(d.now, A, Epoch.of(1), "session expired")))
                                .at(Plan.Step.DEMOTE_OLD),
                        answer(op(OpResult.ok())),
                        expect("Observe", Phase.RECONCILING, "-", "service stopped after the lease was lost")),
                row("(SECURE_STRAY)", "a standby check finds b RUNNING",
                        () -> StepDriver.ab().running().with(d -> d.fire(Timer.STANDBY_CHECK)),
                        d -> d.answer(d.outstanding(Command.ConfirmStopped.class, B), runState(RunState.RUNNING)),
                        expect("Notify(STRAY_SERVICE b), StopService(b)", Phase.SECURING,
                                "SECURE_STRAY->a@SECURE secure [b]/STOP",
                                "the service runs on b, which should be a standby: a finding")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("(SECURE_STRAY)", "DEMOTE_OLD b OK",
                        () -> StepDriver.ab().running().with(d -> {
                            d.fire(Timer.STANDBY_CHECK);
                            d.answer(d.outstanding(Command.ConfirmStopped.class, B), runState(RunState.RUNNING));
                            // The standby check's replica reading, or the demotion of b would wait for it.
                            d.answer(d.outstanding(Command.CheckReplica.class, B), StepDriver::success);
                        }).at(Plan.Step.DEMOTE_OLD),
                        answer(op(OpResult.ok())),
                        expect("ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)", Phase.RUNNING, "-",
                                "replicas on b demoted",
                                "made sure the service runs only on a again")
                                .and(s -> assertThat(s.mightRun()).isEmpty())),
                // ---------------------------------------------------------------- one command per node and kind
                row("(one at a time)", "STOP waits for a's start; the start answers",
                        () -> {
                            StepDriver d = StepDriver.ab().started().at(Plan.Step.START);
                            d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO));
                            d.feed(new Event.MaintenanceRequested(d.now, false, Duration.ZERO));
                            d.ok(); // the observation: a's start is outstanding, so a might run: secure it
                            assertThat(d.last.commands()).isEmpty();
                            assertThat(d.last.reason()).contains("waiting for StartService#")
                                    .contains("one command at a time per node and kind");
                            return d;
                        },
                        d -> d.answer(d.outstanding(Command.StartService.class, A), op(OpResult.ok())),
                        expect("StopService(a)", Phase.STARTING, "START->b@SECURE secure [a]/STOP",
                                "StartService #", "answered after its plan was abandoned",
                                "a might be running the service")));
    }

    /**
     * When an answer starts a plan whose first command must wait (here: the observation after maintenance starts
     * b and must stop a while a's start is outstanding), the engine tries the command twice in the same
     * {@code apply}: once in the plan's {@code run()} and again in {@code onAnswer}'s "resume after a wait"
     * ({@code m.waiting && pendingId == 0}), which cannot succeed because nothing was answered in between. The
     * reason then says "waiting for StartService#5 ..." twice and two command ids (10 and 11) are used up without
     * a command. Harmless for safety, but the reason of the decision reads doubled (the golden transcript
     * {@code maintenance_while_start_outstanding} shows it as it is today).
     */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Disabled("bug: a wait that starts within an answer is retried at once in onAnswer: the"
            + " 'waiting for ... one command at a time' clause appears twice in the reason and two command ids are"
            + " burnt")
    void aWaitStartedByAnAnswerIsReportedOnce() {
        StepDriver d = StepDriver.ab().started().at(Plan.Step.START);
        d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO));
        d.feed(new Event.MaintenanceRequested(d.now, false, Duration.ZERO));
        long before = d.state.nextCommandId();
        Transition t = d.ok();
        assertThat(t.commands()).isEmpty();
        assertThat(t.reason().split("waiting for StartService#", -1)).as(t.reason()).hasSize(2);
        assertThat(t.state().nextCommandId()).isEqualTo(before + 1);
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String stage, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
