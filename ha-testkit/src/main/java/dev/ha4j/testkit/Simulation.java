package dev.ha4j.testkit;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.sim.EngineSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A property check of a failover policy by deterministic simulation: many fault schedules, each generated
 * from its own seed, each run through the engine-level simulator against the policy's engine, every decision
 * checked against the eight invariants, liveness and the user's {@link Property properties}. The first failing
 * schedule is shrunk, replayed with its timeline and reported with its seed and the command to replay it.
 *
 * <pre>{@code
 * Simulation.builder(config).schedules(1_000).check();
 * }</pre>
 *
 * <p>System properties: {@code ha4j.schedules} overrides the number of schedules, {@code ha4j.seed} runs only
 * the schedule of that seed, {@code ha4j.schedule} replays a schedule saved as JSON (a file path) and
 * {@code ha4j.baseSeed} moves the seeds. Schedule {@code i} has seed {@code baseSeed + i}. Nothing here
 * depends on a property-testing library: {@link #runSeed} and {@link #replay} can be driven from any.
 *
 * <p>Thread-safe: a simulation holds only configuration; {@link #run()} uses its own worker threads.
 */
public final class Simulation {
    /** The default base seed. */
    public static final long DEFAULT_BASE_SEED = 20_260_101L;

    private final Function<Long, ClusterConfig> configs;
    private final String configText;
    private final DecisionFunction.Factory decisions;
    private final FaultSchedule.Shape shape;
    private final int schedules;
    private final long baseSeed;
    private final int minEvents;
    private final int threads;
    private final int maxShrinkRuns;
    private final String replayCommand;
    private final List<String> propertyNames;
    private final List<Property> properties;
    private final boolean strictMaintenance;
    private final boolean safetyMonitor;
    private final boolean rebootDemotes;
    private final boolean strictLiveness;
    private final EngineSimulator fixed;
    private final Path failureDir;

    private Simulation(Builder b) {
        this.configs = b.configs;
        this.configText = b.configText;
        this.decisions = b.decisions;
        this.shape = b.shape;
        this.schedules = Integer.getInteger("ha4j.schedules", b.schedules);
        this.baseSeed = Long.getLong("ha4j.baseSeed", b.baseSeed);
        this.minEvents = b.minEvents;
        this.threads = b.threads;
        this.maxShrinkRuns = b.maxShrinkRuns;
        this.replayCommand = b.replayCommand;
        this.propertyNames = List.copyOf(b.propertyNames);
        this.properties = List.copyOf(b.properties);
        this.strictMaintenance = b.strictMaintenance;
        this.safetyMonitor = b.safetyMonitor;
        this.rebootDemotes = b.rebootDemotes;
        this.strictLiveness = b.strictLiveness;
        this.failureDir = b.failureDir;
        this.fixed = b.config == null ? null : simulator(b.config);
    }

    /**
     * @param config the cluster configuration whose policy is checked
     * @return a builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(ClusterConfig config) {
        Builder b = new Builder();
        b.config = Objects.requireNonNull(config, "config");
        b.configs = s -> config;
        b.configText = config.toString();
        return b;
    }

    /**
     * @param configs makes each schedule's configuration from a random generator seeded by the schedule's
     *     seed, to check many policies at once
     * @return a builder
     * @throws NullPointerException if {@code configs} is null
     */
    public static Builder builder(Function<Random, ClusterConfig> configs) {
        Objects.requireNonNull(configs, "configs");
        Builder b = new Builder();
        b.configs = seed -> configs.apply(new Random(seed * 0x5DEECE66DL + 11));
        b.configText = "a random configuration per seed";
        return b;
    }

    private EngineSimulator simulator(ClusterConfig config) {
        EngineSimulator.Builder b = EngineSimulator.builder(config).decisions(decisions).minEvents(minEvents)
                .strictMaintenance(strictMaintenance).safetyMonitor(safetyMonitor).rebootDemotes(rebootDemotes)
                .strictLiveness(strictLiveness);
        for (int i = 0; i < properties.size(); i++) {
            b.property(propertyNames.get(i), properties.get(i));
        }
        return b.build();
    }

    private EngineSimulator simulatorFor(long seed) {
        return fixed != null ? fixed : simulator(configs.apply(seed));
    }

    /**
     * @param seed a schedule seed
     * @return the configuration that schedule runs with
     */
    public ClusterConfig configFor(long seed) {
        return configs.apply(seed);
    }

    /**
     * @param seed a schedule seed
     * @return the schedule generated from it
     */
    public FaultSchedule generate(long seed) {
        return FaultSchedule.generate(seed, configFor(seed).nodes().stream().map(n -> n.name()).toList(), shape);
    }

    /**
     * Runs the schedule generated from {@code seed}.
     *
     * @param seed the seed
     * @param record whether to record the timeline
     * @return the result
     */
    public RunResult runSeed(long seed, boolean record) {
        return simulatorFor(seed).run(generate(seed), record);
    }

    /**
     * Replays a schedule (for example one saved by a failing run) with the configuration of its seed.
     *
     * @param schedule the schedule
     * @param record whether to record the timeline
     * @return the result
     */
    public RunResult replay(FaultSchedule schedule, boolean record) {
        return simulatorFor(schedule.seed()).run(schedule, record);
    }

    /**
     * What a whole check did.
     *
     * @param schedules schedules run
     * @param events engine events fed in all
     * @param fewestEvents the fewest events of one run
     * @param fewestEventsSeed the seed of that run
     * @param elapsed wall-clock time
     * @param virtualTime virtual time simulated in all
     * @param failure the first failing run (lowest seed), if any
     */
    public record Report(long schedules, long events, long fewestEvents, long fewestEventsSeed, Duration elapsed, Duration virtualTime,
            java.util.Optional<RunResult> failure) {
        @Override
        public String toString() {
            double s = Math.max(1, elapsed.toMillis()) / 1000.0;
            return String.format("%d schedules, %d events (fewest per run %d, seed %d), %.1f s wall, %.0f schedules/s,"
                    + " %.0f events/s, %.1f h simulated%s", schedules, events, fewestEvents, fewestEventsSeed, s,
                    schedules / s,
                    events / s, virtualTime.toMillis() / 3_600_000.0,
                    failure.map(f -> ", FAILED at seed " + f.schedule().seed()).orElse(""));
        }
    }

    /**
     * Runs every schedule (or the one named by {@code ha4j.seed} / {@code ha4j.schedule}) and reports; never
     * throws for a broken invariant.
     *
     * @return the report
     */
    public Report run() {
        long t0 = System.nanoTime();
        String only = System.getProperty("ha4j.seed");
        String file = System.getProperty("ha4j.schedule");
        if (file != null && !file.isBlank()) {
            RunResult r = replay(FaultSchedule.load(Path.of(file.trim())), false);
            return new Report(1, r.events(), r.events(), r.schedule().seed(), Duration.ofNanos(System.nanoTime() - t0), r.virtualTime(),
                    r.failed() ? java.util.Optional.of(r) : java.util.Optional.empty());
        }
        if (only != null && !only.isBlank()) {
            RunResult r = runSeed(Long.parseLong(only.trim()), false);
            return new Report(1, r.events(), r.events(), r.schedule().seed(), Duration.ofNanos(System.nanoTime() - t0), r.virtualTime(),
                    r.failed() ? java.util.Optional.of(r) : java.util.Optional.empty());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger firstFailure = new AtomicInteger(Integer.MAX_VALUE);
        AtomicLong events = new AtomicLong();
        AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
        AtomicLong fewestSeed = new AtomicLong();
        AtomicLong virtualMs = new AtomicLong();
        AtomicLong done = new AtomicLong();
        RunResult[] failures = new RunResult[1];
        Runnable worker = () -> {
            while (true) {
                int i = next.getAndIncrement();
                if (i >= schedules || i > firstFailure.get()) {
                    return;
                }
                RunResult r = runSeed(baseSeed + i, false);
                events.addAndGet(r.events());
                synchronized (fewest) {
                    if (r.events() < fewest.get()) {
                        fewest.set(r.events());
                        fewestSeed.set(baseSeed + i);
                    }
                }
                virtualMs.addAndGet(r.virtualTime().toMillis());
                done.incrementAndGet();
                if (r.failed()) {
                    synchronized (failures) {
                        if (i < firstFailure.get()) {
                            firstFailure.set(i);
                            failures[0] = r;
                        }
                    }
                }
            }
        };
        int n = Math.max(1, Math.min(threads, schedules));
        if (n == 1) {
            worker.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "ha4j-simulation");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    fs.add(pool.submit(worker));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a simulation worker failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        return new Report(done.get(), events.get(), fewest.get() == Long.MAX_VALUE ? 0 : fewest.get(), fewestSeed.get(),
                Duration.ofNanos(System.nanoTime() - t0), Duration.ofMillis(virtualMs.get()),
                java.util.Optional.ofNullable(failures[0]));
    }

    /**
     * Runs like {@link #run()} and throws for the first failing schedule, shrunk and explained.
     *
     * @return the report when every schedule passed
     * @throws SimulationFailure if a schedule broke an invariant
     */
    public Report check() {
        Report report = run();
        if (report.failure().isPresent()) {
            throw explain(report.failure().get(), report.schedules());
        }
        return report;
    }

    /**
     * Shrinks a failing run and builds the failure report.
     *
     * @param failing a failing run
     * @param schedulesRun how many schedules had been run when it was found
     * @return the failure, ready to throw
     */
    public SimulationFailure explain(RunResult failing, long schedulesRun) {
        Violation v = failing.firstViolation().orElseThrow(() -> new IllegalArgumentException("the run did not fail"));
        String rule = v.rule();
        Shrinker.Result s = Shrinker.shrink(failing.schedule(), c -> {
            RunResult r = replay(c, false);
            return r.failed() && r.firstViolation().get().rule().equals(rule);
        }, maxShrinkRuns);
        RunResult shrunk = replay(s.schedule(), true);
        long seed = failing.schedule().seed();
        StringBuilder b = new StringBuilder();
        b.append("ha4j simulation: invariant ").append(rule).append(" broken (after ").append(schedulesRun)
                .append(" schedule(s))\n  ").append(v).append("\n  seed ").append(seed).append(", configuration: ")
                .append(fixed != null ? configText : configFor(seed).toString()).append("\n  replay: ")
                .append(replayCommand.isEmpty() ? "" : replayCommand + " ").append("-Dha4j.seed=").append(seed);
        Path saved = save(s.schedule());
        if (saved != null) {
            b.append("\n  replay the shrunk schedule: ").append(replayCommand.isEmpty() ? "" : replayCommand + " ")
                    .append("-Dha4j.schedule=").append(saved);
        }
        b.append("\n  shrunk from ").append(s.originalFaults()).append(" to ").append(s.schedule().faults().size())
                .append(" fault(s) in ").append(s.runs()).append(" run(s):\n  ").append(s.schedule().toJson())
                .append("\n  ").append(s.schedule().toString().replace("\n", "\n  "))
                .append("\n  shrunk run: ").append(shrunk.firstViolation().map(Violation::toString).orElse("no violation"))
                .append("\n  timeline of the shrunk run (last 60 lines):\n")
                .append(shrunk.timeline().map(t -> t.render(60)).orElse(""));
        return new SimulationFailure(b.toString(), failing, shrunk);
    }

    private Path save(FaultSchedule schedule) {
        if (failureDir == null) {
            return null;
        }
        try {
            Files.createDirectories(failureDir);
            Path p = failureDir.resolve("schedule-" + schedule.seed() + ".json").toAbsolutePath();
            schedule.save(p);
            return p;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Builds a {@link Simulation}. Not thread-safe. */
    public static final class Builder {
        private ClusterConfig config;
        private Function<Long, ClusterConfig> configs;
        private String configText = "";
        private DecisionFunction.Factory decisions = DecisionFunction.Factory.ENGINE;
        private FaultSchedule.Shape shape = FaultSchedule.Shape.ofDefaults();
        private int schedules = 1_000;
        private long baseSeed = DEFAULT_BASE_SEED;
        private int minEvents = 50;
        private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private int maxShrinkRuns = 400;
        private String replayCommand = "";
        private final List<String> propertyNames = new ArrayList<>();
        private final List<Property> properties = new ArrayList<>();
        private boolean strictMaintenance = true;
        private boolean safetyMonitor = true;
        private boolean rebootDemotes = true;
        private boolean strictLiveness = true;
        private Path failureDir = Path.of(System.getProperty("ha4j.failureDir", "target/ha4j-failures"));

        private Builder() {
        }

        /**
         * Sets what makes the decision function under test (default: the real engine).
         *
         * @param f makes the decision function under test (default: the real engine)
         * @return this builder
         */
        public Builder decisions(DecisionFunction.Factory f) {
            this.decisions = Objects.requireNonNull(f, "decisions");
            return this;
        }

        /**
         * Sets how schedules are generated.
         *
         * @param s how schedules are generated
         * @return this builder
         */
        public Builder shape(FaultSchedule.Shape s) {
            this.shape = Objects.requireNonNull(s, "shape");
            return this;
        }

        /**
         * Sets the fault weights.
         *
         * @param w the fault weights
         * @return this builder
         */
        public Builder weights(FaultWeights w) {
            this.shape = shape.withWeights(Objects.requireNonNull(w, "weights"));
            return this;
        }

        /**
         * Sets how many schedules (overridden by {@code -Dha4j.schedules}).
         *
         * @param n how many schedules (overridden by {@code -Dha4j.schedules})
         * @return this builder
         */
        public Builder schedules(int n) {
            this.schedules = n;
            return this;
        }

        /**
         * Sets the seed of schedule 0.
         *
         * @param seed the seed of schedule 0
         * @return this builder
         */
        public Builder baseSeed(long seed) {
            this.baseSeed = seed;
            return this;
        }

        /**
         * Sets the fewest engine events per run (default 50).
         *
         * @param n the fewest engine events per run (default 50)
         * @return this builder
         */
        public Builder minEvents(int n) {
            this.minEvents = n;
            return this;
        }

        /**
         * Sets how many worker threads (default: up to 2).
         *
         * @param n worker threads (default: up to 2)
         * @return this builder
         */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /**
         * Sets the most runs the shrinker may spend (default 400).
         *
         * @param n the most runs the shrinker may spend (default 400)
         * @return this builder
         */
        public Builder maxShrinkRuns(int n) {
            this.maxShrinkRuns = n;
            return this;
        }

        /**
         * @param command the command that reruns this check, printed before {@code -Dha4j.seed=...} in a
         *     failure (the JUnit extension fills it in)
         * @return this builder
         */
        public Builder replayCommand(String command) {
            this.replayCommand = Objects.requireNonNull(command, "command");
            return this;
        }

        /**
         * @param name the property's name in reports
         * @param p a property checked after every decision
         * @return this builder
         */
        public Builder property(String name, Property p) {
            propertyNames.add(Objects.requireNonNull(name, "name"));
            properties.add(Objects.requireNonNull(p, "property"));
            return this;
        }

        /**
         * Sets see {@link EngineSimulator.Builder#strictMaintenance(boolean)}.
         *
         * @param strict see {@link EngineSimulator.Builder#strictMaintenance(boolean)}
         * @return this builder
         */
        public Builder strictMaintenance(boolean strict) {
            this.strictMaintenance = strict;
            return this;
        }

        /**
         * Sets whether to run ha-core's SafetyMonitor too (default true).
         *
         * @param on whether to run ha-core's SafetyMonitor too (default true)
         * @return this builder
         */
        public Builder safetyMonitor(boolean on) {
            this.safetyMonitor = on;
            return this;
        }

        /**
         * Sets see {@link EngineSimulator.Builder#rebootDemotes(boolean)}.
         *
         * @param on see {@link EngineSimulator.Builder#rebootDemotes(boolean)}
         * @return this builder
         */
        public Builder rebootDemotes(boolean on) {
            this.rebootDemotes = on;
            return this;
        }

        /**
         * Sets see {@link EngineSimulator.Builder#strictLiveness(boolean)}.
         *
         * @param strict see {@link EngineSimulator.Builder#strictLiveness(boolean)}
         * @return this builder
         */
        public Builder strictLiveness(boolean strict) {
            this.strictLiveness = strict;
            return this;
        }

        /**
         * Sets where failing schedules are saved as JSON, or null not to save.
         *
         * @param dir where failing schedules are saved as JSON, or null not to save
         * @return this builder
         */
        public Builder failureDir(Path dir) {
            this.failureDir = dir;
            return this;
        }

        /**
         * @return the simulation
         * @throws IllegalArgumentException naming the field if a value is out of range
         */
        public Simulation build() {
            if (schedules < 0) {
                throw new IllegalArgumentException("schedules " + schedules + " is negative");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads " + threads + " must be at least 1");
            }
            if (minEvents < 0 || maxShrinkRuns < 0) {
                throw new IllegalArgumentException("minEvents " + minEvents + " and maxShrinkRuns " + maxShrinkRuns
                        + " must not be negative");
            }
            return new Simulation(this);
        }

        /**
         * Builds and checks.
         *
         * @return the report when every schedule passed
         * @throws SimulationFailure if a schedule broke an invariant
         */
        public Report check() {
            return build().check();
        }
    }
}
