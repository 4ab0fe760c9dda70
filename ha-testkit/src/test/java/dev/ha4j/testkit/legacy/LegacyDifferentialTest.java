package dev.ha4j.testkit.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.testkit.DecisionFunction;
import dev.ha4j.testkit.Simulation;
import dev.ha4j.testkit.engine.RandomConfigs;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The safety net of the engine's restructuring (issue 8): the testkit's simulations drive the engine of today in
 * lockstep with a frozen copy of the engine as it was before ({@link dev.ha4j.testkit.legacy.FailoverEngine} and
 * its state types in this package). Each event goes to both; the first difference in commands, reason text,
 * phase or any other public part of the state fails the schedule (the simulator reports a "crash" with the seed
 * and the replay command), so a restructuring that changes a single decision does not pass.
 *
 * <p>{@code -Dha4j.differential.schedules=N} sets the number of schedules (default 200,000), {@code -Dha4j.seed=S}
 * replays one.
 */
class LegacyDifferentialTest {
    static final int DEFAULT_SCHEDULES = 200_000;

    @Test
    void theEngineDecidesExactlyAsTheFrozenEngineDid() {
        int schedules = Integer.getInteger("ha4j.differential.schedules", DEFAULT_SCHEDULES);
        long t0 = System.nanoTime();
        Simulation.Report r = Simulation.builder(RandomConfigs::random).decisions(Lockstep::new)
                .schedules(schedules).safetyMonitor(false).maxShrinkRuns(50)
                .replayCommand("mvn -pl ha-testkit test -Dtest=LegacyDifferentialTest").check();
        System.out.printf("legacy differential: %s (%.1f s)%n", r, (System.nanoTime() - t0) / 1e9);
        if (System.getProperty("ha4j.seed") == null && System.getProperty("ha4j.schedule") == null
                && System.getProperty("ha4j.schedules") == null) {
            assertThat(r.schedules()).isEqualTo(schedules);
        }
    }

    @Test
    void theLockstepNoticesADifference() {
        // The net must catch something: an engine that words one reason differently is told apart at once.
        Simulation.Report r = Simulation.builder(RandomConfigs::random).decisions(config -> new Lockstep(config) {
            @Override
            Transition current(ClusterState state, Event event) {
                Transition t = super.current(state, event);
                return event instanceof Event.Started ? new Transition(t.state(), t.commands(), t.reason() + ".")
                        : t;
            }
        }).schedules(1).maxShrinkRuns(0).build().run();
        assertThat(r.failure()).isPresent();
        assertThat(r.failure().get().firstViolation().orElseThrow().toString()).contains("legacy engine differs")
                .contains("reason");
    }

    /** A plan by its public parts, the same for both engines' plan types. */
    static String describe(dev.ha4j.testkit.legacy.Plan p) {
        return p.kind() + "->" + p.target() + " at " + p.step().map(Enum::name).orElse("end") + " securing "
                + p.securing().map(Object::toString).orElse("-");
    }

    static String describe(dev.ha4j.core.engine.Plan p) {
        return p.kind() + "->" + p.target() + " at " + p.step().map(Enum::name).orElse("end") + " securing "
                + p.securing().map(Object::toString).orElse("-");
    }

    /** Applies every event to the engine under test and to the frozen one, and fails at the first difference. */
    static class Lockstep implements DecisionFunction {
        final FailoverEngine engine;
        final dev.ha4j.testkit.legacy.FailoverEngine legacy;
        ClusterState lastNew;
        dev.ha4j.testkit.legacy.ClusterState lastLegacy;
        long step;

        Lockstep(ClusterConfig config) {
            this.engine = new FailoverEngine(config);
            this.legacy = new dev.ha4j.testkit.legacy.FailoverEngine(config);
        }

        @Override
        public ClusterState initialState() {
            lastNew = engine.initialState();
            lastLegacy = legacy.initialState();
            compare(lastNew, lastLegacy, "initial state");
            return lastNew;
        }

        Transition current(ClusterState state, Event event) {
            return engine.apply(state, event);
        }

        @Override
        public Transition apply(ClusterState state, Event event) {
            if (state != lastNew) {
                throw new IllegalStateException("lockstep: the simulator applied an event to a state other than the"
                        + " last one returned; the legacy state cannot follow");
            }
            step++;
            Transition t = current(state, event);
            dev.ha4j.testkit.legacy.Transition l = legacy.apply(lastLegacy, event);
            Object where = new Object() {
                @Override
                public String toString() {
                    return "step " + step + ", event " + event;
                }
            };
            if (!t.commands().equals(l.commands())) {
                fail(where, "commands", l.commands(), t.commands());
            }
            if (!t.reason().equals(l.reason())) {
                fail(where, "reason", l.reason(), t.reason());
            }
            compare(t.state(), l.state(), where);
            lastNew = t.state();
            lastLegacy = l.state();
            return t;
        }

        private static void compare(ClusterState n, dev.ha4j.testkit.legacy.ClusterState l, Object where) {
            check(where, "phase", l.phase(), n.phase());
            check(where, "active", l.active(), n.active());
            check(where, "lease", l.lease(), n.lease());
            check(where, "highestEpoch", l.highestEpoch(), n.highestEpoch());
            check(where, "roles", l.roles(), n.roles());
            check(where, "maintenanceUntil", l.maintenanceUntil(), n.maintenanceUntil());
            check(where, "failuresInRow", l.failuresInRow(), n.failuresInRow());
            check(where, "lastFailure", l.lastFailure(), n.lastFailure());
            check(where, "restarts", l.restarts(), n.restarts());
            check(where, "graceDeadline", l.graceDeadline(), n.graceDeadline());
            check(where, "blockedReason", l.blockedReason(), n.blockedReason());
            check(where, "forcePromote", l.forcePromote(), n.forcePromote());
            check(where, "forceUntil", l.forceUntil(), n.forceUntil());
            check(where, "lastVerdict", l.lastVerdict(), n.lastVerdict());
            check(where, "lastVerdictAt", l.lastVerdictAt(), n.lastVerdictAt());
            check(where, "nextCommandId", l.nextCommandId(), n.nextCommandId());
            if (!List.copyOf(l.mightRun()).equals(List.copyOf(n.mightRun()))) {
                fail(where, "mightRun (in order)", l.mightRun(), n.mightRun());
            }
            check(where, "lostEpoch", l.lostEpoch(), n.lostEpoch());
            check(where, "unusableStandbys", l.unusableStandbys(), n.unusableStandbys());
            check(where, "failovers", l.failovers(), n.failovers());
            check(where, "exhausted", l.exhausted(), n.exhausted());
            boolean same = l.outstanding().size() == n.outstanding().size();
            for (int i = 0; same && i < n.outstanding().size(); i++) {
                same = l.outstanding().get(i).command().equals(n.outstanding().get(i).command())
                        && l.outstanding().get(i).sentAt().equals(n.outstanding().get(i).sentAt());
            }
            if (!same) {
                fail(where, "outstanding", l.outstanding(), n.outstanding());
            }
            dev.ha4j.testkit.legacy.Plan lp = l.plan().orElse(null);
            dev.ha4j.core.engine.Plan np = n.plan().orElse(null);
            if ((lp == null) != (np == null) || lp != null && (!lp.kind().name().equals(np.kind().name())
                    || !lp.target().equals(np.target()) || !lp.step().map(Enum::name).equals(np.step().map(Enum::name))
                    || !lp.securing().equals(np.securing()))) {
                fail(where, "plan", lp == null ? null : describe(lp), np == null ? null : describe(np));
            }
        }

        private static void check(Object where, String what, Object legacy, Object now) {
            if (!Objects.equals(legacy, now)) {
                fail(where, what, legacy, now);
            }
        }

        private static void fail(Object where, String what, Object legacy, Object now) {
            throw new IllegalStateException("legacy engine differs in " + what + " at " + where + ":\n    legacy: "
                    + legacy + "\n    now:    " + now);
        }
    }
}
