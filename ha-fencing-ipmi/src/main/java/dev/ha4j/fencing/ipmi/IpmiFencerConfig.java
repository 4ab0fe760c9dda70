package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.builtin.HostResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Configuration of an {@link IpmiFencer}: one {@link BmcConfig} per node, the monotonic ticker deadlines are
 * measured on, and the resolver that turns BMC host names into addresses.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()}; {@link #toString()} never shows a password.
 */
public final class IpmiFencerConfig {
    private final Map<NodeId, BmcConfig> bmcs;
    private final LongSupplier ticker;
    private final HostResolver resolver;

    private IpmiFencerConfig(Map<NodeId, BmcConfig> bmcs, LongSupplier ticker, HostResolver resolver) {
        this.bmcs = Map.copyOf(bmcs);
        this.ticker = ticker;
        this.resolver = resolver;
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

    /**
     * Gives the monotonic nanosecond ticker every deadline is measured on ({@link System#nanoTime()} unless a
     * test injected another). No deadline reads the wall clock, so stepping it changes nothing.
     *
     * @return the ticker
     */
    public LongSupplier ticker() {
        return ticker;
    }

    /**
     * Gives the resolver BMC host names are looked up with; every lookup is waited for only until the action's
     * deadline.
     *
     * @return the resolver
     */
    public HostResolver resolver() {
        return resolver;
    }

    @Override
    public String toString() {
        return "IpmiFencerConfig{" + new TreeMap<>(bmcs) + "}";
    }

    /** Builds an {@link IpmiFencerConfig}. Not thread-safe. */
    public static final class Builder {
        private final Map<NodeId, BmcConfig> bmcs = new LinkedHashMap<>();
        private LongSupplier ticker = System::nanoTime;
        private HostResolver resolver = HostResolver.system();

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
         * Sets the monotonic nanosecond ticker deadlines are measured on; tests inject one to run time faster or
         * slower. It must behave like {@link System#nanoTime()}: never step backwards.
         *
         * @param ticker the ticker (default {@code System::nanoTime})
         * @return this builder
         * @throws NullPointerException if {@code ticker} is null
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Sets how BMC host names become addresses. A lookup is waited for only until the action's deadline and
         * then cancelled, so a name service that never answers costs a fence its deadline, not more; an interrupt
         * ends the wait at once.
         *
         * @param resolver the resolver (default {@link HostResolver#system()})
         * @return this builder
         * @throws NullPointerException if {@code resolver} is null
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
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
            return new IpmiFencerConfig(bmcs, ticker, resolver);
        }
    }
}
