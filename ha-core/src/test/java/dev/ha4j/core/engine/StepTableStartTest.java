package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.A;
import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.grant;
import static dev.ha4j.core.engine.StepDriver.observed;
import static dev.ha4j.core.engine.StepDriver.op;
import static dev.ha4j.core.engine.StepDriver.replica;
import static dev.ha4j.core.engine.StepRow.answer;
import static dev.ha4j.core.engine.StepRow.expect;
import static dev.ha4j.core.engine.StepRow.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.engine.Plan.Step;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-step tables of the plans a manager starts from an observation: START (no service runs) and ADOPT (it
 * runs on exactly one node), one case per row, on {@code apply} directly. The first rows are the observation
 * itself, which chooses the plan, its target and the nodes to make sure out first. START and ADOPT never
 * retarget: a stale replica blocks. Before PROMOTE every plan makes sure out a node that might be running
 * (invariant 9): the last START rows reach that through a Promote of an abandoned plan answered late.
 *
 * <pre>
 * step                 answer                                   engine does                                    row
 * -------------------- ---------------------------------------- ---------------------------------------------- ---
 * (observation)        nothing runs, a and b fresh secondaries  START a: ACQUIRE_LEASE a                        1
 *                      service RUNNING on a                     ADOPT a: ACQUIRE_LEASE a, a active              2
 *                      a UNKNOWN                                START b, SECURE a first (stop)                  3
 *                      RUNNING on a and b                       BLOCK "several nodes"                           4
 *                      PRIMARY on a and b, nothing runs         BLOCK "PRIMARY on several nodes"                5
 *                      both OUTDATED                            BLOCK "no node can take the service"            6
 *                      b PRIMARY/UP_TO_DATE                     START b (a primary is preferred)                7
 *                      b PRIMARY/OUTDATED                       START a, SECURE b first (demoted later)         8
 *                      RUNNING on a, b PRIMARY                  notify stray, ADOPT a, SECURE b first           9
 * ACQUIRE_LEASE(a)     START: granted a@e1                      DEMOTE_OLD skipped: CHECK_REPLICA a             10
 * CHECK_REPLICA(a)     START: OUTDATED                          BLOCK (no retarget)                             11
 *                      START: UP_TO_DATE, nothing secured       OUTDATE_PEER skipped: PROMOTE a                 12
 *                      START: UP_TO_DATE, b secured             OUTDATE_PEER b under e1                         13
 * DEMOTE_OLD(a)        waiting for a's abandoned Promote;
 *                        it answers late (event)                a might run (stray); Demote a sent now          14
 * OUTDATE_PEER(a)      OK, a a stray                            before PROMOTE: SECURE a again (stop)           15
 * ROUTE(a)             START: OK                                RUNNING, notify started, probes, standby chk    16
 * ACQUIRE_LEASE(a)     ADOPT: granted a@e1                      CHECK_REPLICA a                                 17
 * CHECK_REPLICA(a)     ADOPT: OUTDATED                          BLOCK, a left running                           18
 * PROMOTE(a)           ADOPT: OK                                ROUTE a (no START step)                         19
 * ROUTE(a)             ADOPT: OK                                RUNNING, notify "adopted"                       20
 * </pre>
 */
class StepTableStartTest {
    static final ReplicaStatus PRIMARY = new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, "");

    /** Started, the observation still to be answered. */
    static StepDriver observing() {
        StepDriver d = StepDriver.ab();
        d.start();
        return d;
    }

    /** The service found running on a: an ADOPT plan. */
    static StepDriver adopting() {
        StepDriver d = StepDriver.ab();
        d.services.put(A, RunState.RUNNING);
        return d.started();
    }

    /**
     * The START plan on a was abandoned (maintenance) while a's Promote was outstanding; the observation after
     * maintenance starts b, makes sure a is out (stopped and confirmed), takes e2, and waits to demote a until
     * a's Promote has answered (one data command per node at a time).
     */
    static StepDriver waitingForALatePromote() {
        StepDriver d = StepDriver.ab().started().at(Step.PROMOTE);
        d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO));
        d.feed(new Event.MaintenanceRequested(d.now, false, Duration.ZERO));
        d.ok(); // the observation: a shows STOPPED, but its Promote is outstanding: it might run
        d.ok(); // StopService(a)
        d.ok(); // ConfirmStopped(a): STOPPED
        d.ok(); // AcquireLease(b): e2
        assertThat(d.step()).contains(Step.DEMOTE_OLD);
        assertThat(d.state.pendingCommandId()).isZero();
        assertThat(d.last.reason()).contains("waiting for Promote#");
        return d;
    }

    static Stream<Arguments> rows() {
        Supplier<StepDriver> start = () -> StepDriver.ab().started();
        return Stream.of(
                row("(observation)", "nothing runs, a and b fresh", StepTableStartTest::observing,
                        answer(StepDriver::success),
                        expect("AcquireLease(a)", Phase.STARTING, "START->a@ACQUIRE_LEASE",
                                "observed no running service: starting it on a")),
                row("(observation)", "RUNNING on a", StepTableStartTest::observing,
                        answer(observed(A, RunState.RUNNING, PRIMARY)),
                        expect("AcquireLease(a)", Phase.ADOPTING, "ADOPT->a@ACQUIRE_LEASE",
                                "observed the service running on a: adopting it")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("(observation)", "a UNKNOWN", StepTableStartTest::observing,
                        answer(observed(A, RunState.UNKNOWN, ReplicaStatus.unknown("unreachable"))),
                        expect("StopService(a)", Phase.STARTING, "START->b@SECURE secure [a]/STOP",
                                "state unknown on [a]", "starting it on b")),
                row("(observation)", "RUNNING on a and b", StepTableStartTest::observing,
                        answer((d, c) -> {
                            d.services.put(A, RunState.RUNNING);
                            d.services.put(B, RunState.RUNNING);
                            return StepDriver.success(d, c);
                        }),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the service runs on several nodes at once")),
                row("(observation)", "PRIMARY on a and b, nothing runs", StepTableStartTest::observing,
                        answer((d, c) -> {
                            d.replicas.put(A, PRIMARY);
                            d.replicas.put(B, PRIMARY);
                            return StepDriver.success(d, c);
                        }),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the replicas are PRIMARY on several nodes")),
                row("(observation)", "both OUTDATED", StepTableStartTest::observing,
                        answer((d, c) -> {
                            d.replicas.put(A, new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.OUTDATED, ""));
                            d.replicas.put(B, new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.OUTDATED, ""));
                            return StepDriver.success(d, c);
                        }),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "no node can take the service",
                                "a: service STOPPED, replica SECONDARY/OUTDATED")),
                row("(observation)", "b PRIMARY/UP_TO_DATE", StepTableStartTest::observing,
                        answer(observed(B, RunState.STOPPED, PRIMARY)),
                        expect("AcquireLease(b)", Phase.STARTING, "START->b@ACQUIRE_LEASE", "starting it on b")),
                row("(observation)", "b PRIMARY/OUTDATED", StepTableStartTest::observing,
                        answer(observed(B, RunState.STOPPED,
                                new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.OUTDATED, ""))),
                        expect("StopService(b)", Phase.STARTING, "START->a@SECURE secure [b]/STOP",
                                "a primary or unreadable replica on [b]", "starting it on a")),
                row("(observation)", "RUNNING on a, b PRIMARY", StepTableStartTest::observing,
                        answer((d, c) -> {
                            d.services.put(A, RunState.RUNNING);
                            d.replicas.put(A, PRIMARY);
                            d.replicas.put(B, PRIMARY);
                            return StepDriver.success(d, c);
                        }),
                        expect("Notify(STRAY_SERVICE b), StopService(b)", Phase.ADOPTING,
                                "ADOPT->a@SECURE secure [b]/STOP", "replicas are also PRIMARY on [b]")),
                row("ACQUIRE_LEASE(a)", "START: granted a@e1", start, answer(grant(A, 1)),
                        expect("CheckReplica(a)", Phase.STARTING, "START->a@CHECK_REPLICA", "lease granted: a@e1")),
                row("CHECK_REPLICA(a)", "START: OUTDATED", () -> start.get().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(BLOCKED)", Phase.BLOCKED, "-", "the replica on a is SECONDARY/OUTDATED",
                                "promoted only by an operator's force")),
                row("CHECK_REPLICA(a)", "START: UP_TO_DATE, nothing secured", () -> start.get().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("Promote(a e1)", Phase.STARTING, "START->a@PROMOTE", "replica on a is")),
                row("CHECK_REPLICA(a)", "START: UP_TO_DATE, b secured",
                        () -> StepDriver.ab().with(d -> d.replicas.put(B,
                                new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.OUTDATED, ""))).started()
                                .at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.UP_TO_DATE)),
                        expect("OutdatePeer(b e1)", Phase.STARTING, "START->a@OUTDATE_PEER", "replica on a is")),
                row("DEMOTE_OLD(a)", "(event) a's abandoned Promote answers late",
                        StepTableStartTest::waitingForALatePromote,
                        d -> d.answer(d.outstanding(Command.Promote.class, A), op(OpResult.ok())),
                        expect("Demote(a e2)", Phase.STARTING, "START->b@DEMOTE_OLD",
                                "Promote #", "answered after its plan was abandoned",
                                "a might be running the service on a primary replica")
                                .and(s -> assertThat(s.mightRun()).containsExactly(A))),
                row("OUTDATE_PEER(a)", "OK, a a stray",
                        () -> waitingForALatePromote().with(d -> d.answer(d.outstanding(Command.Promote.class, A),
                                op(OpResult.ok()))).at(Step.OUTDATE_PEER),
                        answer(op(OpResult.ok())),
                        expect("StopService(a)", Phase.STARTING, "START->b@SECURE secure [a]/STOP",
                                "before promoting on b: [a] might be running the service",
                                "making sure they are out first")),
                row("ROUTE(a)", "START: OK", () -> start.get().at(Step.ROUTE), answer(op(OpResult.ok())),
                        expect("Notify(SERVICE_STARTED a), ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)",
                                Phase.RUNNING, "-", "requests routed to a", "service runs on a under e1")),
                row("ACQUIRE_LEASE(a)", "ADOPT: granted a@e1", StepTableStartTest::adopting, answer(grant(A, 1)),
                        expect("CheckReplica(a)", Phase.ADOPTING, "ADOPT->a@CHECK_REPLICA", "lease granted: a@e1")),
                row("CHECK_REPLICA(a)", "ADOPT: OUTDATED", () -> adopting().at(Step.CHECK_REPLICA),
                        answer(replica(Consistency.OUTDATED)),
                        expect("Notify(BLOCKED a)", Phase.BLOCKED, "-", "the replica on a is SECONDARY/OUTDATED")
                                .and(s -> assertThat(s.active()).contains(A))),
                row("PROMOTE(a)", "ADOPT: OK", () -> adopting().at(Step.PROMOTE), answer(op(OpResult.ok())),
                        expect("Route(a e1)", Phase.ADOPTING, "ADOPT->a@ROUTE", "replicas promoted on a")),
                row("ROUTE(a)", "ADOPT: OK", () -> adopting().at(Step.ROUTE), answer(op(OpResult.ok())),
                        expect("Notify(SERVICE_STARTED a), ArmTimer(PROBE +5s), ArmTimer(STANDBY_CHECK +60s)",
                                Phase.RUNNING, "-", "service runs on a under e1")
                                .and(s -> assertThat(s.role(B)).isEqualTo(NodeRole.STANDBY))));
    }

    @ParameterizedTest(name = "[{index}] {0} | {1} -> {2}")
    @MethodSource("rows")
    void eachRow(String step, String answer, StepRow.Expect outcome, StepRow row) {
        row.check();
    }
}
