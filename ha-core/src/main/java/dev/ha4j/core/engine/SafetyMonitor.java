package dev.ha4j.core.engine;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks safety invariants 1 to 8 of the design ({@code docs/design.md} in the repository) on the engine's
 * decisions, one step at a time, from what the engine was told and what it commanded: no knowledge of the real world is needed, so the same monitor serves
 * the property suites, the testkit's simulator and a production runtime that wants a second opinion.
 *
 * <p>Feed it every (state before, event, transition) with {@link #check}; it returns the violations of that
 * step (empty when all hold). What it checks:
 * <ol>
 *   <li>every start, promotion and route carries the newest epoch granted; each epoch starts the service on
 *       at most one node; epochs only grow;</li>
 *   <li>the service is started, promoted or routed on a node only when every other node is confirmed stopped
 *       or verified off since it last might have run;</li>
 *   <li>a replica is promoted only on the lease holder, under its epoch, and only after an up-to-date check,
 *       or with an operator's recorded force;</li>
 *   <li>a failover caused by a failure whose reaction is RESTART comes after at least one restart within the
 *       window, and restarts within any window never exceed {@code N};</li>
 *   <li>database trouble never leads to an action; a start failure never leads to a restart or failover;</li>
 *   <li>nothing acts during maintenance, and maintenance never lasts longer than the maximum;</li>
 *   <li>start after promote, route after start (or adoption); demote and outdate only where the service is
 *       confirmed gone;</li>
 *   <li>every decision has a reason; every failover, block and fence is notified; a blocked cluster stays
 *       blocked until an operator acts or the manager restarts;</li>
 *   <li>(invariant 11) no more failovers start within the failover window than the budget allows (so no endless
 *       alternation between nodes), and a failover never aims at a standby the last check found unusable
 *       while a usable one was left.</li>
 * </ol>
 *
 * <p>Not thread-safe: one monitor follows one engine run.
 */
public final class SafetyMonitor {
    private final ClusterConfig config;
    private final Policy policy;
    private final Map<NodeId, Boolean> maybeRunning = new HashMap<>();
    private final Map<NodeId, Boolean> upToDateChecked = new HashMap<>();
    private final Map<NodeId, Epoch> promotedUnder = new HashMap<>();
    private final Map<NodeId, Epoch> startedUnder = new HashMap<>();
    private final Map<Epoch, NodeId> startsPerEpoch = new HashMap<>();
    private final Set<NodeId> adopted = new HashSet<>();
    private final Map<Long, Command> pending = new HashMap<>();
    private Epoch granted = Epoch.NONE;
    private NodeId grantedTo;
    private Instant maintenanceSince;
    private final List<Instant> failoverStarts = new ArrayList<>();
    private long steps;

    /**
     * @param config the configuration the engine runs with
     */
    public SafetyMonitor(ClusterConfig config) {
        this.config = config;
        this.policy = config.policy();
        for (NodeId n : config.nodes()) {
            maybeRunning.put(n, true);
        }
    }

    /** @return how many steps were checked */
    public long steps() {
        return steps;
    }

    /**
     * Checks one step.
     *
     * @param before the state the event was applied to
     * @param event the event
     * @param t the engine's decision
     * @return the violations, each naming its invariant; empty when all hold
     */
    public List<String> check(ClusterState before, Event event, Transition t) {
        steps++;
        List<String> v = new ArrayList<>();
        ClusterState after = t.state();
        // Only results the engine waited for count: a late answer it ignored must not vouch for anything.
        if (!(event instanceof Event.Result r) || event instanceof Event.ProbeCompleted
                || event instanceof Event.TimerFired || r.commandId() == before.pendingCommandId()) {
            learn(event);
        }
        // 8: reasons, notifications, blocked stays blocked
        if (t.reason().isBlank() || (!t.commands().isEmpty() && t.reason().equals("no change"))) {
            v.add("8: a decision with commands " + t.commands() + " has no reason");
        }
        if (after.phase() == Phase.FAILING_OVER && before.phase() != Phase.FAILING_OVER
                && !notified(t, Notification.Kind.FAILOVER_STARTED)) {
            v.add("8: failover started without notifying the operator");
        }
        // 11: a bounded number of failovers, never toward a standby known unusable while a usable one is left
        if (event instanceof Event.ClearRequested) {
            failoverStarts.clear();
        }
        if (notified(t, Notification.Kind.FAILOVER_STARTED)) {
            Instant horizon = event.at().minus(policy.failoverWindow());
            failoverStarts.removeIf(x -> !x.isAfter(horizon));
            failoverStarts.add(event.at());
            if (failoverStarts.size() > policy.maxFailovers()) {
                v.add("11: " + failoverStarts.size() + " failovers started within " + policy.failoverWindow()
                        + ", more than the budget of " + policy.maxFailovers());
            }
            after.plan().filter(p -> p.kind() == Plan.Kind.FAILOVER).ifPresent(p -> {
                NodeId target = p.target();
                if (before.unusableStandbys().containsKey(target)) {
                    for (NodeId n : config.nodes()) {
                        NodeRole role = before.role(n);
                        Instant spent = before.exhausted().get(n);
                        boolean exhausted = spent != null && spent.isAfter(event.at().minus(policy.restartWindow()));
                        if (!n.equals(target) && !before.active().map(n::equals).orElse(false)
                                && (role == NodeRole.STANDBY || role == NodeRole.STOPPED)
                                && !before.unusableStandbys().containsKey(n) && !before.mightRun().contains(n)
                                && !exhausted) {
                            v.add("11: failover toward " + target + " (" + before.unusableStandbys().get(target)
                                    + ") while " + n + " was a usable standby");
                            break;
                        }
                    }
                }
            });
        }
        if (after.phase() == Phase.BLOCKED && before.phase() != Phase.BLOCKED && !notified(t, Notification.Kind.BLOCKED)) {
            v.add("8: blocked without notifying the operator");
        }
        if (event instanceof Event.FenceCompleted f && f.result().isVerifiedOff()
                && pending.containsKey(f.commandId()) && before.pendingCommandId() == f.commandId()
                && !notified(t, Notification.Kind.FENCED)) {
            v.add("8: " + f.node() + " fenced without notifying the operator");
        }
        if (before.phase() == Phase.BLOCKED && after.phase() != Phase.BLOCKED
                && !(event instanceof Event.ClearRequested) && !(event instanceof Event.Started)) {
            v.add("8: left BLOCKED on " + event.getClass().getSimpleName() + " without an operator");
        }
        // 5: database trouble and start failures
        Optional<FailureKind> verdictKind = verdictKind(event);
        boolean acts = t.commands().stream().anyMatch(Command::acts);
        if (verdictKind.isPresent() && isDatabase(verdictKind.get()) && (acts
                || ((after.phase() == Phase.FAILING_OVER || after.phase() == Phase.RESTARTING)
                        && after.phase() != before.phase()))) {
            // A failover now checks its target before it acts: starting one is the decision, not its first act.
            v.add("5: database trouble " + verdictKind.get() + " led to " + after.phase() + ": " + t.commands());
        }
        if (verdictKind.isPresent() && verdictKind.get() == FailureKind.START_FAILED
                && (after.phase() == Phase.FAILING_OVER || after.phase() == Phase.RESTARTING)
                && after.phase() != before.phase()) {
            v.add("5: a start failure led to " + after.phase());
        }
        if (event instanceof Event.ActionCompleted a && pending.get(a.commandId()) instanceof Command.StartService
                && before.pendingCommandId() == a.commandId() && a.result().outcome() == dev.ha4j.core.Outcome.FAILED
                && after.phase() != Phase.BLOCKED) {
            v.add("5: a failed start did not block but went to " + after.phase());
        }
        // 6: maintenance
        if (before.inMaintenance() && after.inMaintenance() && acts) {
            v.add("6: acted during maintenance: " + t.commands());
        }
        if (after.inMaintenance()) {
            if (maintenanceSince == null || !before.inMaintenance()) {
                maintenanceSince = event.at();
            }
            Instant until = after.maintenanceUntil().orElseThrow();
            if (until.isAfter(event.at().plus(policy.maxMaintenance()))) {
                v.add("6: maintenance until " + until + " exceeds the maximum " + policy.maxMaintenance());
            }
        } else {
            maintenanceSince = null;
        }
        // 4: escalation
        int recent = recentRestarts(after, event.at());
        if (recent > policy.restartLimit()) {
            v.add("4: " + recent + " restarts within " + policy.restartWindow() + ", limit " + policy.restartLimit());
        }
        if (after.phase() == Phase.FAILING_OVER && before.phase() != Phase.FAILING_OVER
                && after.lastFailure().map(k -> policy.reactionTo(k) == Reaction.RESTART).orElse(false)
                && recentRestarts(before, event.at()) < 1 && before.phase() != Phase.RESTARTING) {
            v.add("4: failover for " + after.lastFailure().get() + " without a restart first");
        }
        // Commands: 1, 2, 3, 7
        for (Command c : t.commands()) {
            pending.put(c.id(), c);
            if (c instanceof Command.StartService s) {
                checkEpoch(v, "start", s.node(), s.epoch());
                othersOut(v, "start", s.node());
                NodeId prev = startsPerEpoch.putIfAbsent(s.epoch(), s.node());
                if (prev != null && !prev.equals(s.node())) {
                    v.add("1: " + s.epoch() + " started the service on " + prev + " and " + s.node());
                }
                if (!s.epoch().equals(promotedUnder.get(s.node()))) {
                    v.add("7: start on " + s.node() + " under " + s.epoch() + " before its replicas were promoted under it");
                }
                startedUnder.put(s.node(), s.epoch());
                maybeRunning.put(s.node(), true);
            } else if (c instanceof Command.Promote p) {
                checkEpoch(v, "promote", p.node(), p.epoch());
                othersOut(v, "promote", p.node());
                if (!p.node().equals(grantedTo)) {
                    v.add("3: promote on " + p.node() + " which does not hold the lease (" + grantedTo + ")");
                }
                if (!Boolean.TRUE.equals(upToDateChecked.get(p.node()))
                        && !(p.force() && before.forcePromote().map(p.node()::equals).orElse(false))) {
                    v.add("3: promote on " + p.node() + " without an up-to-date check or an operator's force");
                }
            } else if (c instanceof Command.Route r) {
                checkEpoch(v, "route", r.node(), r.epoch());
                othersOut(v, "route", r.node());
                if (!r.epoch().equals(promotedUnder.get(r.node()))) {
                    v.add("7: route to " + r.node() + " before its replicas were promoted under " + r.epoch());
                }
                if (!r.epoch().equals(startedUnder.get(r.node())) && !adopted.contains(r.node())) {
                    v.add("7: route to " + r.node() + " before the service was started there under " + r.epoch());
                }
            } else if (c instanceof Command.Demote d) {
                if (maybeRunning.get(d.node())) {
                    v.add("7: demote on " + d.node() + " while its service may still run");
                }
            } else if (c instanceof Command.OutdatePeer o) {
                if (maybeRunning.get(o.peer())) {
                    v.add("7: outdate " + o.peer() + " while its service may still run");
                }
            }
        }
        return v;
    }

    private void checkEpoch(List<String> v, String what, NodeId node, Epoch e) {
        if (!e.equals(granted) || granted.equals(Epoch.NONE)) {
            v.add("1: " + what + " on " + node + " under " + e + ", but the newest lease is " + granted);
        }
    }

    private void othersOut(List<String> v, String what, NodeId node) {
        for (NodeId n : config.nodes()) {
            if (!n.equals(node) && maybeRunning.get(n)) {
                v.add("2: " + what + " on " + node + " while " + n + " is not confirmed stopped or fenced");
            }
        }
    }

    /** Updates what is known from results; only results of commands the monitor saw count. */
    private void learn(Event e) {
        e.accept(learner);
    }

    /** What each event teaches the monitor: one method per event type, so a new one is not forgotten. */
    private final Event.Visitor<Void> learner = new Event.Visitor<>() {
        @Override
        public Void visitStarted(Event.Started e) {
            return null;
        }

        @Override
        public Void visitTimerFired(Event.TimerFired e) {
            return null;
        }

        @Override
        public Void visitProbeCompleted(Event.ProbeCompleted e) {
            return null;
        }

        @Override
        public Void visitVerdictReported(Event.VerdictReported e) {
            return null;
        }

        @Override
        public Void visitActionCompleted(Event.ActionCompleted a) {
            Command c = pending.get(a.commandId());
            if (c instanceof Command.Promote p && a.result().isOk()) {
                promotedUnder.put(p.node(), p.epoch());
            }
            return null;
        }

        @Override
        public Void visitStateObserved(Event.StateObserved s) {
            maybeRunning.put(s.node(), s.state() != RunState.STOPPED);
            return null;
        }

        @Override
        public Void visitFenceCompleted(Event.FenceCompleted f) {
            if (f.result().isVerifiedOff()) {
                maybeRunning.put(f.node(), false);
            } else if (f.result().powerState() == PowerState.ON) {
                maybeRunning.put(f.node(), true);
            }
            return null;
        }

        @Override
        public Void visitReplicaObserved(Event.ReplicaObserved r) {
            upToDateChecked.put(r.node(), r.status().isUpToDate());
            return null;
        }

        @Override
        public Void visitLeaseAcquired(Event.LeaseAcquired l) {
            if (l.result().isGranted()) {
                Epoch ep = l.result().lease().orElseThrow().epoch();
                if (ep.isAfter(granted)) {
                    granted = ep;
                    grantedTo = l.result().lease().get().holder();
                    upToDateChecked.clear();
                }
            }
            return null;
        }

        @Override
        public Void visitObserved(Event.Observed o) {
            adopted.clear();
            for (NodeId n : config.nodes()) {
                RunState s = o.observation().service(n);
                maybeRunning.put(n, s != RunState.STOPPED);
                if (s == RunState.RUNNING) {
                    adopted.add(n);
                }
            }
            return null;
        }

        @Override
        public Void visitLeaseLost(Event.LeaseLost l) {
            if (l.epoch().equals(granted)) {
                grantedTo = null;
            }
            return null;
        }

        @Override
        public Void visitSwitchoverRequested(Event.SwitchoverRequested e) {
            return null;
        }

        @Override
        public Void visitMaintenanceRequested(Event.MaintenanceRequested e) {
            return null;
        }

        @Override
        public Void visitClearRequested(Event.ClearRequested e) {
            return null;
        }
    };

    private static boolean notified(Transition t, Notification.Kind kind) {
        for (Command c : t.commands()) {
            if (c instanceof Command.Notify n && n.notification().kind() == kind) {
                return true;
            }
        }
        return false;
    }

    private static Optional<FailureKind> verdictKind(Event e) {
        if (e instanceof Event.ProbeCompleted p) {
            return p.result().failure();
        }
        if (e instanceof Event.VerdictReported r) {
            return r.result().failure();
        }
        return Optional.empty();
    }

    private static boolean isDatabase(FailureKind k) {
        return k == FailureKind.DATABASE_DOWN || k == FailureKind.DATABASE_CONNECTION_LOST;
    }

    private int recentRestarts(ClusterState s, Instant now) {
        Instant horizon = now.minus(policy.restartWindow());
        int n = 0;
        for (Instant t : s.restarts()) {
            if (t.isAfter(horizon)) {
                n++;
            }
        }
        return n;
    }
}
