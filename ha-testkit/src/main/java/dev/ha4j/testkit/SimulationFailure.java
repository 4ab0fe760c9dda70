package dev.ha4j.testkit;

import java.util.Objects;

/**
 * Thrown by {@link Simulation#check()} when a schedule breaks an invariant: the message names the rule, the
 * seed, the command that replays it, the shrunk schedule as JSON and the timeline of the shrunk run.
 * An {@link AssertionError}, so every test framework reports it as a test failure.
 */
public final class SimulationFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The failing run, before shrinking. */
    private final transient RunResult original;
    /** The shrunk run, replayed with its timeline. */
    private final transient RunResult shrunk;

    /**
     * @param message the full report
     * @param original the failing run
     * @param shrunk the shrunk run
     */
    SimulationFailure(String message, RunResult original, RunResult shrunk) {
        super(message);
        this.original = Objects.requireNonNull(original, "original");
        this.shrunk = Objects.requireNonNull(shrunk, "shrunk");
    }

    /** @return the failing run as found */
    public RunResult original() {
        return original;
    }

    /** @return the shrunk run, with its timeline */
    public RunResult shrunk() {
        return shrunk;
    }

    /** @return the seed of the failing schedule */
    public long seed() {
        return original.schedule().seed();
    }
}
