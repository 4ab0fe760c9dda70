package dev.ha4j.core.config;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Reaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The failover policy as data: the failure table, the escalation ladder, the timings and the fencing
 * levels. Built with {@link #custom()}; {@link Builder#build()} refuses invalid or unsafe combinations with a
 * message that names the field, the value and the rule.
 *
 * <p>Defaults follow the design (docs/design.md): the default failure table; 2 restarts within 1 h before a failover; 2 bad
 * probes in a row before acting; probe every 15 s with a 10 s timeout (the first check after a start may take
 * 30 s); a failure already seen is rechecked after 2 s; standbys are probed every 60 s; at most 3 failovers
 * within 1 h; 5 min start-up grace; 60 s graceful stop, then kill; at most 4 h of maintenance; fencing required.
 * The guide's "30 s timeout" is the first-check timeout here, because a probe timeout must stay below the
 * probe interval (probes never overlap).
 *
 * <p>Every timing is bounded: at least {@link #MIN_DURATION}; at most {@link #MAX_TIMEOUT} for an interval or
 * the deadline of one operation, {@link #MAX_WINDOW} for a window, grace, maintenance or budget. Counts are at
 * most {@link #MAX_COUNT}, fencing levels at most {@link #MAX_FENCING_LEVELS}. So no policy that builds can
 * overflow the engine's arithmetic, the worst-case takeover sum included.
 *
 * <p>Immutable and thread-safe.
 */
public final class Policy {
    /** The shortest duration any timing may have: finer timers cannot be kept by the engine. */
    public static final Duration MIN_DURATION = Duration.ofMillis(1);
    /** The longest interval or deadline of one operation (probe, stop, fence, lease, ...). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    /** The longest window, grace, maintenance or budget. */
    public static final Duration MAX_WINDOW = Duration.ofDays(366);
    /** The largest count (restarts, failovers, failures in a row). */
    public static final int MAX_COUNT = 1000;
    /** The most fencing levels. */
    public static final int MAX_FENCING_LEVELS = 16;

    private final Map<FailureKind, Reaction> failureTable;
    private final int restartLimit;
    private final Duration restartWindow;
    private final int failuresBeforeAction;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final Duration firstProbeTimeout;
    private final Duration recheckInterval;
    private final boolean recheckIntervalSet;
    private final Duration standbyProbeInterval;
    private final boolean standbyProbeIntervalSet;
    private final int maxFailovers;
    private final Duration failoverWindow;
    private final Duration startupGrace;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Duration killTimeout;
    private final Duration confirmTimeout;
    private final Duration fenceTimeout;
    private final Duration leaseTimeout;
    private final Duration replicaTimeout;
    private final Duration routeTimeout;
    private final Duration maxMaintenance;
    private final Duration failoverBudget;
    private final boolean fencingRequired;
    private final List<String> fencingLevels;
    private final Map<NodeId, Duration> fencingDelays;

    private Policy(Builder b) {
        this.failureTable = Collections.unmodifiableMap(new EnumMap<>(b.failureTable));
        this.restartLimit = b.restartLimit;
        this.restartWindow = b.restartWindow;
        this.failuresBeforeAction = b.failuresBeforeAction;
        this.probeInterval = b.probeInterval;
        this.probeTimeout = b.probeTimeout;
        this.firstProbeTimeout = b.firstProbeTimeout;
        this.recheckIntervalSet = b.recheckInterval != null;
        this.recheckInterval = b.effectiveRecheckInterval();
        this.standbyProbeIntervalSet = b.standbyProbeInterval != null;
        this.standbyProbeInterval = b.effectiveStandbyProbeInterval();
        this.maxFailovers = b.maxFailovers;
        this.failoverWindow = b.failoverWindow;
        this.startupGrace = b.startupGrace;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.killTimeout = b.killTimeout;
        this.confirmTimeout = b.confirmTimeout;
        this.fenceTimeout = b.fenceTimeout;
        this.leaseTimeout = b.leaseTimeout;
        this.replicaTimeout = b.replicaTimeout;
        this.routeTimeout = b.routeTimeout;
        this.maxMaintenance = b.maxMaintenance;
        this.failoverBudget = b.failoverBudget;
        this.fencingRequired = b.fencingRequired;
        this.fencingLevels = List.copyOf(b.fencingLevels);
        this.fencingDelays = Collections.unmodifiableMap(new LinkedHashMap<>(b.fencingDelays));
    }

    /** @return a builder holding the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the default policy, with one fencing level named {@code "default"} */
    public static Policy ofDefaults() {
        return custom().build();
    }

    /** @return a builder holding this policy's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param kind a failure kind
     * @return the reaction the failure table gives it
     */
    public Reaction reactionTo(FailureKind kind) {
        return failureTable.get(kind);
    }

    /** @return the whole failure table, one entry per {@link FailureKind} */
    public Map<FailureKind, Reaction> failureTable() {
        return failureTable;
    }

    /** @return N: restarts allowed within the window before a failover */
    public int restartLimit() {
        return restartLimit;
    }

    /** @return W: the window in which restarts are counted; older failures expire */
    public Duration restartWindow() {
        return restartWindow;
    }

    /** @return bad probes in a row before a failure is acted on */
    public int failuresBeforeAction() {
        return failuresBeforeAction;
    }

    /** @return time between the end of one probe and the start of the next */
    public Duration probeInterval() {
        return probeInterval;
    }

    /** @return the deadline of one probe */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /** @return the deadline of the first probe after a start, which may be slow */
    public Duration firstProbeTimeout() {
        return firstProbeTimeout;
    }

    /**
     * How soon a probe is repeated to confirm a failure already seen, instead of waiting a whole
     * {@link #probeInterval()}: detection takes one interval plus {@code failuresBeforeAction - 1} rechecks.
     * It is still "N bad probes in a row", so one slow answer (a GC pause) does not become a failover.
     *
     * @return the recheck interval: 2 s by default, or the probe interval when that is shorter
     */
    public Duration recheckInterval() {
        return recheckInterval;
    }

    /**
     * How often standbys are probed (reachable, service not running there, replica role and consistency).
     *
     * @return the standby probe interval: 60 s by default, or the probe interval when that is longer
     */
    public Duration standbyProbeInterval() {
        return standbyProbeInterval;
    }

    /**
     * The crash-loop budget: at most this many failovers within {@link #failoverWindow()}; one more is refused
     * (the cluster blocks for an operator) instead of bouncing the service between nodes.
     *
     * @return the most failovers allowed within the window (3 by default)
     */
    public int maxFailovers() {
        return maxFailovers;
    }

    /** @return the window in which failovers are counted against {@link #maxFailovers()} (1 h by default) */
    public Duration failoverWindow() {
        return failoverWindow;
    }

    /** @return how long STARTING is not a failure after a start */
    public Duration startupGrace() {
        return startupGrace;
    }

    /** @return the deadline of launching the service */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** @return the graceful-stop timeout before a kill */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** @return the deadline of a kill */
    public Duration killTimeout() {
        return killTimeout;
    }

    /** @return the deadline of confirming the service is gone */
    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    /** @return the deadline of one fencing level, verification included */
    public Duration fenceTimeout() {
        return fenceTimeout;
    }

    /** @return the deadline of a lease request */
    public Duration leaseTimeout() {
        return leaseTimeout;
    }

    /** @return the deadline of a replica check, promotion, demotion or outdate */
    public Duration replicaTimeout() {
        return replicaTimeout;
    }

    /** @return the deadline of routing or unrouting */
    public Duration routeTimeout() {
        return routeTimeout;
    }

    /** @return the longest maintenance (operator's or the service's own) before it ends or counts as a failure */
    public Duration maxMaintenance() {
        return maxMaintenance;
    }

    /** @return the longest a takeover may take until the new service is launched */
    public Duration failoverBudget() {
        return failoverBudget;
    }

    /** @return whether a fencer must be configured for every level (the runtime checks it) */
    public boolean fencingRequired() {
        return fencingRequired;
    }

    /** @return the fencing levels in the order they are tried; empty when fencing is not configured */
    public List<String> fencingLevels() {
        return fencingLevels;
    }

    /**
     * @param target the node to be fenced
     * @return how long to wait before fencing it (zero by default)
     */
    public Duration fencingDelay(NodeId target) {
        return fencingDelays.getOrDefault(target, Duration.ZERO);
    }

    /** @return the per-target fencing delays that are set */
    public Map<NodeId, Duration> fencingDelays() {
        return fencingDelays;
    }

    /**
     * @return the worst-case time of a takeover up to the launch of the new service: stop, kill, confirm,
     *     every fencing level with the largest delay, lease, replica check, outdate, promotion, launch
     */
    public Duration worstCaseTakeover() {
        Duration maxDelay = fencingDelays.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
        return routeTimeout.plus(stopTimeout).plus(killTimeout).plus(confirmTimeout)
                .plus(fenceTimeout.multipliedBy(fencingLevels.size())).plus(maxDelay)
                .plus(leaseTimeout).plus(replicaTimeout.multipliedBy(3)).plus(startTimeout);
    }

    @Override
    public String toString() {
        return "Policy{restarts=" + restartLimit + " in " + restartWindow + ", failuresBeforeAction="
                + failuresBeforeAction + ", probe=" + probeInterval + "/" + probeTimeout + ", recheck="
                + recheckInterval + ", standbyProbe=" + standbyProbeInterval + ", failovers=" + maxFailovers + " in "
                + failoverWindow + ", grace=" + startupGrace
                + ", stop=" + stopTimeout + ", maxMaintenance=" + maxMaintenance + ", fencingLevels="
                + fencingLevels + ", table=" + failureTable + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Policy)) {
            return false;
        }
        Policy p = (Policy) o;
        return restartLimit == p.restartLimit && failuresBeforeAction == p.failuresBeforeAction
                && fencingRequired == p.fencingRequired && failureTable.equals(p.failureTable)
                && restartWindow.equals(p.restartWindow) && probeInterval.equals(p.probeInterval)
                && probeTimeout.equals(p.probeTimeout) && firstProbeTimeout.equals(p.firstProbeTimeout)
                && recheckInterval.equals(p.recheckInterval) && standbyProbeInterval.equals(p.standbyProbeInterval)
                && maxFailovers == p.maxFailovers && failoverWindow.equals(p.failoverWindow)
                && startupGrace.equals(p.startupGrace) && startTimeout.equals(p.startTimeout)
                && stopTimeout.equals(p.stopTimeout) && killTimeout.equals(p.killTimeout)
                && confirmTimeout.equals(p.confirmTimeout) && fenceTimeout.equals(p.fenceTimeout)
                && leaseTimeout.equals(p.leaseTimeout) && replicaTimeout.equals(p.replicaTimeout)
                && routeTimeout.equals(p.routeTimeout) && maxMaintenance.equals(p.maxMaintenance)
                && failoverBudget.equals(p.failoverBudget) && fencingLevels.equals(p.fencingLevels)
                && fencingDelays.equals(p.fencingDelays);
    }

    @Override
    public int hashCode() {
        return Objects.hash(failureTable, restartLimit, restartWindow, failuresBeforeAction, probeInterval,
                probeTimeout, stopTimeout, fencingLevels);
    }

    /**
     * Builds a {@link Policy}. Not thread-safe; {@link #build()} validates and may be called repeatedly.
     */
    public static final class Builder {
        private final Map<FailureKind, Reaction> failureTable = new EnumMap<>(FailureKind.class);
        private int restartLimit = 2;
        private Duration restartWindow = Duration.ofHours(1);
        private int failuresBeforeAction = 2;
        private Duration probeInterval = Duration.ofSeconds(15);
        private Duration probeTimeout = Duration.ofSeconds(10);
        private Duration firstProbeTimeout = Duration.ofSeconds(30);
        /** Null until set: the default then follows the probe interval (see {@link #effectiveRecheckInterval}). */
        private Duration recheckInterval;
        private Duration standbyProbeInterval;
        private int maxFailovers = 3;
        private Duration failoverWindow = Duration.ofHours(1);
        private Duration startupGrace = Duration.ofMinutes(5);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(60);
        private Duration killTimeout = Duration.ofSeconds(10);
        private Duration confirmTimeout = Duration.ofSeconds(10);
        private Duration fenceTimeout = Duration.ofSeconds(30);
        private Duration leaseTimeout = Duration.ofSeconds(10);
        private Duration replicaTimeout = Duration.ofSeconds(30);
        private Duration routeTimeout = Duration.ofSeconds(15);
        private Duration maxMaintenance = Duration.ofHours(4);
        private Duration failoverBudget = Duration.ofMinutes(10);
        private boolean fencingRequired = true;
        private final List<String> fencingLevels = new ArrayList<>(List.of("default"));
        private final Map<NodeId, Duration> fencingDelays = new LinkedHashMap<>();
        private final Map<String, String> writtenAs = new java.util.HashMap<>();
        private String prefix = "";

        private Builder() {
            for (FailureKind k : FailureKind.values()) {
                failureTable.put(k, k.defaultReaction());
            }
        }

        private Builder(Policy p) {
            failureTable.putAll(p.failureTable);
            restartLimit = p.restartLimit;
            restartWindow = p.restartWindow;
            failuresBeforeAction = p.failuresBeforeAction;
            probeInterval = p.probeInterval;
            probeTimeout = p.probeTimeout;
            firstProbeTimeout = p.firstProbeTimeout;
            recheckInterval = p.recheckIntervalSet ? p.recheckInterval : null;
            standbyProbeInterval = p.standbyProbeIntervalSet ? p.standbyProbeInterval : null;
            maxFailovers = p.maxFailovers;
            failoverWindow = p.failoverWindow;
            startupGrace = p.startupGrace;
            startTimeout = p.startTimeout;
            stopTimeout = p.stopTimeout;
            killTimeout = p.killTimeout;
            confirmTimeout = p.confirmTimeout;
            fenceTimeout = p.fenceTimeout;
            leaseTimeout = p.leaseTimeout;
            replicaTimeout = p.replicaTimeout;
            routeTimeout = p.routeTimeout;
            maxMaintenance = p.maxMaintenance;
            failoverBudget = p.failoverBudget;
            fencingRequired = p.fencingRequired;
            fencingLevels.clear();
            fencingLevels.addAll(p.fencingLevels);
            fencingDelays.putAll(p.fencingDelays);
        }

        /**
         * @param kind the failure kind
         * @param reaction what to do about it
         * @return this builder
         */
        public Builder react(FailureKind kind, Reaction reaction) {
            failureTable.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(reaction, "reaction"));
            return this;
        }

        /**
         * The escalation ladder: {@code limit} restarts within {@code window}, then failover.
         *
         * @param limit N
         * @param window W
         * @return this builder
         */
        public Builder restarts(int limit, Duration window) {
            this.restartLimit = limit;
            this.restartWindow = window;
            return this;
        }

        /**
         * Sets N: restarts within the window before a failover.
         *
         * @param limit N: restarts within the window before a failover
         * @return this builder
         */
        public Builder restartLimit(int limit) {
            this.restartLimit = limit;
            return this;
        }

        /**
         * Sets W: the window in which restarts count.
         *
         * @param window W: the window in which restarts count
         * @return this builder
         */
        public Builder restartWindow(Duration window) {
            this.restartWindow = window;
            return this;
        }

        /**
         * Sets how many bad probes in a row come before acting.
         *
         * @param n bad probes in a row before acting
         * @return this builder
         */
        public Builder failuresBeforeAction(int n) {
            this.failuresBeforeAction = n;
            return this;
        }

        /**
         * Sets the probe interval.
         *
         * @param d the probe interval
         * @return this builder
         */
        public Builder probeInterval(Duration d) {
            this.probeInterval = d;
            return this;
        }

        /**
         * Sets the probe timeout.
         *
         * @param d the probe timeout
         * @return this builder
         */
        public Builder probeTimeout(Duration d) {
            this.probeTimeout = d;
            return this;
        }

        /**
         * Sets the timeout of the first probe after a start.
         *
         * @param d the timeout of the first probe after a start
         * @return this builder
         */
        public Builder firstProbeTimeout(Duration d) {
            this.firstProbeTimeout = d;
            return this;
        }

        /**
         * Sets how soon a probe is repeated to confirm a failure already seen. Unset, it is 2 s, or the probe
         * interval when that is shorter.
         *
         * @param d the recheck interval, positive and not longer than the probe interval
         * @return this builder
         */
        public Builder recheckInterval(Duration d) {
            this.recheckInterval = Objects.requireNonNull(d, "recheckInterval");
            return this;
        }

        /**
         * Sets how often standbys are probed. Unset, it is 60 s, or the probe interval when that is longer.
         *
         * @param d the standby probe interval, not shorter than the probe interval
         * @return this builder
         */
        public Builder standbyProbeInterval(Duration d) {
            this.standbyProbeInterval = Objects.requireNonNull(d, "standbyProbeInterval");
            return this;
        }

        /**
         * Sets the crash-loop budget: at most {@code count} failovers within {@code window}.
         *
         * @param count the most failovers allowed within the window, at least 1
         * @param window the window in which failovers are counted
         * @return this builder
         */
        public Builder maxFailovers(int count, Duration window) {
            this.maxFailovers = count;
            this.failoverWindow = window;
            return this;
        }

        /**
         * Sets the count of the crash-loop budget, keeping its window.
         *
         * @param count the most failovers allowed within the window, at least 1
         * @return this builder
         */
        public Builder maxFailovers(int count) {
            this.maxFailovers = count;
            return this;
        }

        /**
         * Sets the window of the crash-loop budget, keeping its count.
         *
         * @param window the window in which failovers are counted
         * @return this builder
         */
        public Builder failoverWindow(Duration window) {
            this.failoverWindow = window;
            return this;
        }

        private Duration effectiveRecheckInterval() {
            if (recheckInterval != null) {
                return recheckInterval;
            }
            Duration def = Duration.ofSeconds(2);
            return probeInterval != null && probeInterval.compareTo(def) < 0 ? probeInterval : def;
        }

        private Duration effectiveStandbyProbeInterval() {
            if (standbyProbeInterval != null) {
                return standbyProbeInterval;
            }
            Duration def = Duration.ofSeconds(60);
            return probeInterval != null && probeInterval.compareTo(def) > 0 ? probeInterval : def;
        }

        /**
         * Sets the start-up grace.
         *
         * @param d the start-up grace
         * @return this builder
         */
        public Builder startupGrace(Duration d) {
            this.startupGrace = d;
            return this;
        }

        /**
         * Sets the launch deadline.
         *
         * @param d the launch deadline
         * @return this builder
         */
        public Builder startTimeout(Duration d) {
            this.startTimeout = d;
            return this;
        }

        /**
         * Sets the graceful-stop timeout.
         *
         * @param d the graceful-stop timeout
         * @return this builder
         */
        public Builder stopTimeout(Duration d) {
            this.stopTimeout = d;
            return this;
        }

        /**
         * Sets the kill deadline.
         *
         * @param d the kill deadline
         * @return this builder
         */
        public Builder killTimeout(Duration d) {
            this.killTimeout = d;
            return this;
        }

        /**
         * Sets the confirm-stopped deadline.
         *
         * @param d the confirm-stopped deadline
         * @return this builder
         */
        public Builder confirmTimeout(Duration d) {
            this.confirmTimeout = d;
            return this;
        }

        /**
         * Sets the deadline of one fencing level.
         *
         * @param d the deadline of one fencing level
         * @return this builder
         */
        public Builder fenceTimeout(Duration d) {
            this.fenceTimeout = d;
            return this;
        }

        /**
         * Sets the lease deadline.
         *
         * @param d the lease deadline
         * @return this builder
         */
        public Builder leaseTimeout(Duration d) {
            this.leaseTimeout = d;
            return this;
        }

        /**
         * Sets the replica operation deadline.
         *
         * @param d the replica operation deadline
         * @return this builder
         */
        public Builder replicaTimeout(Duration d) {
            this.replicaTimeout = d;
            return this;
        }

        /**
         * Sets the route operation deadline.
         *
         * @param d the route operation deadline
         * @return this builder
         */
        public Builder routeTimeout(Duration d) {
            this.routeTimeout = d;
            return this;
        }

        /**
         * Sets the longest maintenance.
         *
         * @param d the longest maintenance
         * @return this builder
         */
        public Builder maxMaintenance(Duration d) {
            this.maxMaintenance = d;
            return this;
        }

        /**
         * Sets the failover budget.
         *
         * @param d the failover budget
         * @return this builder
         */
        public Builder failoverBudget(Duration d) {
            this.failoverBudget = d;
            return this;
        }

        /**
         * Sets whether fencing must be configured.
         *
         * @param required whether fencing must be configured
         * @return this builder
         */
        public Builder fencingRequired(boolean required) {
            this.fencingRequired = required;
            return this;
        }

        /**
         * @param levels the fencing level names in the order they are tried (replaces the current list)
         * @return this builder
         */
        public Builder fencingLevels(List<String> levels) {
            fencingLevels.clear();
            fencingLevels.addAll(Objects.requireNonNull(levels, "levels"));
            return this;
        }

        /**
         * A delay before fencing {@code target}, so that two managers fencing each other at once do not both
         * succeed: the node with the delay survives the race.
         *
         * @param target the node to be fenced
         * @param delay the delay
         * @return this builder
         */
        public Builder fencingDelay(NodeId target, Duration delay) {
            fencingDelays.put(Objects.requireNonNull(target, "target"), delay);
            return this;
        }

        /**
         * Records how a field's value was written (for instance {@code "-5s"} in a JSON file), so that an error
         * quotes the value as the user wrote it rather than its ISO-8601 form. Used by {@link ConfigJson}.
         */
        Builder written(String field, String text) {
            writtenAs.put(field, text);
            return this;
        }

        /** Prefixes every field name in error messages, such as {@code "policy."} for a JSON document. */
        Builder fieldPrefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the policy
         * @throws IllegalArgumentException naming the field, its value and the rule, if a value is invalid or
         *     the combination is unsafe
         */
        public Policy build() {
            timeout("probeInterval", probeInterval);
            timeout("probeTimeout", probeTimeout);
            timeout("firstProbeTimeout", firstProbeTimeout);
            if (recheckInterval != null) {
                timeout("recheckInterval", recheckInterval);
            }
            if (standbyProbeInterval != null) {
                timeout("standbyProbeInterval", standbyProbeInterval);
            }
            timeout("startTimeout", startTimeout);
            timeout("stopTimeout", stopTimeout);
            timeout("killTimeout", killTimeout);
            timeout("confirmTimeout", confirmTimeout);
            timeout("fenceTimeout", fenceTimeout);
            timeout("leaseTimeout", leaseTimeout);
            timeout("replicaTimeout", replicaTimeout);
            timeout("routeTimeout", routeTimeout);
            window("restartWindow", restartWindow);
            window("failoverWindow", failoverWindow);
            window("startupGrace", startupGrace);
            window("maxMaintenance", maxMaintenance);
            window("failoverBudget", failoverBudget);
            count("restartLimit", restartLimit, 0);
            count("failuresBeforeAction", failuresBeforeAction, 1);
            count("maxFailovers", maxFailovers, 1);
            if (probeTimeout.compareTo(probeInterval) >= 0) {
                throw invalid(show("probeTimeout", probeTimeout) + " must be shorter than "
                        + show("probeInterval", probeInterval) + ": probes must not overlap");
            }
            if (firstProbeTimeout.compareTo(probeTimeout) < 0) {
                throw invalid(show("firstProbeTimeout", firstProbeTimeout) + " must not be shorter than "
                        + show("probeTimeout", probeTimeout));
            }
            Duration recheck = effectiveRecheckInterval();
            if (recheck.compareTo(probeInterval) > 0) {
                throw invalid(show("recheckInterval", recheck) + " must not be longer than "
                        + show("probeInterval", probeInterval) + ": confirming a failure is quicker than finding it");
            }
            Duration standby = effectiveStandbyProbeInterval();
            if (standby.compareTo(probeInterval) < 0) {
                throw invalid(show("standbyProbeInterval", standby) + " must not be shorter than "
                        + show("probeInterval", probeInterval) + ": standbys are watched at a slower pace");
            }
            for (Map.Entry<FailureKind, Reaction> e : failureTable.entrySet()) {
                if (e.getValue() == Reaction.RESTART && restartLimit == 0) {
                    throw invalid(name("restartLimit") + " 0 with reaction RESTART for " + name("failureTable.")
                            + e.getKey() + ": at least one restart is tried before a failover");
                }
            }
            for (FailureKind k : new FailureKind[] {FailureKind.DATABASE_CONNECTION_LOST, FailureKind.DATABASE_DOWN}) {
                Reaction r = failureTable.get(k);
                if (r != Reaction.IGNORE && r != Reaction.BLOCK) {
                    throw invalid(name("failureTable.") + k + " " + r + " is unsafe: database trouble never causes"
                            + " a restart or failover (use IGNORE or BLOCK)");
                }
            }
            Reaction sf = failureTable.get(FailureKind.START_FAILED);
            if (sf != Reaction.BLOCK) {
                throw invalid(name("failureTable.") + "START_FAILED " + sf + " is unsafe: a start failure would repeat"
                        + " on any node, so it blocks for manual intervention (use BLOCK)");
            }
            if (failureTable.get(FailureKind.NODE_UNREACHABLE) == Reaction.IGNORE) {
                throw invalid(name("failureTable.") + "NODE_UNREACHABLE IGNORE leaves the service down for good");
            }
            if (fencingRequired && fencingLevels.isEmpty()) {
                throw invalid(name("fencingLevels") + " is empty while " + name("fencingRequired")
                        + " is true: name at least one level or set fencingRequired false");
            }
            if (fencingLevels.size() > MAX_FENCING_LEVELS) {
                throw invalid(name("fencingLevels") + " has " + fencingLevels.size() + " levels: at most "
                        + MAX_FENCING_LEVELS);
            }
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < fencingLevels.size(); i++) {
                String level = fencingLevels.get(i);
                String field = name("fencingLevels[" + i + "]");
                if (level == null || !level.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                    throw invalid(field + " '" + (level == null ? null : printable(level))
                            + "' is invalid: use 1-63 characters of [A-Za-z0-9._-]");
                }
                if (seen.contains(level)) {
                    throw invalid(field + " '" + level + "' is listed twice");
                }
                seen.add(level);
            }
            for (Map.Entry<NodeId, Duration> e : fencingDelays.entrySet()) {
                String field = "fencingDelays." + e.getKey();
                Duration d = e.getValue();
                if (d == null) {
                    throw invalid(name(field) + " is missing");
                }
                if (d.isNegative()) {
                    throw invalid(show(field, d) + " must not be negative");
                }
                if (d.compareTo(MAX_TIMEOUT) > 0) {
                    throw invalid(show(field, d) + " is too long: at most " + MAX_TIMEOUT);
                }
            }
            if (stopTimeout.compareTo(failoverBudget) >= 0) {
                throw invalid(show("stopTimeout", stopTimeout) + " is not shorter than "
                        + show("failoverBudget", failoverBudget) + ": a graceful stop alone would exhaust the failover");
            }
            Policy p = new Policy(this);
            // Bounded above (MAX_TIMEOUT each, at most MAX_FENCING_LEVELS levels), so the sum cannot overflow.
            Duration worst = p.worstCaseTakeover();
            if (worst.compareTo(failoverBudget) > 0) {
                throw invalid(show("failoverBudget", failoverBudget) + " is shorter than the worst-case takeover "
                        + worst + " (" + name("routeTimeout") + " " + routeTimeout + " + " + name("stopTimeout") + " "
                        + stopTimeout + " + " + name("killTimeout") + " " + killTimeout + " + " + name("confirmTimeout")
                        + " " + confirmTimeout + " + " + fencingLevels.size() + " " + name("fencingLevels") + " x "
                        + name("fenceTimeout") + " " + fenceTimeout + " + the longest " + name("fencingDelays") + " + "
                        + name("leaseTimeout") + " " + leaseTimeout + " + 3 x " + name("replicaTimeout") + " "
                        + replicaTimeout + " + " + name("startTimeout") + " " + startTimeout + ")");
            }
            return p;
        }

        private String name(String field) {
            return prefix + field;
        }

        /** The field's name with its value, as written when known (so "-5s" is quoted as "-5s"). */
        private String show(String field, Duration d) {
            String w = writtenAs.get(field);
            return name(field) + " " + (w != null ? "'" + printable(w) + "'" : String.valueOf(d));
        }

        private void timeout(String field, Duration d) {
            bounded(field, d, MAX_TIMEOUT);
        }

        private void window(String field, Duration d) {
            bounded(field, d, MAX_WINDOW);
        }

        private void bounded(String field, Duration d, Duration max) {
            if (d == null) {
                throw invalid(name(field) + " is missing");
            }
            if (d.isNegative() || d.isZero()) {
                throw invalid(show(field, d) + " must be positive");
            }
            if (d.compareTo(MIN_DURATION) < 0) {
                throw invalid(show(field, d) + " is too short: at least " + MIN_DURATION);
            }
            if (d.compareTo(max) > 0) {
                throw invalid(show(field, d) + " is too long: at most " + max);
            }
        }

        private void count(String field, int n, int min) {
            if (n < min) {
                throw invalid(name(field) + " " + n + (min == 0 ? " must not be negative" : " must be at least " + min));
            }
            if (n > MAX_COUNT) {
                throw invalid(name(field) + " " + n + " is too large: at most " + MAX_COUNT);
            }
        }

        private static IllegalArgumentException invalid(String message) {
            return new IllegalArgumentException(message);
        }

        private static String printable(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length() && b.length() < 80; i++) {
                char c = s.charAt(i);
                b.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            return s.length() > 80 ? b + "..." : b.toString();
        }
    }
}
