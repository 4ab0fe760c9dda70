package dev.ha4j.testkit.junit;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.Simulation;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

/**
 * What a {@link PolicyProperty} test receives: {@link Simulation} builders preset with the annotation's
 * schedule count, base seed and minimum events, and with the command that reruns this very test.
 *
 * <p>Immutable and thread-safe.
 */
public final class PolicyCheck {
    private final int schedules;
    private final long baseSeed;
    private final int minEvents;
    private final String replayCommand;

    PolicyCheck(int schedules, long baseSeed, int minEvents, String replayCommand) {
        this.schedules = schedules;
        this.baseSeed = baseSeed;
        this.minEvents = minEvents;
        this.replayCommand = replayCommand;
    }

    /**
     * @param config the configuration whose policy is checked
     * @return a preset builder; add properties, weights or a decision function, then {@code check()}
     * @throws NullPointerException if {@code config} is null
     */
    public Simulation.Builder of(ClusterConfig config) {
        return preset(Simulation.builder(Objects.requireNonNull(config, "config")));
    }

    /**
     * @param configs makes one configuration per schedule from a seeded generator
     * @return a preset builder
     * @throws NullPointerException if {@code configs} is null
     */
    public Simulation.Builder ofRandomConfigs(Function<Random, ClusterConfig> configs) {
        return preset(Simulation.builder(configs));
    }

    private Simulation.Builder preset(Simulation.Builder b) {
        return b.schedules(schedules).baseSeed(baseSeed).minEvents(minEvents).replayCommand(replayCommand);
    }

    /** @return the command that reruns this test (add {@code -Dha4j.seed=...}) */
    public String replayCommand() {
        return replayCommand;
    }

    /** @return the schedule count in force */
    public int schedules() {
        return schedules;
    }
}
