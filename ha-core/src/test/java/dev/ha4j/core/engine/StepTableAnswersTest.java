package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.C;
import static dev.ha4j.core.engine.StepDriver.grant;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.replicaOf;
import static dev.ha4j.core.engine.StepDriver.runState;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.engine.Plan.Step;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every step does with an answer that is not the one it waits for, one case per row, on {@code apply}
 * directly: an answer must match an outstanding command by id, type and node, or it changes nothing; an answer
 * to a command whose plan was abandoned is not dropped, it updates what the engine knows of the node.
 *
 * <pre>
 * step                 answer                                   engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * ACQUIRE_LEASE(b)     a StateObserved for the AcquireLease     ignored (wrong type), still waiting             1
 * PRECHECK_REPLICA(b)  a replica reading about c                ignored (wrong node), still waiting             2
 * PRECHECK_REPLICA(b)  an answer to no outstanding command      ignored                                         3
 * DEMOTE_OLD(a)        the AcquireLease answered a second time  ignored (answered already)                      4
 * (RUNNING)            a replaced probe timer fires             ignored                                         5
 * (maintenance)        the abandoned plan's lease grant         not used; its epoch is never reused             6
 *                      the abandoned plan's start answers OK    b might run (stray)                             7
 * </pre>
 */
class StepTableAnswersTest {

    /** A FAILOVER a->b abandoned by maintenance while {@code step}'s command was outstanding. */
    static StepDriver abandonedAt(Step step) {
        StepDriver d = StepDriver.ab().failover().at(step);
        d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO));
        assertThat(d.state.plan()).isEmpty();
        return d;
    }

    static Stream<Arguments> rows() {
        long[] leaseId = new long[1];
        return Stream.of(
                row("ACQUIRE_LEASE(b)", "a StateObserved for the AcquireLease",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE), answer(runState(RunState.STOPPED)),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@ACQUIRE_LEASE", "ignored StateObserved",
                                "it does not answer AcquireLease#", "(wrong type or node); still waiting")),
                row("PRECHECK_REPLICA(b)", "a replica reading about c", () -> StepDriver.abc().failover(),
                        answer(replicaOf(C)),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE",
                                "ignored ReplicaObserved", "(wrong type or node)")),
                row("PRECHECK_REPLICA(b)", "an answer to no outstanding command", () -> StepDriver.ab().failover(),
                        d -> d.feed(new Event.ActionCompleted(d.now, 999, OpResult.ok())),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@PRECHECK_REPLICA secure [a]/UNROUTE",
                                "ignored ActionCompleted for command 999: no such command is outstanding")),
                row("DEMOTE_OLD(a)", "the AcquireLease answered a second time",
                        () -> StepDriver.ab().failover().at(Step.ACQUIRE_LEASE)
                                .with(d -> leaseId[0] = d.pending().id()).at(Step.DEMOTE_OLD),
                        d -> d.feed(new Event.LeaseAcquired(d.now, leaseId[0],
                                dev.ha4j.core.LeaseResult.granted(new dev.ha4j.core.Lease(B, Epoch.of(2))))),
                        expect("", Phase.FAILING_OVER, "FAILOVER->b@DEMOTE_OLD", "ignored LeaseAcquired",
                                "no such command is outstanding (answered already")),
                row("(RUNNING)", "a replaced probe timer fires", () -> StepDriver.ab().running(),
                        d -> d.feed(new Event.TimerFired(d.now, 1, Timer.PROBE)),
                        expect("", Phase.RUNNING, "-", "ignored a replaced probe timer")),
                row("(maintenance)", "the abandoned plan's lease grant", () -> abandonedAt(Step.ACQUIRE_LEASE),
                        d -> d.answer(d.outstanding(Command.AcquireLease.class, B), grant(B, 2)),
                        expect("", Phase.RECONCILING, "-", "AcquireLease #", "answered after its plan was abandoned",
                                "b@e2 is not used; no later lease may reuse its epoch")
                                .and(s -> assertThat(s.highestEpoch()).isEqualTo(Epoch.of(2)))
                                .and(s -> assertThat(s.lease().orElseThrow().holder()).isEqualTo(A))),
                row("(maintenance)", "the abandoned plan's start answers OK", () -> abandonedAt(Step.START),
                        d -> d.answer(d.outstanding(Command.StartService.class, B), op(OpResult.ok())),
                        expect("", Phase.RECONCILING, "-", "StartService #", "answered after its plan was abandoned",
                                "b might be running the service; it must be confirmed stopped or fenced")
                                .and(s -> assertThat(s.mightRun()).containsExactly(B))));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String step, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
