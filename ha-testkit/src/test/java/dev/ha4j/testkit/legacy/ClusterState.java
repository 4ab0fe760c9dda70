// FROZEN: a copy of dev.ha4j.core.engine.ClusterState as of commit 596be15, before the restructuring of issue 8.
// The differential oracle of LegacyDifferentialTest: never edit it to follow the engine.
package dev.ha4j.testkit.legacy;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Lease;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the {@link FailoverEngine} knows: the phase, the active node, the lease, each node's role, the
 * failure history, maintenance, the plan in progress and the ids of the commands it waits for.
 *
 * <p>Immutable and thread-safe; the engine returns a new state for every event.
 */
public final class ClusterState {
    final Phase phase;
    final NodeId active;
    final Lease lease;
    final Epoch highestEpoch;
    final Map<NodeId, NodeRole> roles;
    final Instant maintenanceUntil;
    final long maintenanceTimerId;
    final int failuresInRow;
    final FailureKind lastFailure;
    final List<Instant> restarts;
    final Instant startingSince;
    final Instant graceDeadline;
    final Instant serviceMaintenanceSince;
    final Plan plan;
    final long pendingId;
    final long probeTimerId;
    final long probeId;
    final boolean firstProbe;
    final long fenceTimerId;
    final String blockedReason;
    final NodeId forcePromote;
    final long nextId;
    final ProbeResult lastVerdict;
    final Instant lastVerdictAt;
    final List<Outstanding> outstanding;
    final Map<NodeId, Long> strays;
    final Epoch lostEpoch;
    final Instant forceUntil;
    final boolean waiting;
    final Duration probeDelay;
    final long standbyTimerId;
    final Set<Long> standbyChecks;
    final Map<NodeId, String> unusable;
    final List<Instant> failovers;
    final Map<NodeId, Instant> exhausted;

    ClusterState(Mut m) {
        this.phase = m.phase;
        this.active = m.active;
        this.lease = m.lease;
        this.highestEpoch = m.highestEpoch;
        this.roles = m.roles;
        this.maintenanceUntil = m.maintenanceUntil;
        this.maintenanceTimerId = m.maintenanceTimerId;
        this.failuresInRow = m.failuresInRow;
        this.lastFailure = m.lastFailure;
        this.restarts = m.restarts;
        this.startingSince = m.startingSince;
        this.graceDeadline = m.graceDeadline;
        this.serviceMaintenanceSince = m.serviceMaintenanceSince;
        this.plan = m.plan;
        this.pendingId = m.pendingId;
        this.probeTimerId = m.probeTimerId;
        this.probeId = m.probeId;
        this.firstProbe = m.firstProbe;
        this.fenceTimerId = m.fenceTimerId;
        this.blockedReason = m.blockedReason;
        this.forcePromote = m.forcePromote;
        this.nextId = m.nextId;
        this.lastVerdict = m.lastVerdict;
        this.lastVerdictAt = m.lastVerdictAt;
        this.outstanding = m.outstanding;
        this.strays = m.strays;
        this.lostEpoch = m.lostEpoch;
        this.forceUntil = m.forceUntil;
        this.waiting = m.waiting;
        this.probeDelay = m.probeDelay;
        this.standbyTimerId = m.standbyTimerId;
        this.standbyChecks = m.standbyChecks;
        this.unusable = m.unusable;
        this.failovers = m.failovers;
        this.exhausted = m.exhausted;
    }

    /**
     * Standbys that cannot take over, with the reason (unreachable, replica not up to date), as the last standby
     * check found them. A failover never targets one of them.
     *
     * @return those standbys and why
     */
    public Map<NodeId, String> unusableStandbys() {
        return unusable;
    }

    /** @return when the failovers that count against the crash-loop budget started, oldest first */
    public List<Instant> failovers() {
        return failovers;
    }

    /**
     * Nodes whose service used up its restarts (and so was failed away from), with when: within the restart
     * window no failover goes back to them unless the node that runs the service is lost.
     *
     * @return those nodes and when
     */
    public Map<NodeId, Instant> exhausted() {
        return exhausted;
    }

    /**
     * Every command sent and not answered yet, oldest first, whatever happened to the plan that sent it
     * (invariant 9). Recovered by a restarted manager from its journal.
     *
     * @return the outstanding commands
     */
    public List<Outstanding> outstanding() {
        return outstanding;
    }

    /**
     * Nodes that might be running the service (or hold a primary replica) although they are not the active
     * one: a start that answered after its plan was abandoned, an unanswered start or promotion of a previous
     * manager, a service seen on a standby. Each must be confirmed stopped or fenced before the service starts
     * anywhere else.
     *
     * @return those nodes, in the order they became suspect
     */
    public java.util.Set<NodeId> mightRun() {
        return strays.keySet();
    }

    /** @return the highest epoch reported lost before its grant arrived: never used (invariant 10) */
    public Epoch lostEpoch() {
        return lostEpoch;
    }

    /** @return until when an operator's force to promote a stale replica holds, if one is given */
    public Optional<Instant> forceUntil() {
        return Optional.ofNullable(forceUntil);
    }

    /** @return the phase */
    public Phase phase() {
        return phase;
    }

    /** @return the node that runs, or is being brought up to run, the service */
    public Optional<NodeId> active() {
        return Optional.ofNullable(active);
    }

    /** @return the lease this manager holds for the active node, if any */
    public Optional<Lease> lease() {
        return Optional.ofNullable(lease);
    }

    /** @return the current epoch, {@link Epoch#NONE} when no lease is held */
    public Epoch epoch() {
        return lease == null ? Epoch.NONE : lease.epoch();
    }

    /** @return the highest epoch ever granted to this engine */
    public Epoch highestEpoch() {
        return highestEpoch;
    }

    /** @return each node's role */
    public Map<NodeId, NodeRole> roles() {
        return roles;
    }

    /**
     * @param node a node
     * @return its role, UNKNOWN for a node not in the cluster
     */
    public NodeRole role(NodeId node) {
        return roles.getOrDefault(node, NodeRole.UNKNOWN);
    }

    /** @return whether operator maintenance is on */
    public boolean inMaintenance() {
        return maintenanceUntil != null;
    }

    /** @return when operator maintenance ends, if it is on */
    public Optional<Instant> maintenanceUntil() {
        return Optional.ofNullable(maintenanceUntil);
    }

    /** @return bad probes in a row so far */
    public int failuresInRow() {
        return failuresInRow;
    }

    /** @return the kind of the last failure seen */
    public Optional<FailureKind> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** @return when the restarts that still count (within the window) were decided, oldest first */
    public List<Instant> restarts() {
        return restarts;
    }

    /** @return until when STARTING is not a failure, if a start is being waited for */
    public Optional<Instant> graceDeadline() {
        return Optional.ofNullable(graceDeadline);
    }

    /** @return the plan in progress */
    public Optional<Plan> plan() {
        return Optional.ofNullable(plan);
    }

    /** @return the id of the plan command the engine waits for, 0 for none */
    public long pendingCommandId() {
        return pendingId;
    }

    /** @return why the cluster is blocked, if it is */
    public Optional<String> blockedReason() {
        return Optional.ofNullable(blockedReason);
    }

    /** @return the node whose stale replica an operator allowed to promote */
    public Optional<NodeId> forcePromote() {
        return Optional.ofNullable(forcePromote);
    }

    /** @return the last health verdict of the active node */
    public Optional<ProbeResult> lastVerdict() {
        return Optional.ofNullable(lastVerdict);
    }

    /** @return when the last verdict arrived */
    public Optional<Instant> lastVerdictAt() {
        return Optional.ofNullable(lastVerdictAt);
    }

    /** @return the id the next command will get */
    public long nextCommandId() {
        return nextId;
    }

    @Override
    public String toString() {
        return "ClusterState{" + phase + ", active=" + active + ", lease=" + lease + ", roles=" + roles
                + (maintenanceUntil == null ? "" : ", maintenance until " + maintenanceUntil)
                + ", failuresInRow=" + failuresInRow + ", restarts=" + restarts.size()
                + (plan == null ? "" : ", plan=" + plan) + (blockedReason == null ? "" : ", blocked: " + blockedReason)
                + (outstanding.isEmpty() ? "" : ", outstanding=" + outstanding)
                + (strays.isEmpty() ? "" : ", mightRun=" + strays.keySet()) + "}";
    }

    Mut mut() {
        return new Mut(this);
    }

    /** A mutable copy the engine edits while handling one event; never escapes the engine. */
    static final class Mut {
        Phase phase;
        NodeId active;
        Lease lease;
        Epoch highestEpoch;
        Map<NodeId, NodeRole> roles;
        Instant maintenanceUntil;
        long maintenanceTimerId;
        int failuresInRow;
        FailureKind lastFailure;
        List<Instant> restarts;
        Instant startingSince;
        Instant graceDeadline;
        Instant serviceMaintenanceSince;
        Plan plan;
        long pendingId;
        long probeTimerId;
        long probeId;
        boolean firstProbe;
        long fenceTimerId;
        String blockedReason;
        NodeId forcePromote;
        long nextId;
        ProbeResult lastVerdict;
        Instant lastVerdictAt;
        List<Outstanding> outstanding = List.of();
        Map<NodeId, Long> strays = Map.of();
        Epoch lostEpoch = Epoch.NONE;
        Instant forceUntil;
        boolean waiting;
        Duration probeDelay;
        long standbyTimerId;
        Set<Long> standbyChecks = Set.of();
        Map<NodeId, String> unusable = Map.of();
        List<Instant> failovers = List.of();
        Map<NodeId, Instant> exhausted = Map.of();

        Mut() {
        }

        Mut(ClusterState s) {
            phase = s.phase;
            active = s.active;
            lease = s.lease;
            highestEpoch = s.highestEpoch;
            roles = s.roles;
            maintenanceUntil = s.maintenanceUntil;
            maintenanceTimerId = s.maintenanceTimerId;
            failuresInRow = s.failuresInRow;
            lastFailure = s.lastFailure;
            restarts = s.restarts;
            startingSince = s.startingSince;
            graceDeadline = s.graceDeadline;
            serviceMaintenanceSince = s.serviceMaintenanceSince;
            plan = s.plan;
            pendingId = s.pendingId;
            probeTimerId = s.probeTimerId;
            probeId = s.probeId;
            firstProbe = s.firstProbe;
            fenceTimerId = s.fenceTimerId;
            blockedReason = s.blockedReason;
            forcePromote = s.forcePromote;
            nextId = s.nextId;
            lastVerdict = s.lastVerdict;
            lastVerdictAt = s.lastVerdictAt;
            outstanding = s.outstanding;
            strays = s.strays;
            lostEpoch = s.lostEpoch;
            forceUntil = s.forceUntil;
            waiting = s.waiting;
            probeDelay = s.probeDelay;
            standbyTimerId = s.standbyTimerId;
            standbyChecks = s.standbyChecks;
            unusable = s.unusable;
            failovers = s.failovers;
            exhausted = s.exhausted;
        }

        void check(long id, boolean add) {
            java.util.Set<Long> copy = new java.util.HashSet<>(standbyChecks);
            if (add) {
                copy.add(id);
            } else {
                copy.remove(id);
            }
            standbyChecks = Collections.unmodifiableSet(copy);
        }

        /** Records or clears why a standby cannot take over; returns whether that changed its usability. */
        boolean unusable(NodeId node, String reason) {
            String before = unusable.get(node);
            if (java.util.Objects.equals(before, reason)) {
                return false;
            }
            Map<NodeId, String> copy = new LinkedHashMap<>(unusable);
            if (reason == null) {
                copy.remove(node);
            } else {
                copy.put(node, reason);
            }
            unusable = Collections.unmodifiableMap(copy);
            return (before == null) != (reason == null);
        }

        void exhausted(NodeId node, Instant at) {
            Map<NodeId, Instant> copy = new LinkedHashMap<>(exhausted);
            copy.put(node, at);
            exhausted = Collections.unmodifiableMap(copy);
        }

        void send(Outstanding o) {
            List<Outstanding> copy = new java.util.ArrayList<>(outstanding.size() + 1);
            copy.addAll(outstanding);
            copy.add(o);
            outstanding = java.util.Collections.unmodifiableList(copy);
        }

        /** Removes and returns the outstanding command {@code id}, or null. */
        Outstanding take(long id) {
            for (int i = 0; i < outstanding.size(); i++) {
                if (outstanding.get(i).id() == id) {
                    Outstanding o = outstanding.get(i);
                    List<Outstanding> copy = new java.util.ArrayList<>(outstanding);
                    copy.remove(i);
                    outstanding = java.util.Collections.unmodifiableList(copy);
                    return o;
                }
            }
            return null;
        }

        Outstanding find(long id) {
            for (Outstanding o : outstanding) {
                if (o.id() == id) {
                    return o;
                }
            }
            return null;
        }

        void stray(NodeId node, long clearableAfter) {
            if (!strays.containsKey(node) || strays.get(node) < clearableAfter) {
                Map<NodeId, Long> copy = new LinkedHashMap<>(strays);
                copy.put(node, clearableAfter);
                strays = Collections.unmodifiableMap(copy);
            }
        }

        void unstray(NodeId node) {
            if (strays.containsKey(node)) {
                Map<NodeId, Long> copy = new LinkedHashMap<>(strays);
                copy.remove(node);
                strays = Collections.unmodifiableMap(copy);
            }
        }

        void role(NodeId node, NodeRole role) {
            if (roles.get(node) != role) {
                Map<NodeId, NodeRole> copy = new LinkedHashMap<>(roles);
                copy.put(node, role);
                roles = Collections.unmodifiableMap(copy);
            }
        }

        ClusterState freeze() {
            return new ClusterState(this);
        }
    }
}
