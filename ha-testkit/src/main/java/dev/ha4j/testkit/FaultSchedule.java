package dev.ha4j.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.Consistency;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A fault schedule: the faults of one simulated run in time order, the run's seed (every random choice the
 * simulator makes, latencies and lost messages included, derives from it) and the horizon after which the
 * run winds down. Generated from a seed by {@link #generate}, reduced by the {@link Shrinker}, saved and
 * loaded as JSON with {@link #toJson()} and {@link #fromJson(String)}:
 *
 * <pre>{@code
 * {"seed":42,"horizon":"PT3M","faults":[{"type":"PowerLoss","at":"PT40S","node":"n0","duration":"PT0S"},
 *                                       {"type":"Recover","at":"PT3M"}]}
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param seed the seed of the run's own randomness
 * @param horizon the time after which no generated fault happens
 * @param faults the faults, sorted by time (stable)
 */
public record FaultSchedule(long seed, Duration horizon, List<Fault> faults) {
    private static final String[] NO_NODES = new String[0];

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the horizon is negative
     */
    public FaultSchedule {
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative()) {
            throw new IllegalArgumentException("horizon " + horizon + " is negative");
        }
        List<Fault> sorted = new ArrayList<>(Objects.requireNonNull(faults, "faults"));
        sorted.sort(Comparator.comparing(Fault::at));
        faults = List.copyOf(sorted);
    }

    /**
     * @param faults new faults
     * @return a schedule with the same seed and horizon
     */
    public FaultSchedule withFaults(List<Fault> faults) {
        return new FaultSchedule(seed, horizon, faults);
    }

    /** @return the time of the last fault, or zero */
    public Duration lastFaultAt() {
        return faults.isEmpty() ? Duration.ZERO : faults.get(faults.size() - 1).at();
    }

    /**
     * How a schedule is generated: the weights, how many faults, how long the horizon and whether a
     * {@link Fault.Recover} ends it.
     *
     * @param weights the fault weights
     * @param minFaults the fewest faults (before the final recover)
     * @param maxFaults the most faults
     * @param minHorizon the shortest horizon
     * @param maxHorizon the longest horizon
     * @param recover whether to end with a {@link Fault.Recover} at the horizon (enables the recovery check)
     */
    public record Shape(FaultWeights weights, int minFaults, int maxFaults, Duration minHorizon, Duration maxHorizon,
            boolean recover) {
        /**
         * @throws IllegalArgumentException naming the field if a value is out of range
         */
        public Shape {
            Objects.requireNonNull(weights, "weights");
            if (minFaults < 0 || maxFaults < minFaults) {
                throw new IllegalArgumentException("faults " + minFaults + ".." + maxFaults
                        + " is invalid: need 0 <= minFaults <= maxFaults");
            }
            if (minHorizon == null || maxHorizon == null || minHorizon.compareTo(Duration.ofSeconds(1)) < 0
                    || maxHorizon.compareTo(minHorizon) < 0) {
                throw new IllegalArgumentException("horizon " + minHorizon + ".." + maxHorizon
                        + " is invalid: need 1s <= minHorizon <= maxHorizon");
            }
        }

        /** @return 2 to 8 faults over 1 to 4 minutes with the default weights, ending in a recover */
        public static Shape ofDefaults() {
            return new Shape(FaultWeights.ofDefaults(), 2, 8, Duration.ofMinutes(1), Duration.ofMinutes(4), true);
        }

        /**
         * @return like {@link #ofDefaults()} with {@link FaultWeights#ofRuntimeDefaults()}: the shape of the
         *     runtime-level schedules, stalled SPI calls included
         */
        public static Shape ofRuntimeDefaults() {
            return ofDefaults().withWeights(FaultWeights.ofRuntimeDefaults());
        }

        /**
         * The weights.
         *
         * @param w the weights
         * @return a copy with them
         */
        public Shape withWeights(FaultWeights w) {
            return new Shape(w, minFaults, maxFaults, minHorizon, maxHorizon, recover);
        }

        /**
         * Fewest @param max most.
         *
         * @param min fewest @param max most
         * @return a copy with that many faults
         */
        public Shape withFaults(int min, int max) {
            return new Shape(weights, min, max, minHorizon, maxHorizon, recover);
        }

        /**
         * Shortest @param max longest.
         *
         * @param min shortest @param max longest
         * @return a copy with that horizon
         */
        public Shape withHorizon(Duration min, Duration max) {
            return new Shape(weights, minFaults, maxFaults, min, max, recover);
        }

        /**
         * Whether to end with a recover.
         *
         * @param r whether to end with a recover
         * @return a copy
         */
        public Shape withRecover(boolean r) {
            return new Shape(weights, minFaults, maxFaults, minHorizon, maxHorizon, r);
        }
    }

    /**
     * Generates a schedule from a seed: the same seed, nodes and shape always give the same schedule.
     *
     * @param seed the seed
     * @param nodes the cluster's node names
     * @param shape how to generate
     * @return the schedule
     * @throws IllegalArgumentException if there is no node
     */
    public static FaultSchedule generate(long seed, List<String> nodes, Shape shape) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes is empty");
        }
        Random r = new Random(seed);
        long horizonMs = between(r, shape.minHorizon().toMillis(), shape.maxHorizon().toMillis());
        int n = shape.minFaults() + r.nextInt(shape.maxFaults() - shape.minFaults() + 1);
        String[] ns = nodes.toArray(NO_NODES);
        List<Fault> faults = new ArrayList<>(n + 1);
        FaultWeights w = shape.weights();
        for (int i = 0; i < n; i++) {
            Duration at = Duration.ofMillis(r.nextInt((int) Math.min(Integer.MAX_VALUE, horizonMs)) / 100 * 100L);
            Fault f = draw(r, w.pick(r.nextInt(w.total())), at, ns, horizonMs);
            faults.add(f);
            if ((f instanceof Fault.Stall || f instanceof Fault.SlowControl) && r.nextBoolean()) {
                // The fault class that hid two writers: a disruption while a call is still outstanding.
                faults.addAll(whileOutstanding(r, at, ns));
            }
        }
        if (shape.recover()) {
            faults.add(new Fault.Recover(Duration.ofMillis(horizonMs)));
        }
        return new FaultSchedule(seed, Duration.ofMillis(horizonMs), faults);
    }

    /**
     * What happens to a plan while one of its calls is still running: an operator toggling maintenance, a lease
     * lost, the manager restarting, an operator's clear or switchover, a little after the call began.
     */
    private static List<Fault> whileOutstanding(Random r, Duration callBegan, String[] ns) {
        Duration at = callBegan.plusMillis(100 + r.nextInt(30) * 100L);
        String node = ns[r.nextInt(ns.length)];
        return switch (r.nextInt(7)) {
            case 0, 1 -> List.of(new Fault.Maintenance(at, true, Duration.ZERO),
                    new Fault.Maintenance(at.plusMillis(100L * r.nextInt(5)), false, Duration.ZERO));
            case 2 -> List.of(new Fault.SessionLost(at, secs(r, 1, 5)));
            case 3 -> List.of(new Fault.ManagerCrash(at, secs(r, 0, 10)));
            case 4 -> List.of(new Fault.OperatorClear(at, Optional.empty()));
            case 5 -> List.of(new Fault.LeaseExpired(at));
            default -> List.of(new Fault.Switchover(at, node));
        };
    }

    private static long between(Random r, long lo, long hi) {
        return hi <= lo ? lo : lo + (long) (r.nextDouble() * (hi - lo));
    }

    private static Duration secs(Random r, int lo, int hi) {
        return Duration.ofSeconds(lo + r.nextInt(hi - lo + 1));
    }

    /** A condition's duration: sometimes until recovered, else seconds to a good part of the horizon. */
    private static Duration lasting(Random r, long horizonMs, int untilRecoveredPercent) {
        if (r.nextInt(100) < untilRecoveredPercent) {
            return Duration.ZERO;
        }
        int max = (int) Math.max(6, horizonMs / 1000 / 2);
        return secs(r, 5, max);
    }

    private static Fault draw(Random r, FaultWeights.Kind kind, Duration at, String[] ns, long horizonMs) {
        String node = ns[r.nextInt(ns.length)];
        return switch (kind) {
            case CRASH -> new Fault.ServiceCrash(at, node);
            case HANG -> new Fault.ServiceHang(at, node, lasting(r, horizonMs, 20));
            case OUT_OF_MEMORY -> new Fault.OutOfMemory(at, node);
            case ERROR -> new Fault.ServiceError(at, node);
            case REPORTS -> new Fault.ServiceReports(at, node, List.of(HealthStatus.MAINTENANCE, HealthStatus.STARTING,
                    HealthStatus.STOPPING, HealthStatus.FIRST_RUN).get(r.nextInt(4)), lasting(r, horizonMs, 10));
            case SLOW_START -> new Fault.SlowStart(at, node, secs(r, 5, 180));
            case START_FAILS -> new Fault.StartFails(at, node, lasting(r, horizonMs, 30));
            case STOP_HANGS -> new Fault.StopHangs(at, node, r.nextInt(3) == 0, lasting(r, horizonMs, 20));
            case POWER_LOSS -> new Fault.PowerLoss(at, node, lasting(r, horizonMs, 40));
            case PARTITION -> partition(r, at, ns, horizonMs);
            case DELAY -> new Fault.NetworkDelay(at, Duration.ofMillis(100 + r.nextInt(20_000) / 100 * 100L),
                    secs(r, 5, 120));
            case DROP -> new Fault.MessageDrop(at, 10 + r.nextInt(91), secs(r, 5, 60));
            case FENCER -> new Fault.FencerFault(at, node, r.nextBoolean() ? Fault.FencerMode.FAIL
                    : Fault.FencerMode.TIMEOUT, lasting(r, horizonMs, 30));
            case FENCER_LIES -> new Fault.FencerFault(at, node, Fault.FencerMode.LIE, lasting(r, horizonMs, 30));
            case REPLICA -> new Fault.ReplicaFault(at, node, List.of(Consistency.OUTDATED, Consistency.INCONSISTENT,
                    Consistency.SPLIT_BRAIN, Consistency.UNKNOWN).get(r.nextInt(4)), lasting(r, horizonMs, 20));
            case DATABASE -> new Fault.DatabaseDown(at, r.nextBoolean(), lasting(r, horizonMs, 10));
            case LEASE_EXPIRED -> new Fault.LeaseExpired(at);
            case SESSION_LOST -> new Fault.SessionLost(at, secs(r, 1, 60));
            case MANAGER_CRASH -> new Fault.ManagerCrash(at, secs(r, 0, 120));
            case SWITCHOVER -> new Fault.Switchover(at, node);
            case MAINTENANCE -> r.nextInt(10) < 7
                    ? new Fault.Maintenance(at, true, r.nextInt(4) == 0 ? Duration.ZERO : secs(r, 10, 7200))
                    : new Fault.Maintenance(at, false, Duration.ZERO);
            case CLEAR -> new Fault.OperatorClear(at, r.nextInt(10) < 7 ? Optional.empty() : Optional.of(node));
            case STALL -> new Fault.Stall(at, switch (r.nextInt(20)) {
                case 0, 1, 2, 3 -> "bmc:" + node;
                case 4, 5, 6 -> "coordinator";
                case 7, 8, 9 -> "router";
                default -> "node:" + node;
                // Calls that take time: half of them around their deadline (some answer in time, some after the
                // runtime's watchdog), the rest long stalls.
            }, r.nextBoolean() ? Duration.ofMillis(200 + r.nextInt(78) * 100L) : lasting(r, horizonMs, 20));
            // Starts and stops that take seconds, around the start and stop deadlines.
            case SLOW_CONTROL -> new Fault.SlowControl(at, node, Duration.ofMillis(500 + r.nextInt(120) * 100L),
                    lasting(r, horizonMs, 30));
            case REPLICA_QUIRK -> new Fault.ReplicaQuirk(at, node, r.nextInt(10) < 7 ? Fault.ReplicaMode.RECONNECTS
                    : Fault.ReplicaMode.UNREADABLE, lasting(r, horizonMs, 40));
            case LEASE_RACE -> new Fault.LeaseRace(at, secs(r, 1, 30));
            // Forward only: a backward step stretches the engine's wall-clock maintenance window past its maximum
            // in real time (safety-6), a known limit of measuring maintenance on the clock the runtime gives.
            case CLOCK_STEP -> new Fault.ClockStep(at, Duration.ofSeconds(1 + r.nextInt(r.nextBoolean() ? 60 : 900)));
        };
    }

    private static Fault partition(Random r, Duration at, String[] ns, long horizonMs) {
        String node = ns[r.nextInt(ns.length)];
        String a;
        String b;
        switch (r.nextInt(6)) {
            case 0, 1 -> {
                a = "manager";
                b = "node:" + node;
            }
            case 2 -> {
                a = "router";
                b = "node:" + node;
            }
            case 3 -> {
                a = "manager";
                b = "bmc:" + node;
            }
            case 4 -> {
                a = "manager";
                b = r.nextBoolean() ? "coordinator" : "router";
            }
            default -> {
                String other = ns[r.nextInt(ns.length)];
                a = "node:" + node;
                b = other.equals(node) ? "router" : "node:" + other;
            }
        }
        return new Fault.Partition(at, a, b, lasting(r, horizonMs, 20));
    }

    /** @return the schedule as one line of JSON */
    public String toJson() {
        try {
            return Json.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write schedule as JSON", e);
        }
    }

    /**
     * @param json a schedule written by {@link #toJson()}
     * @return the schedule
     * @throws IllegalArgumentException if the text is not a valid schedule
     */
    public static FaultSchedule fromJson(String json) {
        try {
            return Json.mapper().readValue(json, FaultSchedule.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid fault schedule: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param file where to write
     * @throws UncheckedIOException if the file cannot be written
     */
    public void save(Path file) {
        try {
            Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write schedule '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * @param file a file written by {@link #save(Path)}
     * @return the schedule
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a valid schedule
     */
    public static FaultSchedule load(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schedule '" + file + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("schedule seed=").append(seed).append(" horizon=")
                .append(Timeline.format(horizon)).append(':');
        for (Fault f : faults) {
            b.append("\n  +").append(Timeline.format(f.at())).append(' ').append(f.describe());
        }
        return b.toString();
    }
}
