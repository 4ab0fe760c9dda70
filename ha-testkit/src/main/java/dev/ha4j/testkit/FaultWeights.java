package dev.ha4j.testkit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How often each kind of fault appears in generated schedules: a relative weight per {@link Kind}, zero to
 * leave a kind out. Built with {@link #custom()} or taken as {@link #ofDefaults()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class FaultWeights {
    /** The kinds of fault the generator draws; each matches one {@link Fault} record. */
    public enum Kind {
        /** {@link Fault.ServiceCrash}. */
        CRASH(10),
        /** {@link Fault.ServiceHang}. */
        HANG(5),
        /** {@link Fault.OutOfMemory}. */
        OUT_OF_MEMORY(4),
        /** {@link Fault.ServiceError}. */
        ERROR(4),
        /** {@link Fault.ServiceReports} (MAINTENANCE, STARTING, STOPPING, FIRST_RUN). */
        REPORTS(4),
        /** {@link Fault.SlowStart}. */
        SLOW_START(3),
        /** {@link Fault.StartFails}. */
        START_FAILS(3),
        /** {@link Fault.StopHangs}. */
        STOP_HANGS(4),
        /** {@link Fault.PowerLoss}. */
        POWER_LOSS(6),
        /** {@link Fault.Partition}. */
        PARTITION(6),
        /** {@link Fault.NetworkDelay}. */
        DELAY(3),
        /** {@link Fault.MessageDrop}. */
        DROP(3),
        /** {@link Fault.FencerFault} that fails or times out. */
        FENCER(4),
        /** {@link Fault.FencerFault} that lies: contract-breaking, weight 0 by default. */
        FENCER_LIES(0),
        /** {@link Fault.ReplicaFault}. */
        REPLICA(4),
        /** {@link Fault.DatabaseDown}. */
        DATABASE(4),
        /** {@link Fault.LeaseExpired}. */
        LEASE_EXPIRED(3),
        /** {@link Fault.SessionLost}. */
        SESSION_LOST(2),
        /** {@link Fault.ManagerCrash}. */
        MANAGER_CRASH(4),
        /** {@link Fault.Switchover}. */
        SWITCHOVER(3),
        /** {@link Fault.Maintenance}. */
        MAINTENANCE(3),
        /** {@link Fault.OperatorClear}. */
        CLEAR(2),
        /**
         * {@link Fault.Stall}: SPI calls that take time, around their deadline or far past it (then the
         * runtime's watchdog answers them and the real answer comes late); half of them come with a disruption
         * while the call is outstanding (maintenance toggled, a lease lost, a manager restart, a clear, a
         * switchover). The engine-level simulator answers an overrun call as the runtime's watchdog does.
         */
        STALL(6, 6),
        /**
         * {@link Fault.SlowControl}: starts, stops and kills that take seconds (the process launched when the
         * call ends), the node's replica status overrunning meanwhile; half come with a disruption while the
         * call runs. Engine level only (runtime-level weight 0).
         */
        SLOW_CONTROL(4, 0),
        /**
         * {@link Fault.ReplicaQuirk}: an outdated peer that reconnects and resyncs (its outdating does not stick),
         * or a replica whose status cannot be read. Engine level only (runtime-level weight 0).
         */
        REPLICA_QUIRK(4, 0),
        /**
         * {@link Fault.LeaseRace}: a lease lost right after its grant, reported before the grant's answer.
         * Engine level only (runtime-level weight 0).
         */
        LEASE_RACE(2, 0),
        /**
         * {@link Fault.ClockStep}: the manager's wall clock steps. Weight 0 at both levels for now: the
         * engine-level simulator stamps an answer when it is sent, so answers in flight across a step reach the
         * engine with the old clock's instants (time running backwards), which no runtime delivers.
         */
        CLOCK_STEP(0, 0);

        private final int defaultWeight;
        private final int runtimeDefaultWeight;

        Kind(int defaultWeight) {
            this(defaultWeight, defaultWeight);
        }

        Kind(int defaultWeight, int runtimeDefaultWeight) {
            this.defaultWeight = defaultWeight;
            this.runtimeDefaultWeight = runtimeDefaultWeight;
        }

        /** @return the weight in {@link FaultWeights#ofDefaults()} */
        public int defaultWeight() {
            return defaultWeight;
        }

        /** @return the weight in {@link FaultWeights#ofRuntimeDefaults()} */
        public int runtimeDefaultWeight() {
            return runtimeDefaultWeight;
        }
    }

    private static final FaultWeights DEFAULTS = custom().build();
    private static final FaultWeights RUNTIME_DEFAULTS = runtimeCustom().build();

    private final Map<Kind, Integer> weights;
    private final int total;

    private FaultWeights(Map<Kind, Integer> weights) {
        this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
        this.total = weights.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * @return the default weights of engine-level schedules (every kind but {@link Kind#FENCER_LIES})
     */
    public static FaultWeights ofDefaults() {
        return DEFAULTS;
    }

    /**
     * @return the default weights of runtime-level schedules: {@link #ofDefaults()} plus {@link Kind#STALL}, which
     *     makes SPI calls overrun their deadlines so that the runtime's watchdog answers them
     */
    public static FaultWeights ofRuntimeDefaults() {
        return RUNTIME_DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return a builder starting from the runtime-level defaults */
    public static Builder runtimeCustom() {
        Builder b = new Builder();
        for (Kind k : Kind.values()) {
            b.weights.put(k, k.runtimeDefaultWeight());
        }
        return b;
    }

    /**
     * @param kinds the only kinds to draw, each with weight 1
     * @return weights drawing only those kinds
     * @throws IllegalArgumentException if no kind is given
     */
    public static FaultWeights only(Kind... kinds) {
        Builder b = custom().none();
        for (Kind k : kinds) {
            b.weight(k, 1);
        }
        return b.build();
    }

    /** @return a builder holding these weights */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.weights.putAll(weights);
        return b;
    }

    /**
     * @param kind a kind
     * @return its weight
     */
    public int weight(Kind kind) {
        return weights.get(kind);
    }

    /** @return every weight */
    public Map<Kind, Integer> asMap() {
        return weights;
    }

    /**
     * Draws a kind.
     *
     * @param r a number in {@code [0, total)}
     * @return the kind at that position
     */
    Kind pick(int r) {
        for (Map.Entry<Kind, Integer> e : weights.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("weight position out of range");
    }

    /** @return the sum of all weights */
    int total() {
        return total;
    }

    @Override
    public String toString() {
        return "FaultWeights" + weights;
    }

    /** Builds {@link FaultWeights}. Not thread-safe. */
    public static final class Builder {
        private final Map<Kind, Integer> weights = new EnumMap<>(Kind.class);

        private Builder() {
            for (Kind k : Kind.values()) {
                weights.put(k, k.defaultWeight());
            }
        }

        /** @return this builder with every weight zero */
        public Builder none() {
            for (Kind k : Kind.values()) {
                weights.put(k, 0);
            }
            return this;
        }

        /**
         * @param kind the kind
         * @param weight its relative weight, zero to leave it out
         * @return this builder
         */
        public Builder weight(Kind kind, int weight) {
            weights.put(Objects.requireNonNull(kind, "kind"), weight);
            return this;
        }

        /**
         * @return the weights
         * @throws IllegalArgumentException if a weight is negative or all are zero
         */
        public FaultWeights build() {
            int sum = 0;
            for (Map.Entry<Kind, Integer> e : weights.entrySet()) {
                if (e.getValue() < 0) {
                    throw new IllegalArgumentException("weight of " + e.getKey() + " is " + e.getValue()
                            + ": weights must not be negative");
                }
                sum += e.getValue();
            }
            if (sum == 0) {
                throw new IllegalArgumentException("every weight is zero: give at least one kind a weight");
            }
            return new FaultWeights(weights);
        }
    }
}
