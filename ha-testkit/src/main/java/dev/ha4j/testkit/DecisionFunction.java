package dev.ha4j.testkit;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import java.util.Objects;

/**
 * The decision function under test: (state, event) to transition. Normally the real
 * {@link FailoverEngine}; a test may wrap it to rewrite inputs or outputs (see {@link PlantedBugs}), or supply
 * its own. The simulator only ever calls it from one thread per run.
 *
 * <p>Implementations must be deterministic: the same state and event give the same transition.
 */
public interface DecisionFunction {
    /** @return the state before the manager has started */
    ClusterState initialState();

    /**
     * @param state the current state
     * @param event the event
     * @return the decision
     */
    Transition apply(ClusterState state, Event event);

    /**
     * @param engine an engine
     * @return the engine as a decision function
     * @throws NullPointerException if {@code engine} is null
     */
    static DecisionFunction of(FailoverEngine engine) {
        Objects.requireNonNull(engine, "engine");
        return new DecisionFunction() {
            @Override
            public ClusterState initialState() {
                return engine.initialState();
            }

            @Override
            public Transition apply(ClusterState state, Event event) {
                return engine.apply(state, event);
            }

            @Override
            public String toString() {
                return "FailoverEngine";
            }
        };
    }

    /** Makes the decision function for a configuration; the default makes the real engine. */
    @FunctionalInterface
    interface Factory {
        /** The real engine. */
        Factory ENGINE = config -> of(new FailoverEngine(config));

        /**
         * @param config the configuration of the run
         * @return a decision function for it
         */
        DecisionFunction create(ClusterConfig config);
    }
}
