package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.NodeId;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Configuration of an {@link IpmiFencer}: one {@link BmcConfig} per node, and the clock deadlines are read
 * from.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()}; {@link #toString()} never shows a password.
 */
public final class IpmiFencerConfig {
    private final Map<NodeId, BmcConfig> bmcs;
    private final Clock clock;

    private IpmiFencerConfig(Map<NodeId, BmcConfig> bmcs, Clock clock) {
        this.bmcs = Map.copyOf(bmcs);
        this.clock = clock;
    }

    /** @return a builder */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the BMC of every configured node */
    public Map<NodeId, BmcConfig> bmcs() {
        return bmcs;
    }

    /**
     * @param node a node
     * @return its BMC, if configured
     */
    public Optional<BmcConfig> bmc(NodeId node) {
        return Optional.ofNullable(bmcs.get(node));
    }

    /** @return the clock deadlines are measured on */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "IpmiFencerConfig{" + new TreeMap<>(bmcs) + "}";
    }

    /** Builds an {@link IpmiFencerConfig}. Not thread-safe. */
    public static final class Builder {
        private final Map<NodeId, BmcConfig> bmcs = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param node a node
         * @param bmc how to reach its BMC
         * @return this builder
         * @throws IllegalArgumentException if the node already has a BMC
         * @throws NullPointerException if an argument is null
         */
        public Builder bmc(NodeId node, BmcConfig bmc) {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(bmc, "bmc");
            if (bmcs.putIfAbsent(node, bmc) != null) {
                throw new IllegalArgumentException("node '" + node + "' already has a BMC: give each node one");
            }
            return this;
        }

        /**
         * Sets the clock deadlines are measured on (default: system UTC).
         *
         * @param clock the clock deadlines are measured on (default: system UTC)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if no node has a BMC
         */
        public IpmiFencerConfig build() {
            if (bmcs.isEmpty()) {
                throw new IllegalArgumentException("bmcs is empty: add at least one node with bmc(node, config)");
            }
            return new IpmiFencerConfig(bmcs, clock);
        }
    }
}
