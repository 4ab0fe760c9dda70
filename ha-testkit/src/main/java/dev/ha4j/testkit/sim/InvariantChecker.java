package dev.ha4j.testkit.sim;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.SafetyMonitor;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.testkit.Property;
import dev.ha4j.testkit.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one simulated run: invariants 1 to 8 of the design (docs/design.md) on the command stream (ha-core's
 * {@link SafetyMonitor}, fed the events as the world produced them, so that a decision function that rewrites
 * its inputs is still judged by what really happened), the same invariants on what really happened in the
 * simulated world, liveness, and the user's {@link Property properties}.
 *
 * <p>World rules: {@code world-1} at most one node runs the service with power on, and each epoch starts it on
 * one node only; {@code world-3} a replica is promoted only on the lease holder and only when up to date or
 * forced by an operator; {@code world-6} nothing acts while the operator's maintenance window is open;
 * {@code world-7} the service starts only on a promoted replica, requests are routed only to a promoted
 * replica, and a replica is demoted or outdated only where the service is gone; {@code world-10} every right is
 * checked before it is used (invariant 10): no promotion, start, route or outdating under a lease the manager
 * was told it lost, and an operator switching maintenance on while actions are still in flight is told so (an
 * operator's force is checked by {@code world-3}: it is used up by the next promotion of that node and expires
 * after the policy's maximum maintenance). Liveness rules:
 * {@code liveness:blocked} a blocked cluster does not act until an operator does or the manager restarts;
 * {@code liveness:recover} after everything is repaired and the operator has cleared failures the service is
 * available within {@link #recoveryBound()}; {@code liveness:failover} when the active node dies, a healthy
 * standby exists and fencing works, the service is available again within {@link #failoverBound}.
 *
 * <p>Not thread-safe: one checker follows one run.
 */
final class InvariantChecker implements SimulatedWorld.Effects {
    private final ClusterConfig config;
    private final Policy policy;
    private final SimulatedWorld world;
    private final List<Property> properties;
    private final List<String> propertyNames;
    private final boolean strictMaintenance;
    final List<Violation> violations = new ArrayList<>(1);
    private SafetyMonitor monitor;
    private boolean monitorOn = true;
    private final Map<Long, Integer> startsPerEpoch = new HashMap<>();
    private long maintenanceUntil;
    private int forced = -1;
    private long forcedUntil;
    /** Epochs of leases the manager (this incarnation) was told it lost. */
    private final java.util.Set<Long> lostEpochs = new java.util.HashSet<>();
    private long now;
    private long steps;
    LeaseLostSink leaseSink;

    /** Where the simulator wants lease losses delivered. */
    interface LeaseLostSink {
        void leaseLost(int holder, long epoch, String reason, long now);
    }

    InvariantChecker(ClusterConfig config, SimulatedWorld world, List<String> propertyNames, List<Property> properties,
            boolean strictMaintenance) {
        this.config = config;
        this.policy = config.policy();
        this.world = world;
        this.propertyNames = propertyNames;
        this.properties = properties;
        this.strictMaintenance = strictMaintenance;
        this.monitor = new SafetyMonitor(config);
    }

    void disableMonitor() {
        monitorOn = false;
    }

    boolean failed() {
        return !violations.isEmpty();
    }

    void violation(String rule, String message) {
        violations.add(new Violation(rule, Duration.ofMillis(now), steps, message));
    }

    void violation(String rule, String message, long at) {
        now = at;
        violation(rule, message);
    }

    // ------------------------------------------------------------------ manager and operator

    void managerRestarted() {
        monitor = new SafetyMonitor(config);
        lostEpochs.clear();
    }

    void managerCrashed() {
        if (!strictMaintenance) {
            // The engine keeps operator maintenance in memory only; a restarted manager does not know of it.
            maintenanceUntil = 0;
        }
    }

    void maintenance(boolean on, Duration length, long at) {
        if (on) {
            Duration d = length.isZero() || length.compareTo(policy.maxMaintenance()) > 0 ? policy.maxMaintenance()
                    : length;
            maintenanceUntil = at + d.toMillis();
        } else {
            maintenanceUntil = 0;
        }
    }

    void operatorForced(int node) {
        operatorForced(node, now);
    }

    /** An operator forced the promotion of {@code node} (or -1: no force) at {@code at}. */
    void operatorForced(int node, long at) {
        forced = node;
        forcedUntil = at + policy.maxMaintenance().toMillis();
    }

    /** The manager's wall clock stepped: the operator's window and force, wall-clock instants, move with it. */
    void clockStepped(long stepMs) {
        if (maintenanceUntil > 0) {
            maintenanceUntil = Math.max(1, maintenanceUntil - stepMs);
        }
        forcedUntil -= stepMs;
    }

    /**
     * Maintenance went on while {@code running} (acting commands sent, not answered yet) were in flight: the
     * decision must say that they are still running (invariant 10), for they may land inside the window.
     */
    void maintenanceOverInFlight(List<Command> running, String reason, long at) {
        now = at;
        if (!reason.contains("still running")) {
            violation("world-10", "maintenance switched on while " + running.size() + " action(s) were still in"
                    + " flight (" + String.join(", ", running.stream().map(Describe::command).toList()) + "), and the decision does not"
                    + " say so: they land inside the window unannounced (reason: " + reason + ")");
        }
    }

    // ------------------------------------------------------------------ decisions

    void step(ClusterState before, Event event, Transition t, long at) {
        now = at;
        steps++;
        // ha-core's SafetyMonitor learns from every result, also from a late one the engine ignores (an
        // observation answered after a newer one): that stale knowledge makes it flag correct later commands.
        // Such a step decides nothing, so it is not fed to the monitor.
        boolean stale = event instanceof Event.Result r && !(event instanceof Event.ProbeCompleted)
                && !(event instanceof Event.TimerFired) && r.commandId() != before.pendingCommandId()
                && t.commands().isEmpty();
        for (String v : monitorOn && !stale ? monitor.check(before, event, t) : List.<String>of()) {
            int colon = v.indexOf(':');
            violation("safety-" + (colon > 0 ? v.substring(0, colon) : "?"), colon > 0 ? v.substring(colon + 1).trim() : v);
        }
        if (event instanceof Event.LeaseLost l) {
            lostEpochs.add(l.epoch().value());
        }
        if (!lostEpochs.isEmpty()) {
            for (Command c : t.commands()) {
                long e = c instanceof Command.Promote p ? p.epoch().value()
                        : c instanceof Command.StartService st ? st.epoch().value()
                        : c instanceof Command.Route r ? r.epoch().value()
                        : c instanceof Command.OutdatePeer o ? o.epoch().value() : -1;
                if (e >= 0 && lostEpochs.contains(e)) {
                    violation("world-10", "used lease epoch e" + e + " after being told it was lost: " + c);
                }
            }
        }
        boolean acts = false;
        for (Command c : t.commands()) {
            if (c.acts()) {
                acts = true;
                break;
            }
        }
        if (acts && at < maintenanceUntil) {
            violation("world-6", "acted during the operator's maintenance window (until +"
                    + dev.ha4j.testkit.Timeline.format(Duration.ofMillis(maintenanceUntil)) + "): " + t.commands());
        }
        if (acts && before.phase() == Phase.BLOCKED && !(event instanceof Event.ClearRequested)
                && !(event instanceof Event.Started)) {
            violation("liveness:blocked", "a BLOCKED cluster acted on " + event.getClass().getSimpleName()
                    + " without an operator: " + t.commands());
        }
        if (!properties.isEmpty()) {
            Property.Step s = new Property.Step(Duration.ofMillis(at), before, event, t, world);
            for (int i = 0; i < properties.size(); i++) {
                String v;
                try {
                    v = properties.get(i).check(s);
                } catch (RuntimeException ex) {
                    v = "the property threw " + ex;
                }
                if (v != null) {
                    violation("property:" + propertyNames.get(i), v);
                }
            }
        }
    }

    // ------------------------------------------------------------------ world effects

    @Override
    public void started(int node, long epoch, long at) {
        now = at;
        if (world.runningCount() > 1) {
            StringBuilder b = new StringBuilder();
            for (SimulatedWorld.Node n : world.nodes) {
                if (n.running && n.powerOffUntil == 0) {
                    b.append(b.length() == 0 ? "" : " and ").append(n.name);
                }
            }
            violation("world-1", "split brain: the service runs with power on on " + b + " at once");
        }
        Integer prev = startsPerEpoch.putIfAbsent(epoch, node);
        if (prev != null && prev != node) {
            violation("world-1", "epoch e" + epoch + " started the service on " + world.nodes[prev].name + " and "
                    + world.nodes[node].name);
        }
        if (world.nodes[node].role != ReplicaRole.PRIMARY) {
            violation("world-7", "the service started on " + world.nodes[node].name + " whose replica is "
                    + world.nodes[node].role + ", not promoted");
        }
    }

    @Override
    public void promoted(int node, long epoch, Consistency before, boolean force, long at) {
        now = at;
        boolean forceValid = forced == node && at <= forcedUntil;
        if (before != Consistency.UP_TO_DATE && !(force && forceValid)) {
            violation("world-3", "the " + before + " replica on " + world.nodes[node].name + " was promoted"
                    + (force ? forced == node ? " with a force the operator gave for an earlier promotion or that"
                            + " has expired" : " with force, which no operator gave" : ""));
        }
        if (forced == node) {
            // An operator's force is for the next promotion of that node, forced or not.
            forced = -1;
        }
        // A lease that just expired may not have been heard of yet (epoch fencing covers that race); a lease
        // held by another node has not.
        if (world.holder >= 0 && world.holder != node) {
            violation("world-3", "the replica on " + world.nodes[node].name + " was promoted while "
                    + world.nodes[world.holder].name + " holds the lease");
        }
    }

    @Override
    public void demoted(int node, boolean serviceRunning, long at) {
        now = at;
        if (serviceRunning) {
            violation("world-7", "the replica on " + world.nodes[node].name + " was demoted while its service runs");
        }
    }

    @Override
    public void outdated(int node, boolean serviceRunning, long at) {
        now = at;
        if (serviceRunning) {
            violation("world-7", "the replica on " + world.nodes[node].name + " was outdated while its service runs");
        }
    }

    @Override
    public void routed(int node, long epoch, long at) {
        now = at;
        // A node that lost power meanwhile serves nothing and writes nothing: routing to it is a stale view the
        // probes correct, not a write to an unpromoted replica. The same holds for a route request a stalled
        // router carries out late (issued while the node was promoted and running) to a node whose service has
        // stopped since: no engine can keep a late request from landing, and epoch fencing refuses it once a
        // newer epoch exists.
        SimulatedWorld.Node n = world.nodes[node];
        boolean lateToNothing = world.carryingOutHeldBack && !n.running;
        if (n.role != ReplicaRole.PRIMARY && n.powerOffUntil == 0 && !lateToNothing) {
            violation("world-7", "requests were routed to " + n.name + " whose replica is " + n.role
                    + (world.carryingOutHeldBack ? " (a route request a stall held back, carried out late)" : ""));
        }
    }

    @Override
    public void fenced(int node, boolean reallyOff, long at) {
        now = at;
    }

    @Override
    public void leaseLost(int holder, long epoch, String reason, long at) {
        if (leaseSink != null) {
            leaseSink.leaseLost(holder, epoch, reason, at);
        }
    }

    // ------------------------------------------------------------------ liveness

    /** @return how long after the operator acts (everything repaired) the service must be available again */
    Duration recoveryBound() {
        Duration observe = maxOf(policy.confirmTimeout(), policy.replicaTimeout(), policy.routeTimeout(),
                policy.leaseTimeout());
        Duration cycle = policy.probeInterval().plus(policy.probeTimeout());
        return observe.plus(policy.worstCaseTakeover()).plus(cycle.multipliedBy(policy.failuresBeforeAction() + 2L))
                .plus(policy.firstProbeTimeout()).plus(Duration.ofSeconds(30));
    }

    /**
     * What the rule {@code liveness:failover} demands after a power loss: by {@code bound} after it, the service
     * is available again; {@code what} says why, for the report.
     *
     * @param bound how long after the power loss
     * @param what the premise, for the report
     */
    record FailoverObligation(Duration bound, String what) {
    }

    /**
     * The premise of {@code liveness:failover}, shared by both simulation levels: node {@code dead} is about to
     * lose power while the manager is up, the cluster RUNNING on it and available there, nothing else wrong in
     * the world, no maintenance window open, a healthy standby there (see {@link #healthyStandby}) and the
     * policy fences and fails over when a node is unreachable. Call it before the power loss is applied.
     *
     * @param dead the node about to lose power, or -1
     * @param managerUp whether the manager runs
     * @param state the engine's state
     * @param strict see {@link #healthyStandby}: true when any healthy standby is enough
     * @param at now
     * @return the obligation, or null when the premise does not hold
     */
    FailoverObligation failoverObligation(int dead, boolean managerUp, ClusterState state, boolean strict, long at) {
        if (dead < 0 || !managerUp || state.phase() != Phase.RUNNING
                || !state.active().map(world.nodes[dead].id::equals).orElse(false)
                || world.availableOn(at) != dead || world.anyCondition(at)
                || inMaintenanceWindow(at) || state.inMaintenance() || !healthyStandby(dead, at, strict)) {
            return null;
        }
        Duration bound = failoverBound(dead);
        if (bound == null) {
            return null;
        }
        return new FailoverObligation(bound, "active node " + world.nodes[dead].name + " lost power at +"
                + dev.ha4j.testkit.Timeline.format(Duration.ofMillis(at)) + " with a healthy standby and"
                + " working fencing; bound " + dev.ha4j.testkit.Timeline.format(bound));
    }

    /** @return how long after the active node died the service must be available again, or null if not bounded */
    Duration failoverBound(int dead) {
        Reaction r = policy.reactionTo(FailureKind.NODE_UNREACHABLE);
        if (policy.fencingLevels().isEmpty() || (r != Reaction.FENCE_AND_FAILOVER && r != Reaction.FAILOVER)) {
            return null;
        }
        Duration detection = policy.probeInterval().plus(policy.probeTimeout())
                .multipliedBy(policy.failuresBeforeAction() + 1L);
        Duration secure = policy.fencingDelay(world.nodes[dead].id).plus(policy.fenceTimeout());
        if (r == Reaction.FAILOVER) {
            secure = secure.plus(policy.routeTimeout()).plus(policy.stopTimeout()).plus(policy.killTimeout())
                    .plus(policy.confirmTimeout());
        }
        Duration takeover = policy.leaseTimeout().plus(policy.replicaTimeout().multipliedBy(3))
                .plus(policy.startTimeout()).plus(policy.probeInterval()).plus(policy.firstProbeTimeout())
                .plus(policy.routeTimeout());
        return detection.plus(secure).plus(takeover).plus(Duration.ofSeconds(10));
    }

    private static Duration maxOf(Duration... ds) {
        Duration m = Duration.ZERO;
        for (Duration d : ds) {
            if (d.compareTo(m) > 0) {
                m = d;
            }
        }
        return m;
    }

    /**
     * Whether {@code dead} has healthy standbys (powered, reachable, up to date, not running): with
     * {@code any}, at least one; otherwise every other node (the engine of ha-core 0.1 fails over to the first
     * standby by preference without checking it first, see finding F3).
     */
    boolean healthyStandby(int dead, long at, boolean any) {
        int healthy = 0;
        for (int i = 0; i < world.nodes.length; i++) {
            if (i != dead && world.reaches(i, at) && !world.nodes[i].running
                    && world.consistency(i, at) == Consistency.UP_TO_DATE) {
                healthy++;
            }
        }
        return any ? healthy > 0 : healthy > 0 && healthy == world.nodes.length - 1;
    }

    void checkAvailable(String rule, String what, Phase phase, long at) {
        now = at;
        int on = world.availableOn(at);
        if (on < 0 || phase != Phase.RUNNING) {
            StringBuilder b = new StringBuilder();
            for (SimulatedWorld.Node n : world.nodes) {
                b.append(b.length() == 0 ? "" : ", ").append(n.name).append(n.powerOffUntil == 0 ? "" : " (off)")
                        .append(n.running ? " running" : " stopped").append('/').append(n.role);
            }
            violation(rule, what + ": the service is not available (engine " + phase + ", routed to "
                    + world.routedTo().orElse("nobody") + "; " + b + ")");
        }
    }

    boolean inMaintenanceWindow(long at) {
        return at < maintenanceUntil;
    }
}
