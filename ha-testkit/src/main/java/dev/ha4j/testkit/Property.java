package dev.ha4j.testkit;

import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.testkit.sim.SimulatedWorld;
import java.time.Duration;

/**
 * A user's own property over every decision of a simulated run, checked after each engine step alongside
 * the built-in invariants. Return {@code null} when it holds, or a sentence saying what is wrong; the run then
 * fails with rule {@code property:NAME}, is shrunk and replayed like any other violation.
 *
 * <pre>{@code
 * Property noFailoverOnCrash = step -> step.startedFailover() && step.before().lastFailure().isEmpty()
 *         ? "failover without a failure" : null;
 * }</pre>
 *
 * <p>Implementations must be stateless or keep per-run state only in what {@link Step} offers: the simulator
 * may check many runs at once from several threads.
 */
@FunctionalInterface
public interface Property {
    /**
     * @param step one decision and the world right after it
     * @return null when the property holds, else what is wrong
     */
    String check(Step step);

    /**
     * One decision of the engine in a simulated run.
     *
     * @param at when, from the start of the run
     * @param before the state the event was applied to
     * @param event the event as the world produced it
     * @param transition the decision
     * @param world the simulated world right after the decision's commands were started
     */
    record Step(Duration at, ClusterState before, Event event, Transition transition, SimulatedWorld world) {
        /** @return whether this decision started a failover */
        public boolean startedFailover() {
            return transition.state().phase() == dev.ha4j.core.engine.Phase.FAILING_OVER
                    && before.phase() != dev.ha4j.core.engine.Phase.FAILING_OVER;
        }

        /** @return whether this decision started a restart in place */
        public boolean startedRestart() {
            return transition.state().phase() == dev.ha4j.core.engine.Phase.RESTARTING
                    && before.phase() != dev.ha4j.core.engine.Phase.RESTARTING;
        }
    }
}
