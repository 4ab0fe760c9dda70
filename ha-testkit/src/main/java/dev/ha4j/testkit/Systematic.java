package dev.ha4j.testkit;

import dev.ha4j.core.config.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Systematic mode, besides random schedules: one base run (start, a crash cured by a restart in place, a second
 * crash that fails over to the standby, the same on the standby, and the failover back), then one disruption
 * inserted at every position of it, and every ordered pair of disruptions at small gaps. The disruptions are
 * the fault class that hid two writers (issue 8): operator maintenance on and off, a clear with and without a
 * force, a switchover, a lease lost, a lease lost before its grant arrives, a manager restart, a partial
 * observation (one replicator call overran), an outdate that does not stick, and slow service control. Every
 * run is an ordinary {@link FaultSchedule} checked by the engine-level simulator against every invariant; a
 * failure names its position (or pair), is shrunk, saved and printed with the command that replays it.
 *
 * <pre>{@code
 * Systematic.builder(config).build().check();
 * }</pre>
 *
 * <p>System property {@code ha4j.systematicRun=N} runs only run N. Thread-safe: it holds only configuration.
 */
public final class Systematic {
    private final ClusterConfig config;
    private final DecisionFunction.Factory decisions;
    private final Duration step;
    private final Duration pairStep;
    private final List<Duration> gaps;
    private final long seed;
    private final String replayCommand;
    private final Path failureDir;
    private final String a;
    private final String b;
    private final Base baseRun;
    private final boolean pairs;
    private final java.util.Set<String> stopOnRules;

    /** Which base run the disruptions are inserted into. */
    public enum Base {
        /** Start, restart, failover, restart, failover back, every call answered quickly. */
        PLAIN,
        /**
         * The same, but from +0:40 for 30 s every service-control call on the standby takes 8 s (its replica
         * status overruns meanwhile, so an observation then lacks it), and from +0:40 for 60 s the old active's
         * outdate does not stick (it reconnects and resyncs): the failover's start on the standby is still running
         * when a disruption comes, and a re-observation then shows the standby STOPPED, its replica missing and the
         * old active's replica SECONDARY/UP_TO_DATE. Issue 8's S1 needs exactly this.
         */
        SLOW_STANDBY_START
    }

    private Systematic(Builder bl) {
        this.config = bl.config;
        this.decisions = bl.decisions;
        this.step = bl.step;
        this.pairStep = bl.pairStep;
        this.gaps = List.copyOf(bl.gaps);
        this.seed = bl.seed;
        this.replayCommand = bl.replayCommand;
        this.failureDir = bl.failureDir;
        this.a = config.nodes().get(0).name();
        this.b = config.nodes().get(1).name();
        this.baseRun = bl.baseRun;
        this.pairs = bl.pairs;
        this.stopOnRules = bl.stopOnRules;
    }

    /**
     * @param config a cluster of at least two nodes; the first two play the base run
     * @return a builder
     * @throws IllegalArgumentException if the cluster has fewer than two nodes
     */
    public static Builder builder(ClusterConfig config) {
        if (Objects.requireNonNull(config, "config").nodes().size() < 2) {
            throw new IllegalArgumentException("nodes " + config.nodes() + ": systematic mode needs two nodes");
        }
        Builder bl = new Builder();
        bl.config = config;
        return bl;
    }

    /** @return the base run's faults: restart, failover, restart, failover back (and the {@link Base}'s own) */
    public List<Fault> base() {
        List<Fault> fs = new ArrayList<>(List.of(new Fault.ServiceCrash(Duration.ofSeconds(20), a),
                new Fault.ServiceCrash(Duration.ofSeconds(45), a), new Fault.ServiceCrash(Duration.ofSeconds(90), b),
                new Fault.ServiceCrash(Duration.ofSeconds(115), b)));
        if (baseRun == Base.SLOW_STANDBY_START) {
            fs.add(new Fault.SlowControl(Duration.ofSeconds(40), b, Duration.ofSeconds(8), Duration.ofSeconds(30)));
            fs.add(new Fault.ReplicaQuirk(Duration.ofSeconds(40), a, Fault.ReplicaMode.RECONNECTS, Duration.ofSeconds(60)));
        }
        return List.copyOf(fs);
    }

    /** @return how long the base run lasts */
    public Duration horizon() {
        return Duration.ofSeconds(160);
    }

    /** @return the names of the disruptions, in the order {@link #disruption} takes them */
    public List<String> disruptionNames() {
        return List.of("maintenance on/off", "clear", "clear forcing " + a, "clear forcing " + b,
                "switchover to " + a, "switchover to " + b, "lease lost", "lease lost before its grant",
                "manager restart", "partial observation (" + a + "'s replicator overran)",
                "partial observation (" + b + "'s replicator overran)", "outdate of " + a + " does not stick",
                "outdate of " + b + " does not stick", "slow service control on " + b);
    }

    /**
     * @param i the disruption's index in {@link #disruptionNames()}
     * @param at when
     * @return its faults
     */
    public List<Fault> disruption(int i, Duration at) {
        return switch (i) {
            case 0 -> List.of(new Fault.Maintenance(at, true, Duration.ZERO),
                    new Fault.Maintenance(at.plusMillis(500), false, Duration.ZERO));
            case 1 -> List.of(new Fault.OperatorClear(at, Optional.empty()));
            case 2 -> List.of(new Fault.OperatorClear(at, Optional.of(a)));
            case 3 -> List.of(new Fault.OperatorClear(at, Optional.of(b)));
            case 4 -> List.of(new Fault.Switchover(at, a));
            case 5 -> List.of(new Fault.Switchover(at, b));
            case 6 -> List.of(new Fault.LeaseExpired(at));
            case 7 -> List.of(new Fault.LeaseRace(at, Duration.ofSeconds(3)));
            case 8 -> List.of(new Fault.ManagerCrash(at, Duration.ofSeconds(2)));
            case 9 -> List.of(new Fault.ReplicaQuirk(at, a, Fault.ReplicaMode.UNREADABLE, Duration.ofSeconds(5)));
            case 10 -> List.of(new Fault.ReplicaQuirk(at, b, Fault.ReplicaMode.UNREADABLE, Duration.ofSeconds(5)));
            case 11 -> List.of(new Fault.ReplicaQuirk(at, a, Fault.ReplicaMode.RECONNECTS, Duration.ofSeconds(60)));
            case 12 -> List.of(new Fault.ReplicaQuirk(at, b, Fault.ReplicaMode.RECONNECTS, Duration.ofSeconds(60)));
            case 13 -> List.of(new Fault.SlowControl(at, b, Duration.ofSeconds(8), Duration.ofSeconds(20)));
            default -> throw new IllegalArgumentException("no disruption " + i);
        };
    }

    /** One run of the mode: its number, what it inserts, and the schedule. */
    private record Case(int number, String what, FaultSchedule schedule) {
    }

    private List<Case> cases() {
        List<Case> out = new ArrayList<>();
        int d = disruptionNames().size();
        long end = horizon().toMillis() - 20_000;
        out.add(new Case(0, "the base run alone", schedule(List.of())));
        for (long t = 0; t <= end; t += step.toMillis()) {
            for (int i = 0; i < d; i++) {
                Duration at = Duration.ofMillis(t);
                out.add(new Case(out.size(), disruptionNames().get(i) + " at +" + Timeline.format(at),
                        schedule(disruption(i, at))));
            }
        }
        for (long t = 0; pairs && t <= end; t += pairStep.toMillis()) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    for (Duration gap : gaps) {
                        Duration at = Duration.ofMillis(t);
                        List<Fault> fs = new ArrayList<>(disruption(i, at));
                        fs.addAll(disruption(j, at.plus(gap)));
                        out.add(new Case(out.size(), disruptionNames().get(i) + " at +" + Timeline.format(at) + ", then "
                                + disruptionNames().get(j) + " " + Timeline.format(gap) + " later", schedule(fs)));
                    }
                }
            }
        }
        return out;
    }

    private FaultSchedule schedule(List<Fault> extra) {
        List<Fault> fs = new ArrayList<>(base());
        fs.addAll(extra);
        return new FaultSchedule(seed, horizon(), fs);
    }

    /**
     * What a systematic check did.
     *
     * @param runs runs made
     * @param singles runs with one disruption
     * @param pairs runs with two
     * @param elapsed wall-clock time
     * @param failure the first failure, explained, if any
     */
    public record Report(int runs, int singles, int pairs, Duration elapsed, Optional<SimulationFailure> failure) {
        @Override
        public String toString() {
            return String.format("%d systematic runs (%d single disruptions, %d pairs), %.1f s%s", runs, singles, pairs,
                    elapsed.toMillis() / 1000.0, failure.map(f -> ", FAILED").orElse(""));
        }
    }

    /**
     * Runs every case (or the one named by {@code ha4j.systematicRun}) and stops at the first failure.
     *
     * @return the report
     */
    public Report run() {
        long t0 = System.nanoTime();
        Simulation sim = Simulation.builder(config).decisions(decisions).failureDir(failureDir).threads(1)
                .replayCommand(replayCommand).build();
        List<Case> cases = cases();
        int d = disruptionNames().size();
        int singles = (int) ((horizon().toMillis() - 20_000) / step.toMillis() + 1) * d;
        String only = System.getProperty("ha4j.systematicRun");
        int runs = 0;
        for (Case c : cases) {
            if (only != null && !only.isBlank() && c.number() != Integer.parseInt(only.trim())) {
                continue;
            }
            runs++;
            RunResult r = sim.replay(c.schedule(), false);
            if (r.failed() && (stopOnRules.isEmpty() || stopOnRules.contains(r.firstViolation().get().rule()))) {
                SimulationFailure f = sim.explain(r, runs);
                String msg = "ha4j systematic mode: run " + c.number() + " of " + cases.size() + " failed: " + c.what()
                        + "\n  replay this run: " + (replayCommand.isEmpty() ? "" : replayCommand + " ")
                        + "-Dha4j.systematicRun=" + c.number() + "\n" + f.getMessage();
                return new Report(runs, Math.min(runs, singles + 1), Math.max(0, runs - singles - 1),
                        Duration.ofNanos(System.nanoTime() - t0),
                        Optional.of(new SimulationFailure(msg, f.original(), f.shrunk())));
            }
        }
        return new Report(runs, Math.min(runs, singles + 1), Math.max(0, runs - singles - 1),
                Duration.ofNanos(System.nanoTime() - t0), Optional.empty());
    }

    /**
     * Runs like {@link #run()} and throws the first failure.
     *
     * @return the report when every run passed
     * @throws SimulationFailure naming the position or pair, with its replay recipe
     */
    public Report check() {
        Report r = run();
        if (r.failure().isPresent()) {
            throw r.failure().get();
        }
        return r;
    }

    /** Builds a {@link Systematic} check. Not thread-safe. */
    public static final class Builder {
        private ClusterConfig config;
        private DecisionFunction.Factory decisions = DecisionFunction.Factory.ENGINE;
        private Duration step = Duration.ofSeconds(1);
        private Duration pairStep = Duration.ofSeconds(5);
        private List<Duration> gaps = List.of(Duration.ofMillis(500), Duration.ofSeconds(2));
        private long seed = Simulation.DEFAULT_BASE_SEED;
        private String replayCommand = "";
        private Path failureDir = Path.of(System.getProperty("ha4j.failureDir", "target/ha4j-failures"));
        private Base baseRun = Base.PLAIN;
        private boolean pairs = true;
        private java.util.Set<String> stopOnRules = java.util.Set.of();

        private Builder() {
        }

        /**
         * Sets the rules whose break stops the check (default empty: any); a run whose first violation breaks
         * another rule is passed over. For hunting one defect on an engine known to break others.
         *
         * @param rules the rules ({@code "world-1"}, ...)
         * @return this builder
         */
        public Builder stopOnRules(java.util.Set<String> rules) {
            this.stopOnRules = java.util.Set.copyOf(rules);
            return this;
        }

        /**
         * Sets the base run (default {@link Base#PLAIN}).
         *
         * @param base the base run
         * @return this builder
         */
        public Builder base(Base base) {
            this.baseRun = Objects.requireNonNull(base, "base");
            return this;
        }

        /**
         * Sets whether pairs of disruptions run too (default true); without them only single disruptions run.
         *
         * @param on whether pairs run
         * @return this builder
         */
        public Builder pairs(boolean on) {
            this.pairs = on;
            return this;
        }

        /**
         * Sets what makes the decision function under test (default: the real engine).
         *
         * @param f the factory
         * @return this builder
         */
        public Builder decisions(DecisionFunction.Factory f) {
            this.decisions = Objects.requireNonNull(f, "decisions");
            return this;
        }

        /**
         * Sets the distance between the positions of single disruptions (default 1 s).
         *
         * @param d the distance
         * @return this builder
         */
        public Builder step(Duration d) {
            this.step = Objects.requireNonNull(d, "step");
            return this;
        }

        /**
         * Sets the distance between the positions of pairs (default 5 s).
         *
         * @param d the distance
         * @return this builder
         */
        public Builder pairStep(Duration d) {
            this.pairStep = Objects.requireNonNull(d, "pairStep");
            return this;
        }

        /**
         * Sets the gaps between the two disruptions of a pair (default 0.5 s and 2 s).
         *
         * @param g the gaps
         * @return this builder
         */
        public Builder gaps(List<Duration> g) {
            this.gaps = List.copyOf(g);
            return this;
        }

        /**
         * Sets the seed of every run's own randomness (latencies).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the command printed before {@code -Dha4j.systematicRun=N} in a failure.
         *
         * @param command the command
         * @return this builder
         */
        public Builder replayCommand(String command) {
            this.replayCommand = Objects.requireNonNull(command, "command");
            return this;
        }

        /**
         * Sets where failing schedules are saved, or null not to save.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder failureDir(Path dir) {
            this.failureDir = dir;
            return this;
        }

        /**
         * @return the check
         * @throws IllegalArgumentException if a step or gap is not positive
         */
        public Systematic build() {
            if (step.isNegative() || step.isZero() || pairStep.isNegative() || pairStep.isZero()) {
                throw new IllegalArgumentException("step " + step + " and pairStep " + pairStep + " must be positive");
            }
            return new Systematic(this);
        }
    }
}
