// FROZEN: a copy of dev.ha4j.core.engine.FailoverEngine as of commit 596be15, before the restructuring of issue 8.
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
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.testkit.legacy.Plan.Kind;
import dev.ha4j.testkit.legacy.Plan.Stage;
import dev.ha4j.testkit.legacy.Plan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure failover engine: a deterministic function from (cluster state, event) to (new state, commands,
 * reason). It does no I/O, starts no thread, reads no clock and draws no random number; time arrives inside
 * the events. The same engine runs inside the {@link dev.ha4j.core.runtime.HaRuntime}, the testkit's
 * simulator and a user's policy test, and replaying a journal of its events reproduces its decisions exactly.
 *
 * <p>What it implements: the policy's failure table (restart, failover, fence-then-failover, ignore, block),
 * the escalation ladder ({@code N} restarts within {@code W}, then failover; restarts expire after {@code W}),
 * failures in a row before acting, start-up grace, the service's own maintenance up to a maximum, operator
 * maintenance (nothing started, stopped or moved), the ordered takeover plan of {@code docs/design.md} (its
 * steps as data in {@link Plan.Kind}) with its BLOCKED outcome (old active confirmed stopped or fenced level by
 * level with a per-node delay; lease with a new epoch; replicas promoted only when up to date or forced; start;
 * wait healthy; route; notify), planned switchover, lease loss and reconciliation after a (re)start.
 *
 * <p>Invariants 9 to 11: every command sent stays in the state ({@link ClusterState#outstanding()}) until it is
 * answered, whatever happens to the plan that sent it; a node with an outstanding or late start or promotion,
 * or an unanswered one of a previous manager, {@linkplain ClusterState#mightRun() might be running} and is made
 * sure out before the service starts or a replica is promoted elsewhere; one command per node and kind runs at
 * a time; an answer must match its command's type and node; a lease reported lost before its grant is never
 * used; an operator's force is used up by the next promotion of that node and expires; failovers stay within a
 * budget and never return to a node whose service used up its restarts within the window unless the active
 * node is lost; standbys are checked at their own interval and one found unusable is tried last.
 *
 * <p>Immutable and thread-safe: an engine holds only its configuration, so one instance may serve many
 * threads, each with its own states.
 */
public final class FailoverEngine {
    private static final List<Instant> NO_RESTARTS = List.of();
    /**
     * How soon the first probe after a start (or restart) goes out; each further one that finds the service
     * not yet healthy waits twice as long, up to the probe interval, so that a quick start is seen quickly.
     */
    static final Duration FIRST_PROBE_DELAY = Duration.ofMillis(50);

    private final ClusterConfig config;
    private final Policy policy;
    private final Duration observeTimeout;

    /**
     * @param config the cluster configuration
     * @throws NullPointerException if {@code config} is null
     */
    public FailoverEngine(ClusterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.policy = config.policy();
        this.observeTimeout = Collections.max(List.of(policy.confirmTimeout(), policy.replicaTimeout(),
                policy.routeTimeout(), policy.leaseTimeout()));
    }

    /** @return the configuration */
    public ClusterConfig config() {
        return config;
    }

    /**
     * The state before the manager has started: nothing known. Feed {@link Event.Started} to begin.
     *
     * @return the initial state
     */
    public ClusterState initialState() {
        ClusterState.Mut m = new ClusterState.Mut();
        m.phase = Phase.RECONCILING;
        m.highestEpoch = Epoch.NONE;
        m.roles = unknownRoles();
        m.restarts = NO_RESTARTS;
        m.nextId = 1;
        return m.freeze();
    }

    private Map<NodeId, NodeRole> unknownRoles() {
        Map<NodeId, NodeRole> roles = new LinkedHashMap<>();
        for (NodeId n : config.nodes()) {
            roles.put(n, NodeRole.UNKNOWN);
        }
        return Collections.unmodifiableMap(roles);
    }

    /**
     * Decides what one event means.
     *
     * @param state the current state, as returned by {@link #initialState()} or an earlier call
     * @param event the event
     * @return the new state, the commands to execute in order, and the reason
     * @throws NullPointerException if an argument is null
     */
    public Transition apply(ClusterState state, Event event) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(event, "event");
        Ctx c = new Ctx(state.mut(), event.at());
        if (event instanceof Event.TimerFired e) {
            c.onTimer(e);
        } else if (event instanceof Event.Result e) {
            c.onAnswer(e);
        } else if (event instanceof Event.VerdictReported e) {
            c.onReportedVerdict(e);
        } else if (event instanceof Event.Started e) {
            c.onStarted(e.recovered());
        } else if (event instanceof Event.LeaseLost e) {
            c.onLeaseLost(e);
        } else if (event instanceof Event.SwitchoverRequested e) {
            c.onSwitchover(e.target());
        } else if (event instanceof Event.MaintenanceRequested e) {
            c.onMaintenance(e);
        } else if (event instanceof Event.ClearRequested e) {
            c.onClear(e.forcePromote());
        } else {
            throw new IllegalArgumentException("unknown event type " + event.getClass().getName());
        }
        return new Transition(c.m.freeze(), c.commands, c.reason());
    }

    /** The work of one {@link #apply} call: a mutable copy of the state and the commands and reasons so far. */
    private final class Ctx {
        ClusterState.Mut m;
        final Instant now;
        final List<Command> commands = new ArrayList<>(4);
        private String firstReason;
        private StringBuilder reasons;

        Ctx(ClusterState.Mut m, Instant now) {
            this.m = m;
            this.now = now;
        }

        // ----------------------------------------------------------------- bookkeeping

        void why(String reason) {
            if (firstReason == null) {
                firstReason = reason;
            } else {
                if (reasons == null) {
                    reasons = new StringBuilder(firstReason);
                }
                reasons.append("; ").append(reason);
            }
        }

        String reason() {
            return reasons != null ? reasons.toString() : firstReason != null ? firstReason : "no change";
        }

        long id() {
            return m.nextId++;
        }

        /** Sends a command; one that gets an answer stays outstanding until the answer arrives (invariant 9). */
        void emit(Command cmd) {
            commands.add(cmd);
            if (Commands.answered(cmd)) {
                m.send(new Outstanding(cmd, now));
            }
        }

        /**
         * Sends the command the plan's current step waits for, unless a command that must not overlap with it
         * (same node and group) is still outstanding: then the plan waits for that answer and resumes after it.
         *
         * @return whether it was sent
         */
        boolean emitPending(Command cmd) {
            for (Outstanding o : m.outstanding) {
                if (Commands.conflicts(cmd, o.command())) {
                    m.pendingId = 0;
                    m.waiting = true;
                    why("waiting for " + o + " to answer before " + cmd.getClass().getSimpleName()
                            + Commands.node(cmd).map(n -> " on " + n).orElse("")
                            + ": one command at a time per node and kind");
                    return false;
                }
            }
            emit(cmd);
            m.pendingId = cmd.id();
            m.waiting = false;
            return true;
        }

        /** Abandons the plan in progress; its outstanding commands stay outstanding. */
        void dropPlan() {
            m.plan = null;
            m.pendingId = 0;
            m.fenceTimerId = 0;
            m.waiting = false;
        }

        boolean forced(NodeId n) {
            return n.equals(m.forcePromote) && m.forceUntil != null && !now.isAfter(m.forceUntil);
        }

        /** Whether a start or promotion on {@code n} is outstanding right now. */
        boolean startingOrPromoting(NodeId n) {
            for (Outstanding o : m.outstanding) {
                Command c = o.command();
                if ((c instanceof Command.StartService s && s.node().equals(n))
                        || (c instanceof Command.Promote p && p.node().equals(n))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code n} might be running the service or hold a primary replica without being the active. */
        boolean mightRun(NodeId n) {
            return m.strays.containsKey(n) || startingOrPromoting(n);
        }

        /** Nodes other than {@code target} that might be running the service, in the configuration's order. */
        List<NodeId> loose(NodeId target) {
            List<NodeId> out = new ArrayList<>();
            for (NodeId n : config.nodes()) {
                if (!n.equals(target) && m.roles.get(n) != NodeRole.FENCED && mightRun(n)) {
                    out.add(n);
                }
            }
            return out;
        }

        void notifyOperator(Notification.Kind kind, NodeId node, String message) {
            emit(new Command.Notify(id(), new Notification(now, kind, Optional.ofNullable(node),
                    m.lease == null ? Epoch.NONE : m.lease.epoch(), message)));
        }

        Epoch epoch() {
            return m.lease == null ? Epoch.NONE : m.lease.epoch();
        }

        // ----------------------------------------------------------------- manager start and reconciliation

        void onStarted(Optional<Event.Recovered> recovered) {
            // A (re)started manager knows nothing but the epochs it saw and the command ids it must not reuse.
            ClusterState.Mut fresh = initialState().mut();
            fresh.highestEpoch = m.highestEpoch;
            fresh.nextId = m.nextId;
            m = fresh;
            if (recovered.isPresent()) {
                Event.Recovered r = recovered.get();
                if (r.highestEpoch().isAfter(m.highestEpoch)) {
                    m.highestEpoch = r.highestEpoch();
                }
                m.nextId = Math.max(m.nextId, r.nextCommandId());
                m.restarts = List.copyOf(r.restarts());
                for (Command c : r.outstanding()) {
                    // The previous run never saw these answered and never will: a start or promotion may have
                    // gone through. Only securing the node (stop and confirm, or fence) clears that doubt.
                    if (c instanceof Command.StartService || c instanceof Command.Promote) {
                        NodeId n = Commands.node(c).orElseThrow();
                        if (config.contains(n)) {
                            m.stray(n, Long.MAX_VALUE);
                        }
                    }
                }
                if (!m.strays.isEmpty()) {
                    why("manager restarted: the journal has an unanswered start or promotion on " + m.strays.keySet()
                            + ": they might be running and are made sure out before the service starts elsewhere");
                }
                boolean maintenance = r.maintenanceUntil().isPresent() && r.maintenanceUntil().get().isAfter(now);
                if (maintenance) {
                    // A clock stepped back must not stretch maintenance beyond the policy's maximum.
                    Instant limit = now.plus(policy.maxMaintenance());
                    m.maintenanceUntil = r.maintenanceUntil().get().isAfter(limit) ? limit : r.maintenanceUntil().get();
                    long id = id();
                    m.maintenanceTimerId = id;
                    emit(new Command.ArmTimer(id, Timer.MAINTENANCE_END, m.maintenanceUntil));
                }
                if (r.blockedReason().isPresent()) {
                    m.phase = Phase.BLOCKED;
                    m.blockedReason = r.blockedReason().get();
                    why("manager restarted: the journal says the cluster is BLOCKED (" + m.blockedReason
                            + "); staying blocked until an operator clears it"
                            + (maintenance ? "; maintenance is on until " + m.maintenanceUntil : ""));
                    notifyOperator(Notification.Kind.BLOCKED, null, "still blocked after a manager restart: "
                            + m.blockedReason);
                    return;
                }
                if (maintenance) {
                    why("manager restarted: the journal says maintenance is on until " + m.maintenanceUntil
                            + "; observing the cluster when it ends");
                    return;
                }
            }
            why("manager started: assuming nothing, observing the cluster");
            reconcile();
        }

        void reconcile() {
            m.phase = Phase.RECONCILING;
            dropPlan();
            stopProbing();
            emitPending(new Command.Observe(id(), observeTimeout));
        }

        void onObserved(Event.Observed e) {
            if (e.commandId() != m.pendingId || m.phase != Phase.RECONCILING || m.plan != null) {
                why("ignored observation " + e.commandId() + ": no longer waited for");
                return;
            }
            m.pendingId = 0;
            Observation o = e.observation();
            List<NodeId> running = new ArrayList<>();
            List<NodeId> unknown = new ArrayList<>();
            List<NodeId> primaries = new ArrayList<>();
            for (NodeId n : config.nodes()) {
                RunState rs = o.service(n);
                Long mark = m.strays.get(n);
                if (rs == RunState.STOPPED && mark != null && mark < e.commandId()) {
                    // Observed after the doubt arose, and stopped: the doubt is settled.
                    m.unstray(n);
                }
                if (o.replica(n).role() == ReplicaRole.PRIMARY) {
                    primaries.add(n);
                }
                if (rs == RunState.RUNNING) {
                    running.add(n);
                } else if (rs == RunState.UNKNOWN || mightRun(n)) {
                    // A node with a start still running, or one answered after its plan was abandoned, is not
                    // a standby whatever it shows now: it might be running the service in a moment.
                    unknown.add(n);
                    m.role(n, NodeRole.UNKNOWN);
                } else {
                    m.role(n, NodeRole.STANDBY);
                }
            }
            if (running.size() > 1) {
                m.active = null;
                block("the service runs on several nodes at once " + running
                        + ": an operator must choose which one to keep");
                return;
            }
            if (running.size() == 1) {
                NodeId a = running.get(0);
                m.active = a;
                m.unstray(a);
                m.role(a, NodeRole.ACTIVE);
                why("observed the service running on " + a + (unknown.isEmpty() ? "" : ", state unknown on " + unknown)
                        + ": adopting it");
                List<NodeId> secure = new ArrayList<>(unknown);
                for (NodeId n : primaries) {
                    if (!n.equals(a) && !secure.contains(n)) {
                        // The running copy is the one clients write to; another primary is made sure out and
                        // demoted, never built on.
                        secure.add(n);
                    }
                }
                if (secure.size() > unknown.size()) {
                    why("replicas are also PRIMARY on " + secure.subList(unknown.size(), secure.size())
                            + ": securing and demoting them");
                    notifyOperator(Notification.Kind.STRAY_SERVICE, secure.get(unknown.size()), "replicas are PRIMARY"
                            + " on " + primaries + " while the service runs on " + a + ": demoting the others");
                }
                startPlan(Plan.of(Kind.ADOPT, a, secure, initialStage(false, false), false, false,
                        "service found running on " + a));
                return;
            }
            if (primaries.size() > 1) {
                m.active = null;
                block("the replicas are PRIMARY on several nodes at once " + primaries + " and the service runs"
                        + " nowhere: the data may have diverged; an operator must choose which copy to keep");
                return;
            }
            m.active = null;
            NodeId target = null;
            for (int pass = 0; pass < 2 && target == null; pass++) {
                for (NodeId n : config.nodes()) {
                    // A node that might be running is a candidate only once it is made sure out (it stays in
                    // the secure queue, so the plan stops and confirms it first); one with a start or promotion
                    // still running is not a candidate at all.
                    if (o.service(n) != RunState.STOPPED || startingOrPromoting(n)) {
                        continue;
                    }
                    ReplicaStatus r = o.replica(n);
                    boolean usable = r.isUpToDate() || forced(n);
                    if (usable && (pass == 1 || r.role() == ReplicaRole.PRIMARY)) {
                        target = n;
                        break;
                    }
                }
            }
            if (target == null) {
                StringBuilder b = new StringBuilder();
                for (NodeId n : config.nodes()) {
                    b.append(b.length() == 0 ? "" : ", ").append(n).append(": service ").append(o.service(n))
                            .append(", replica ").append(o.replica(n).role()).append('/')
                            .append(o.replica(n).consistency());
                }
                block("no node can take the service (" + b + "): a candidate needs a confirmed-stopped service and"
                        + " an up-to-date replica, or an operator's force");
                return;
            }
            List<NodeId> secure = new ArrayList<>(unknown);
            for (NodeId n : config.nodes()) {
                ReplicaRole role = o.replica(n).role();
                if (!n.equals(target) && !secure.contains(n)
                        && (role == ReplicaRole.PRIMARY || role == ReplicaRole.UNKNOWN)) {
                    // A stopped node left with a primary replica (or one that could not be read) is demoted before
                    // another copy is promoted: two primaries are never built on.
                    secure.add(n);
                }
            }
            why("observed no running service" + (unknown.isEmpty() ? "" : ", state unknown on " + unknown)
                    + (secure.size() > unknown.size() ? ", a primary or unreadable replica on "
                            + secure.subList(unknown.size(), secure.size()) : "")
                    + ": starting it on " + target);
            startPlan(Plan.of(Kind.START, target, secure, initialStage(false, false), false, false,
                    "no service running"));
        }

        // ----------------------------------------------------------------- probing

        boolean probing() {
            if (m.active == null || m.phase == Phase.BLOCKED || m.phase == Phase.RECONCILING) {
                return false;
            }
            return m.plan == null || m.plan.current() == Step.WAIT_HEALTHY;
        }

        void stopProbing() {
            m.probeTimerId = 0;
            m.probeId = 0;
            m.standbyTimerId = 0;
        }

        void ensureProbing() {
            if (probing() && m.probeTimerId == 0 && m.probeId == 0) {
                // After a start: soon, then backing off. After a bad probe: the recheck interval, so that a
                // failure already seen is confirmed quickly; it still takes N bad probes in a row.
                Duration delay = m.probeDelay != null ? m.probeDelay
                        : m.failuresInRow > 0 ? policy.recheckInterval() : policy.probeInterval();
                long id = id();
                m.probeTimerId = id;
                emit(new Command.ArmTimer(id, Timer.PROBE, now.plus(delay)));
            }
            ensureStandbyChecks();
        }

        /** While the service runs and nothing else happens, the standbys are checked at their own interval. */
        void ensureStandbyChecks() {
            if (m.phase != Phase.RUNNING || m.plan != null || m.active == null || m.standbyTimerId != 0
                    || m.maintenanceUntil != null || standbys().isEmpty()) {
                return;
            }
            long id = id();
            m.standbyTimerId = id;
            emit(new Command.ArmTimer(id, Timer.STANDBY_CHECK, now.plus(policy.standbyProbeInterval())));
        }

        List<NodeId> standbys() {
            List<NodeId> out = new ArrayList<>();
            for (NodeId n : config.nodes()) {
                if (!n.equals(m.active) && m.roles.get(n) != NodeRole.FENCED) {
                    out.add(n);
                }
            }
            return out;
        }

        void checkStandbys() {
            List<NodeId> standbys = standbys();
            for (NodeId n : standbys) {
                long a = id();
                emit(new Command.ConfirmStopped(a, n, policy.confirmTimeout()));
                m.check(a, true);
                long b = id();
                emit(new Command.CheckReplica(b, n, policy.replicaTimeout()));
                m.check(b, true);
            }
            why("checking the standbys " + standbys + ": reachable, the service not running, the replica usable");
        }

        /** What a standby check found: a finding to secure, a standby that cannot take over, or one that can. */
        void onStandbyCheck(NodeId n, Event.Result e) {
            if (n.equals(m.active) || m.roles.get(n) == NodeRole.FENCED) {
                why("standby check of " + n + ": " + describe(e) + " (no longer a standby)");
                return;
            }
            if (e instanceof Event.StateObserved so) {
                switch (so.state()) {
                    case RUNNING -> {
                        m.stray(n, m.nextId);
                        why("standby check: the service runs on " + n + ", which should be a standby: a finding");
                        secureStrays();
                    }
                    case UNKNOWN -> standbyUsable(n, "unreachable: its service state cannot be read");
                    default -> {
                        why("standby check: the service is " + so.state() + " on " + n);
                        if (m.unusable.getOrDefault(n, "").startsWith("unreachable")) {
                            standbyUsable(n, null);
                        }
                    }
                }
            } else if (e instanceof Event.ReplicaObserved ro) {
                ReplicaStatus r = ro.status();
                if (r.role() == ReplicaRole.PRIMARY) {
                    m.stray(n, m.nextId);
                    why("standby check: the replica on " + n + " is PRIMARY, which no standby's may be: a finding");
                    secureStrays();
                } else if (!r.isUpToDate()) {
                    standbyUsable(n, "its replica is " + r);
                } else {
                    why("standby check: the replica on " + n + " is " + r);
                    if (m.unusable.getOrDefault(n, "").startsWith("its replica")) {
                        standbyUsable(n, null);
                    }
                }
            }
        }

        void standbyUsable(NodeId n, String problem) {
            if (!m.unusable(n, problem)) {
                why("standby check of " + n + (problem == null ? ": usable" : ": still not usable (" + problem + ")"));
                return;
            }
            if (problem == null) {
                why("standby " + n + " can take over again");
                notifyOperator(Notification.Kind.STANDBY_HEALTHY, n, "standby " + n + " can take over again");
            } else {
                why("standby " + n + " cannot take over: " + problem);
                notifyOperator(Notification.Kind.STANDBY_UNHEALTHY, n, "standby " + n + " cannot take over: "
                        + problem + "; it is no failover target until a check finds it usable");
            }
        }

        void onTimer(Event.TimerFired e) {
            switch (e.timer()) {
                case PROBE -> {
                    if (e.commandId() != m.probeTimerId) {
                        why("ignored a replaced probe timer");
                        return;
                    }
                    m.probeTimerId = 0;
                    if (!probing()) {
                        why("probe not needed in phase " + m.phase);
                        return;
                    }
                    long id = id();
                    m.probeId = id;
                    Duration timeout = m.firstProbe ? policy.firstProbeTimeout() : policy.probeTimeout();
                    emit(new Command.Probe(id, m.active, timeout));
                    why("probing " + m.active);
                }
                case FENCE_DELAY -> {
                    Plan p = m.plan;
                    if (e.commandId() != m.fenceTimerId || p == null || p.stage() != Stage.FENCE_DELAY
                            || p.current() != Step.SECURE) {
                        why("ignored a stale fencing delay");
                        return;
                    }
                    m.fenceTimerId = 0;
                    m.pendingId = 0;
                    m.plan = p.withStage(Stage.FENCE, 0);
                    why("fencing delay for " + p.secureQueue().get(0) + " has passed");
                    run();
                }
                case STANDBY_CHECK -> {
                    if (e.commandId() != m.standbyTimerId) {
                        why("ignored a replaced standby check timer");
                        return;
                    }
                    m.standbyTimerId = 0;
                    if (m.phase == Phase.RUNNING && m.plan == null && m.maintenanceUntil == null) {
                        checkStandbys();
                    } else {
                        why("standby check not needed in phase " + m.phase);
                    }
                    ensureStandbyChecks();
                }
                case MAINTENANCE_END -> {
                    if (e.commandId() != m.maintenanceTimerId || m.maintenanceUntil == null) {
                        why("ignored a stale maintenance timer");
                        return;
                    }
                    endMaintenance("maintenance ran out at its limit");
                }
                default -> throw new IllegalStateException("unknown timer " + e.timer());
            }
        }

        void onProbe(Event.ProbeCompleted e) {
            if (e.commandId() != m.probeId) {
                why("ignored a result of probe " + e.commandId() + ": no longer waited for");
                return;
            }
            m.probeId = 0;
            m.firstProbe = false;
            if (m.probeDelay != null) {
                Duration next = m.probeDelay.multipliedBy(2);
                m.probeDelay = e.result().status() == dev.ha4j.core.HealthStatus.HEALTHY || next.compareTo(policy.probeInterval()) >= 0 ? null : next;
            }
            verdict(e.node(), e.result(), "probe");
            ensureProbing();
        }

        void onReportedVerdict(Event.VerdictReported e) {
            if (!e.node().equals(m.active) || !probing()) {
                why("ignored a verdict from " + e.source() + " about " + e.node() + ": not the watched active node");
                return;
            }
            verdict(e.node(), e.result(), e.source());
        }

        void verdict(NodeId node, ProbeResult r, String source) {
            m.lastVerdict = r;
            m.lastVerdictAt = now;
            if (m.maintenanceUntil != null) {
                why(source + " of " + node + ": " + r + "; maintenance is on: recorded, no action");
                return;
            }
            switch (r.status()) {
                case HEALTHY, FIRST_RUN -> {
                    why(source + " of " + node + ": " + r.status()
                            + (m.failuresInRow > 0 ? " again after " + m.failuresInRow + " bad probe(s)" : ""));
                    m.failuresInRow = 0;
                    m.serviceMaintenanceSince = null;
                    m.startingSince = null;
                    m.graceDeadline = null;
                    if (m.plan != null && m.plan.current() == Step.WAIT_HEALTHY) {
                        m.plan = m.plan.next();
                        run();
                    }
                }
                case STARTING -> {
                    if (m.graceDeadline == null) {
                        m.startingSince = now;
                        m.graceDeadline = now.plus(policy.startupGrace());
                    }
                    if (!now.isAfter(m.graceDeadline)) {
                        why(source + " of " + node + ": STARTING, within start-up grace until " + m.graceDeadline);
                    } else {
                        failure(FailureKind.START_TIMEOUT, "still STARTING after the start-up grace of "
                                + policy.startupGrace(), source, node);
                    }
                }
                case STOPPING -> failure(FailureKind.CRASHED, "the service is stopping by itself", source, node);
                case MAINTENANCE -> {
                    if (m.serviceMaintenanceSince == null) {
                        m.serviceMaintenanceSince = now;
                    }
                    Instant limit = m.serviceMaintenanceSince.plus(policy.maxMaintenance());
                    if (now.isAfter(limit)) {
                        failure(FailureKind.MAINTENANCE_TOO_LONG, "in MAINTENANCE since " + m.serviceMaintenanceSince
                                + ", beyond the limit of " + policy.maxMaintenance(), source, node);
                    } else {
                        why(source + " of " + node + ": service reports MAINTENANCE since "
                                + m.serviceMaintenanceSince + ": no action until " + limit);
                    }
                }
                case FAILED, UNREACHABLE -> failure(r.failure().orElseThrow(), r.detail(), source, node);
                default -> throw new IllegalStateException("unknown status " + r.status());
            }
        }

        void failure(FailureKind kind, String detail, String source, NodeId node) {
            Reaction reaction = policy.reactionTo(kind);
            String what = source + " of " + node + ": " + kind + (detail.isEmpty() ? "" : " (" + detail + ")");
            if (reaction == Reaction.IGNORE) {
                why(what + " -> no action: " + kind + " is IGNORE in the failure table"
                        + (kind == FailureKind.DATABASE_DOWN || kind == FailureKind.DATABASE_CONNECTION_LOST
                                ? " (database trouble: a standby would not help)" : ""));
                return;
            }
            if (kind != FailureKind.START_FAILED && m.graceDeadline != null && !now.isAfter(m.graceDeadline)) {
                why(what + " -> not counted: within start-up grace until " + m.graceDeadline);
                return;
            }
            m.failuresInRow++;
            m.lastFailure = kind;
            if (m.failuresInRow < policy.failuresBeforeAction()) {
                why(what + " -> bad probe " + m.failuresInRow + " of " + policy.failuresBeforeAction()
                        + " in a row before acting");
                return;
            }
            why(what + " -> failure confirmed after " + m.failuresInRow + " in a row");
            m.failuresInRow = 0;
            confirmedFailure(kind, detail);
        }

        void confirmedFailure(FailureKind kind, String detail) {
            Reaction reaction = policy.reactionTo(kind);
            String cause = kind + (detail.isEmpty() ? "" : " (" + detail + ")");
            m.lastFailure = kind;
            if (m.plan != null && m.plan.kind() != Kind.RESTART) {
                block("the service on " + m.plan.target() + " did not become healthy during " + m.plan.kind()
                        + ": " + cause);
                return;
            }
            switch (reaction) {
                case BLOCK -> block(cause + " on " + m.active + ": a standby would fail too, manual intervention needed");
                case RESTART -> {
                    List<Instant> recent = recentRestarts();
                    if (recent.size() < policy.restartLimit()) {
                        restart(cause, recent);
                    } else {
                        // The service used up its restarts here: within the window no failover comes back.
                        m.exhausted(m.active, now);
                        failover(cause + "; restart limit reached: " + recent.size() + " restart(s) within "
                                + policy.restartWindow(), false, true);
                    }
                }
                case FAILOVER -> failover(cause, false, false);
                case FENCE_AND_FAILOVER -> failover(cause, true, false);
                case IGNORE -> why("no action for " + cause);
                default -> throw new IllegalStateException("unknown reaction " + reaction);
            }
        }

        List<Instant> recentRestarts() {
            Instant horizon = now.minus(policy.restartWindow());
            List<Instant> recent = new ArrayList<>(m.restarts.size() + 1);
            for (Instant t : m.restarts) {
                if (t.isAfter(horizon)) {
                    recent.add(t);
                }
            }
            return recent;
        }

        // ----------------------------------------------------------------- reactions

        void restart(String cause, List<Instant> recent) {
            NodeId a = m.active;
            recent.add(now);
            m.restarts = List.copyOf(recent);
            why("restarting " + a + " in place (restart " + recent.size() + " of " + policy.restartLimit()
                    + " within " + policy.restartWindow() + ")");
            notifyOperator(Notification.Kind.RESTARTED, a, "restarting the service on " + a + " (restart "
                    + recent.size() + " of " + policy.restartLimit() + " within " + policy.restartWindow() + "): "
                    + cause);
            // A replica can come back secondary after a reboot: check and promote (idempotent) before starting.
            startPlan(Plan.of(Kind.RESTART, a, List.of(a), initialStage(false, false), false, false, cause));
        }

        /**
         * Fails over from the active node, within the crash-loop budget: at most {@code maxFailovers} within the
         * failover window, and, after a service used up its restarts, never to a node whose service did the same
         * within the restart window (a service that fails wherever it runs is a service problem: a standby would
         * fail too). A lost node is failed away from whatever its standby's past, so a service crash followed by
         * the new node's death still fails back at once. Nothing is stopped when the failover cannot happen.
         */
        void failover(String cause, boolean fenceFirst, boolean serviceFailure) {
            NodeId old = m.active;
            List<Instant> recent = new ArrayList<>();
            Instant horizon = now.minus(policy.failoverWindow());
            for (Instant t : m.failovers) {
                if (t.isAfter(horizon)) {
                    recent.add(t);
                }
            }
            if (recent.size() >= policy.maxFailovers()) {
                m.failovers = List.copyOf(recent);
                block("failover needed (" + cause + ") but " + recent.size() + " failover(s) already happened within "
                        + policy.failoverWindow() + " (the budget is " + policy.maxFailovers() + "): the service fails"
                        + " wherever it runs; leaving " + (old == null ? "the cluster" : old) + " as it is");
                return;
            }
            NodeId target = null;
            List<NodeId> spent = new ArrayList<>();
            // A standby the last check found unusable is tried only when no other is left: the check before the
            // takeover (PRECHECK_REPLICA) has the last word, as the last standby check may be stale.
            for (int pass = 0; pass < 2 && target == null; pass++) {
                for (NodeId n : config.nodes()) {
                    if (n.equals(old) || !candidate(n) || (pass == 0) == m.unusable.containsKey(n)) {
                        continue;
                    }
                    if (serviceFailure && exhaustedRecently(n)) {
                        if (!spent.contains(n)) {
                            spent.add(n);
                        }
                        continue;
                    }
                    target = n;
                    break;
                }
            }
            if (target == null) {
                String why = !spent.isEmpty() ? "the service also used up its restarts on " + spent + " within "
                        + policy.restartWindow() + ": a standby would fail too"
                        : "no standby is usable: " + standbyReport(old);
                block("failover needed (" + cause + ") but " + why + "; leaving " + (old == null ? "the cluster" : old)
                        + " as it is");
                return;
            }
            recent.add(now);
            m.failovers = List.copyOf(recent);
            why("failing over from " + old + " to " + target + (fenceFirst ? ", fencing " + old + " first" : "")
                    + " (failover " + recent.size() + " of " + policy.maxFailovers() + " within "
                    + policy.failoverWindow() + ")");
            notifyOperator(Notification.Kind.FAILOVER_STARTED, old, "failing over from " + old + " to " + target
                    + ": " + cause);
            Plan p = Plan.of(Kind.FAILOVER, target, old == null ? List.of() : List.of(old),
                    initialStage(!fenceFirst, fenceFirst), !fenceFirst, fenceFirst, cause);
            startPlan(serviceFailure ? p.asServiceFailure() : p);
        }

        void failover(String cause, boolean fenceFirst) {
            failover(cause, fenceFirst, false);
        }

        boolean exhaustedRecently(NodeId n) {
            Instant at = m.exhausted.get(n);
            return at != null && at.isAfter(now.minus(policy.restartWindow()));
        }

        String standbyReport(NodeId old) {
            StringBuilder b = new StringBuilder();
            for (NodeId n : config.nodes()) {
                if (!n.equals(old)) {
                    b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(m.roles.get(n));
                    if (m.unusable.containsKey(n)) {
                        b.append(" (").append(m.unusable.get(n)).append(')');
                    } else if (mightRun(n)) {
                        b.append(" (might be running)");
                    }
                }
            }
            return b.toString();
        }

        /**
         * Whether {@code n} may be the target of a takeover: a standby that nothing suggests might be running.
         * Standbys the last check found unusable come last (see {@link #nextCandidate}).
         */
        boolean candidate(NodeId n) {
            NodeRole role = m.roles.get(n);
            return (role == NodeRole.STANDBY || role == NodeRole.STOPPED) && !mightRun(n);
        }

        /** The next standby a failover has not tried yet, in order of preference (usable ones first), or null. */
        NodeId nextCandidate(Plan p) {
            for (int pass = 0; pass < 2; pass++) {
                for (NodeId n : config.nodes()) {
                    if (!n.equals(p.target()) && !p.passedOver().contains(n) && !p.secured().contains(n)
                            && candidate(n) && (pass == 0) != m.unusable.containsKey(n)
                            && !(p.serviceFailure() && exhaustedRecently(n))) {
                        return n;
                    }
                }
            }
            return null;
        }

        void block(String reason) {
            m.phase = Phase.BLOCKED;
            m.blockedReason = reason;
            dropPlan();
            stopProbing();
            why("BLOCKED: " + reason);
            notifyOperator(Notification.Kind.BLOCKED, m.active, reason);
        }

        // ----------------------------------------------------------------- plans

        Stage initialStage(boolean unrouteFirst, boolean fenceFirst) {
            return fenceFirst ? Stage.FENCE_DELAY : unrouteFirst ? Stage.UNROUTE : Stage.STOP;
        }

        void startPlan(Plan p) {
            dropPlan();
            m.plan = p;
            m.phase = p.kind().phase();
            stopProbing();
            run();
        }

        /** Issues the command of the current step, skipping steps that have nothing to do. */
        void run() {
            while (true) {
                Plan p = m.plan;
                Step step = p.current();
                if (step == null) {
                    finishPlan();
                    return;
                }
                switch (step) {
                    case PRECHECK_REPLICA, CHECK_REPLICA -> {
                        emitPending(new Command.CheckReplica(id(), p.target(), policy.replicaTimeout()));
                        return;
                    }
                    case SECURE -> {
                        if (p.secureQueue().isEmpty()) {
                            m.plan = p.next();
                            continue;
                        }
                        if (secureStep(p)) {
                            return;
                        }
                    }
                    case DEMOTE_OLD -> {
                        NodeId old = demotable(p);
                        if (old == null) {
                            m.plan = p.next();
                            continue;
                        }
                        emitPending(new Command.Demote(id(), old, m.highestEpoch, policy.replicaTimeout()));
                        return;
                    }
                    case ACQUIRE_LEASE -> {
                        emitPending(new Command.AcquireLease(id(), p.target(), policy.leaseTimeout()));
                        return;
                    }
                    case OUTDATE_PEER -> {
                        NodeId peer = firstOtherSecured(p, p.subIndex());
                        if (peer == null) {
                            m.plan = p.next();
                            continue;
                        }
                        emitPending(new Command.OutdatePeer(id(), peer, epoch(), policy.replicaTimeout()));
                        return;
                    }
                    case PROMOTE, START -> {
                        List<NodeId> loose = loose(p.target());
                        loose.removeAll(p.secureQueue());
                        if (!loose.isEmpty()) {
                            why("before " + (step == Step.PROMOTE ? "promoting" : "starting") + " on " + p.target()
                                    + ": " + loose + " might be running the service (a start or promotion answered"
                                    + " late or not at all): making sure they are out first");
                            m.plan = p.secureFirst(loose, Stage.STOP);
                            continue;
                        }
                        if (step == Step.START) {
                            emitPending(new Command.StartService(id(), p.target(), epoch(), policy.startTimeout()));
                            return;
                        }
                        if (p.force() && !forced(p.target())) {
                            block("the operator's force to promote the stale replica on " + p.target()
                                    + " was withdrawn or expired before the promotion");
                            return;
                        }
                        emitPending(new Command.Promote(id(), p.target(), epoch(), p.force(), policy.replicaTimeout()));
                        return;
                    }
                    case WAIT_HEALTHY -> {
                        ensureProbing();
                        return;
                    }
                    case ROUTE -> {
                        emitPending(new Command.Route(id(), p.target(), epoch(), policy.routeTimeout()));
                        return;
                    }
                    default -> throw new IllegalStateException("unknown step " + step);
                }
            }
        }

        /**
         * The next secured node that is stopped rather than fenced (a fenced node is off: nothing to demote) and
         * not demoted yet by this plan.
         */
        NodeId demotable(Plan p) {
            for (NodeId n : p.secured()) {
                if (m.roles.get(n) != NodeRole.FENCED && !p.demoted().contains(n)) {
                    return n;
                }
            }
            return null;
        }

        /**
         * Evidence that {@code x} may still hold a primary replica (a demotion or outdating that failed) is never
         * built on: fence {@code x} before going on, or block when no fencing level is configured.
         */
        void fenceBeforeGoingOn(Plan p, NodeId x, String evidence) {
            if (policy.fencingLevels().isEmpty()) {
                block(evidence + ": " + x + " may still hold a primary replica and no fencing level is configured");
                return;
            }
            why(evidence + ": " + x + " may still hold a primary replica; fencing it before going on");
            m.plan = p.secureFirst(List.of(x), Stage.FENCE_DELAY);
            run();
        }

        /** The {@code skip}-th secured node other than the target, or null. */
        NodeId firstOtherSecured(Plan p, int skip) {
            int seen = 0;
            for (NodeId n : p.secured()) {
                if (!n.equals(p.target())) {
                    if (seen == skip) {
                        return n;
                    }
                    seen++;
                }
            }
            return null;
        }

        /** Issues the command for the current securing stage; false when the node turned out to be done. */
        boolean secureStep(Plan p) {
            NodeId x = p.secureQueue().get(0);
            switch (p.stage()) {
                case UNROUTE -> emitPending(new Command.Unroute(id(), x, policy.routeTimeout()));
                case STOP -> emitPending(new Command.StopService(id(), x, policy.stopTimeout()));
                case KILL -> emitPending(new Command.KillService(id(), x, policy.killTimeout()));
                case CONFIRM_AFTER_STOP, CONFIRM_AFTER_KILL ->
                        emitPending(new Command.ConfirmStopped(id(), x, policy.confirmTimeout()));
                case FENCE_DELAY -> {
                    if (policy.fencingLevels().isEmpty()) {
                        block(x + " is not confirmed stopped and no fencing level is configured: not taking over");
                        return true;
                    }
                    Duration delay = policy.fencingDelay(x);
                    if (delay.isZero()) {
                        m.plan = p.withStage(Stage.FENCE, 0);
                        return secureStep(m.plan);
                    }
                    long id = id();
                    m.fenceTimerId = id;
                    m.pendingId = 0;
                    emit(new Command.ArmTimer(id, Timer.FENCE_DELAY, now.plus(delay)));
                    why("waiting the fencing delay of " + delay + " before fencing " + x);
                }
                case FENCE -> emitPending(new Command.Fence(id(), x, policy.fencingLevels().get(p.subIndex()),
                        policy.fenceTimeout()));
                default -> throw new IllegalStateException("unknown stage " + p.stage());
            }
            return true;
        }

        void secured(Plan p, NodeId x, NodeRole role) {
            m.role(x, role);
            m.unstray(x);
            if (p.kind() != Kind.RESTART && x.equals(m.active)) {
                m.active = null;
            }
            m.plan = p.securedHead(initialStage(p.unrouteFirst(), p.fenceFirst()));
            run();
        }

        void finishPlan() {
            Plan p = m.plan;
            m.plan = null;
            m.pendingId = 0;
            switch (p.kind()) {
                case START, ADOPT -> {
                    m.phase = Phase.RUNNING;
                    why("service runs on " + p.target() + " under " + epoch());
                    notifyOperator(Notification.Kind.SERVICE_STARTED, p.target(), (p.kind() == Kind.ADOPT
                            ? "adopted the running service on " : "started the service on ") + p.target()
                            + " under " + epoch());
                }
                case RESTART -> {
                    m.phase = Phase.RUNNING;
                    why("restart of " + p.target() + " completed: healthy again");
                }
                case FAILOVER -> {
                    m.phase = Phase.RUNNING;
                    m.restarts = NO_RESTARTS;
                    why("failover to " + p.target() + " completed under " + epoch());
                    notifyOperator(Notification.Kind.FAILOVER_COMPLETED, p.target(), "failover to " + p.target()
                            + " completed under " + epoch() + " (cause: " + p.cause() + ")");
                }
                case SWITCHOVER -> {
                    m.phase = Phase.RUNNING;
                    m.restarts = NO_RESTARTS;
                    why("switchover to " + p.target() + " completed under " + epoch());
                    notifyOperator(Notification.Kind.SWITCHOVER_COMPLETED, p.target(), "switchover to "
                            + p.target() + " completed under " + epoch());
                }
                case RELINQUISH -> {
                    why("service stopped after the lease was lost: observing the cluster");
                    reconcile();
                    return;
                }
                case SECURE_STRAY -> {
                    m.phase = Phase.RUNNING;
                    why("made sure the service runs only on " + p.target() + " again");
                }
                default -> throw new IllegalStateException("unknown plan " + p.kind());
            }
            for (NodeId n : config.nodes()) {
                if (!n.equals(m.active) && m.roles.get(n) == NodeRole.STOPPED) {
                    m.role(n, NodeRole.STANDBY);
                }
            }
            if (!secureStrays()) {
                ensureProbing();
            }
        }

        /**
         * While the service runs and nothing else is going on, makes sure out every node besides the active that
         * might be running the service.
         *
         * @return whether a plan was started for it
         */
        boolean secureStrays() {
            if (m.phase != Phase.RUNNING || m.plan != null || m.active == null || m.maintenanceUntil != null) {
                return false;
            }
            List<NodeId> loose = loose(m.active);
            if (loose.isEmpty()) {
                return false;
            }
            why(loose + " might be running the service besides " + m.active + ": making sure they are out");
            notifyOperator(Notification.Kind.STRAY_SERVICE, loose.get(0), "the service might be running on " + loose
                    + " besides the active " + m.active + ": stopping and confirming it, or fencing it");
            startPlan(Plan.of(Kind.SECURE_STRAY, m.active, loose, Stage.STOP, false, false, "stray service"));
            return true;
        }

        /**
         * Every answer to a command comes here first: it must answer an outstanding command, with the right type
         * and about the right node, or it is ignored. An answer the current plan no longer waits for is not
         * dropped: it updates what the engine knows of that node.
         */
        void onAnswer(Event.Result e) {
            Outstanding o = m.find(e.commandId());
            if (o == null) {
                why("ignored " + e.getClass().getSimpleName() + " for command " + e.commandId()
                        + ": no such command is outstanding (answered already, or sent by an earlier run)");
                return;
            }
            if (!Commands.answers(o.command(), e)) {
                why("ignored " + e.getClass().getSimpleName() + " for command " + e.commandId() + ": it does not"
                        + " answer " + o + " (wrong type or node); still waiting for the real answer");
                return;
            }
            m.take(e.commandId());
            if (m.standbyChecks.contains(e.commandId())) {
                m.check(e.commandId(), false);
                onStandbyCheck(o.node().orElseThrow(), e);
            } else if (e instanceof Event.ProbeCompleted pc) {
                onProbe(pc);
            } else if (e instanceof Event.Observed ob) {
                onObserved(ob);
            } else if (m.plan != null && e.commandId() == m.pendingId) {
                onPlanResult(e);
            } else {
                onLateAnswer(o, e);
            }
            if (m.waiting && m.plan != null && m.pendingId == 0) {
                m.waiting = false;
                run();
            }
        }

        /** An answer to a command whose plan was abandoned (maintenance, lease loss, clear, a block, a restart). */
        void onLateAnswer(Outstanding o, Event.Result e) {
            Command c = o.command();
            String late = c.getClass().getSimpleName() + " #" + c.id() + " answered after its plan was abandoned";
            if (c instanceof Command.StartService || c instanceof Command.Promote) {
                NodeId n = Commands.node(c).orElseThrow();
                String result = ((Event.ActionCompleted) e).result().toString();
                if (m.roles.get(n) == NodeRole.FENCED) {
                    why(late + " (" + result + "); " + n + " has been fenced since: it is off");
                    return;
                }
                if (n.equals(m.active) && m.phase != Phase.RECONCILING) {
                    why(late + " (" + result + ") on the active node " + n + ": it is watched");
                    return;
                }
                // Only an observation or confirmation sent from now on can settle whether it runs.
                m.stray(n, m.nextId);
                why(late + " (" + result + "): " + n + " might be running the service"
                        + (c instanceof Command.Promote ? " on a primary replica" : "")
                        + "; it must be confirmed stopped or fenced before the service starts anywhere else");
                if (!secureStrays() && m.phase == Phase.BLOCKED) {
                    notifyOperator(Notification.Kind.STRAY_SERVICE, n, "the service might be running on " + n
                            + " (" + late + "); the cluster is BLOCKED: check " + n + " before clearing");
                }
                return;
            }
            if (c instanceof Command.Fence && e instanceof Event.FenceCompleted f && f.result().isVerifiedOff()) {
                NodeId n = f.node();
                m.role(n, NodeRole.FENCED);
                m.unstray(n);
                why(late + ": " + n + " is verified off");
                return;
            }
            if (c instanceof Command.AcquireLease && e instanceof Event.LeaseAcquired l && l.result().isGranted()) {
                Lease lease = l.result().lease().orElseThrow();
                if (lease.epoch().isAfter(m.highestEpoch)) {
                    m.highestEpoch = lease.epoch();
                }
                why(late + ": " + lease + " is not used; no later lease may reuse its epoch");
                return;
            }
            why(late + ": " + describe(e));
        }

        String describe(Event.Result e) {
            if (e instanceof Event.ActionCompleted a) {
                return a.result().toString();
            } else if (e instanceof Event.StateObserved so) {
                return so.node() + " " + so.state();
            } else if (e instanceof Event.FenceCompleted f) {
                return f.result().toString();
            } else if (e instanceof Event.ReplicaObserved r) {
                return "replica on " + r.node() + " is " + r.status();
            } else if (e instanceof Event.LeaseAcquired l) {
                return l.result().outcome() + " " + l.result().detail();
            }
            return "recorded";
        }

        void onPlanResult(Event.Result e) {
            Plan p = m.plan;
            m.pendingId = 0;
            Step step = p.current();
            switch (step) {
                case SECURE -> onSecureResult(p, e);
                case PRECHECK_REPLICA, CHECK_REPLICA -> {
                    ReplicaStatus r = ((Event.ReplicaObserved) e).status();
                    if (r.isUpToDate()) {
                        why("replica on " + p.target() + " is " + r);
                        m.plan = p.next();
                    } else if (forced(p.target())) {
                        why("replica on " + p.target() + " is " + r + ": promoting it anyway, forced by an operator");
                        m.plan = p.next().withForce(true);
                    } else if (step == Step.PRECHECK_REPLICA && p.kind() == Kind.FAILOVER) {
                        NodeId next = nextCandidate(p);
                        standbyUsable(p.target(), "its replica is " + r);
                        if (next != null) {
                            why("the replica on " + p.target() + " is " + r + ": checking " + next + " instead, before"
                                    + " touching " + m.active);
                            m.plan = p.retarget(next, Step.PRECHECK_REPLICA);
                        } else {
                            block("failover needed (" + p.cause() + ") but no standby is usable (the replica on "
                                    + p.target() + " is " + r + "); leaving " + m.active + " as it is");
                            return;
                        }
                    } else if (step == Step.PRECHECK_REPLICA) {
                        m.plan = null;
                        m.phase = Phase.RUNNING;
                        why("switchover to " + p.target() + " refused: its replica is " + r);
                        notifyOperator(Notification.Kind.SWITCHOVER_REFUSED, p.target(), "switchover refused: the"
                                + " replica on " + p.target() + " is " + r + ", not up to date");
                        ensureProbing();
                        return;
                    } else if (p.kind() == Kind.FAILOVER && nextCandidate(p) != null) {
                        NodeId next = nextCandidate(p);
                        why("the replica on " + p.target() + " is " + r + ": passing over it, failing over to " + next
                                + " instead");
                        m.plan = p.retarget(next, Step.ACQUIRE_LEASE);
                    } else {
                        block("the replica on " + p.target() + " is " + r + ": a replica that is not up to date is"
                                + " promoted only by an operator's force");
                        return;
                    }
                    run();
                }
                case DEMOTE_OLD -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    NodeId x = demotable(p);
                    if (!r.isOk()) {
                        fenceBeforeGoingOn(p, x, "demoting the replicas on " + x + " failed (" + r + ")");
                        return;
                    }
                    why("replicas on " + x + " demoted: " + r);
                    m.plan = p.withDemoted(x);
                    run();
                }
                case ACQUIRE_LEASE -> {
                    LeaseResult r = ((Event.LeaseAcquired) e).result();
                    if (!r.isGranted()) {
                        block("the lease for " + p.target() + " was not granted: " + r.outcome() + " " + r.detail()
                                + r.lease().map(l -> " (held by " + l + ")").orElse(""));
                        return;
                    }
                    Lease l = r.lease().orElseThrow();
                    if (!l.holder().equals(p.target())) {
                        block("the coordinator granted the lease to " + l.holder() + " instead of " + p.target());
                        return;
                    }
                    if (!l.epoch().isAfter(m.highestEpoch)) {
                        block("the coordinator granted " + l.epoch() + ", not newer than " + m.highestEpoch
                                + ": refusing to act under a reused epoch");
                        return;
                    }
                    if (!l.epoch().isAfter(m.lostEpoch)) {
                        // The coordinator said this lease was gone before its grant reached us: never use it.
                        m.highestEpoch = l.epoch();
                        why("lease " + l + " was reported lost before its grant arrived: not using it; "
                                + p.kind() + " plan abandoned, observing the cluster again");
                        reconcile();
                        return;
                    }
                    m.lease = l;
                    m.highestEpoch = l.epoch();
                    why("lease granted: " + l);
                    m.plan = p.next();
                    run();
                }
                case OUTDATE_PEER -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    NodeId peer = firstOtherSecured(p, p.subIndex());
                    if (!r.isOk() && m.roles.get(peer) != NodeRole.FENCED && !p.demoted().contains(peer)) {
                        fenceBeforeGoingOn(p, peer, "outdating the replica on " + peer + " failed (" + r + ")");
                        return;
                    }
                    why("outdating the replica on " + peer + ": " + r
                            + (r.isOk() ? "" : " (it is " + (m.roles.get(peer) == NodeRole.FENCED ? "fenced"
                                    : "demoted") + "; continuing)"));
                    m.plan = p.withSubIndex(p.subIndex() + 1);
                    run();
                }
                case PROMOTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    if (!r.isOk()) {
                        block("promoting the replicas on " + p.target() + " failed: " + r);
                        return;
                    }
                    why("replicas promoted on " + p.target() + (p.force() ? " (forced by an operator)" : ""));
                    if (p.target().equals(m.forcePromote)) {
                        // A force is for one promotion of that node, forced or not: it never outlives its purpose.
                        m.forcePromote = null;
                        m.forceUntil = null;
                        why("the operator's force for " + p.target() + " is used up");
                    }
                    m.plan = p.next();
                    run();
                }
                case START -> onStartResult(p, ((Event.ActionCompleted) e).result());
                case ROUTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    if (!r.isOk()) {
                        block("routing requests to " + p.target() + " failed: " + r + "; the service runs there but"
                                + " clients may not reach it");
                        return;
                    }
                    why("requests routed to " + p.target());
                    m.plan = p.next();
                    run();
                }
                case WAIT_HEALTHY -> why("ignored a command result while waiting for health");
                default -> throw new IllegalStateException("unknown step " + step);
            }
        }

        void onStartResult(Plan p, OpResult r) {
            if (r.isOk()) {
                m.active = p.target();
                m.role(p.target(), NodeRole.ACTIVE);
                m.startingSince = now;
                m.graceDeadline = now.plus(policy.startupGrace());
                m.firstProbe = true;
                m.probeDelay = FIRST_PROBE_DELAY;
                m.failuresInRow = 0;
                m.serviceMaintenanceSince = null;
                why("service launched on " + p.target() + " under " + epoch() + "; start-up grace until "
                        + m.graceDeadline);
                m.plan = p.next();
                run();
                return;
            }
            if (r.outcome() == Outcome.FAILED) {
                m.active = null;
                m.role(p.target(), NodeRole.UNKNOWN);
                block("the service failed to start on " + p.target() + ": " + r.detail()
                        + "; a start failure would repeat on any node, manual intervention needed");
            } else if (r.outcome() == Outcome.TIMED_OUT && p.kind() == Kind.RESTART) {
                m.plan = null;
                m.phase = Phase.RUNNING;
                confirmedFailure(FailureKind.START_TIMEOUT, "launching timed out: " + r.detail());
            } else {
                m.active = null;
                m.role(p.target(), NodeRole.UNKNOWN);
                block("starting the service on " + p.target() + " ended " + r + ": its state is not known");
            }
        }

        void onSecureResult(Plan p, Event.Result e) {
            NodeId x = p.secureQueue().get(0);
            switch (p.stage()) {
                case UNROUTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why("unroute " + x + ": " + r);
                    m.plan = p.withStage(Stage.STOP, 0);
                    run();
                }
                case STOP -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why("graceful stop of " + x + ": " + r);
                    m.plan = p.withStage(r.isOk() ? Stage.CONFIRM_AFTER_STOP : Stage.KILL, 0);
                    run();
                }
                case KILL -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why("kill of " + x + ": " + r);
                    m.plan = p.withStage(Stage.CONFIRM_AFTER_KILL, 0);
                    run();
                }
                case CONFIRM_AFTER_STOP, CONFIRM_AFTER_KILL -> {
                    RunState s = ((Event.StateObserved) e).state();
                    if (s == RunState.STOPPED) {
                        why(x + " confirmed stopped");
                        secured(p, x, NodeRole.STOPPED);
                        return;
                    }
                    if (p.stage() == Stage.CONFIRM_AFTER_STOP) {
                        why(x + " still " + s + " after a graceful stop: killing");
                        m.plan = p.withStage(Stage.KILL, 0);
                        run();
                        return;
                    }
                    if (p.kind() == Kind.RESTART) {
                        why(x + " is " + s + " after kill: cannot restart in place");
                        m.plan = null;
                        m.phase = Phase.RUNNING;
                        failover("restart of " + x + " could not confirm the old service gone (" + s + ") after "
                                + p.cause(), true, false);
                        return;
                    }
                    why(x + " is " + s + " after kill: fencing it");
                    m.plan = p.withStage(Stage.FENCE_DELAY, 0);
                    run();
                }
                case FENCE -> {
                    FenceResult r = ((Event.FenceCompleted) e).result();
                    String level = policy.fencingLevels().get(p.subIndex());
                    if (r.isVerifiedOff()) {
                        why(x + " fenced at level " + level + ": " + r);
                        notifyOperator(Notification.Kind.FENCED, x, x + " fenced and verified off at level " + level);
                        secured(p, x, NodeRole.FENCED);
                        return;
                    }
                    notifyOperator(Notification.Kind.FENCE_FAILED, x, "fencing " + x + " at level " + level
                            + " failed: " + r);
                    if (p.subIndex() + 1 < policy.fencingLevels().size()) {
                        why("fencing " + x + " at level " + level + " failed (" + r + "): trying the next level");
                        m.plan = p.withStage(Stage.FENCE, p.subIndex() + 1);
                        run();
                    } else {
                        block(x + " could not be made sure out: not confirmed stopped and fencing failed at every"
                                + " level (last: " + level + ": " + r + ")");
                    }
                }
                case FENCE_DELAY -> why("ignored a result while waiting the fencing delay");
                default -> throw new IllegalStateException("unknown stage " + p.stage());
            }
        }

        // ----------------------------------------------------------------- operator requests and lease

        void onSwitchover(NodeId target) {
            String refusal = null;
            if (!config.contains(target)) {
                refusal = target + " is not a node of this cluster " + config.nodes();
            } else if (m.maintenanceUntil != null) {
                refusal = "maintenance is on";
            } else if (m.phase != Phase.RUNNING || m.plan != null) {
                refusal = "the cluster is " + m.phase + ", not RUNNING";
            } else if (target.equals(m.active)) {
                refusal = target + " is already active";
            } else if (m.roles.get(target) != NodeRole.STANDBY && m.roles.get(target) != NodeRole.STOPPED) {
                refusal = target + " is " + m.roles.get(target) + ", not a standby";
            } else if (mightRun(target)) {
                refusal = target + " might be running the service (a start or promotion answered late or not at all)";
            }
            if (refusal != null) {
                why("switchover to " + target + " refused: " + refusal);
                notifyOperator(Notification.Kind.SWITCHOVER_REFUSED, config.contains(target) ? target : null,
                        "switchover to " + target + " refused: " + refusal);
                return;
            }
            NodeId old = m.active;
            why("operator requested a switchover from " + old + " to " + target);
            notifyOperator(Notification.Kind.SWITCHOVER_STARTED, target, "switchover from " + old + " to " + target);
            startPlan(Plan.of(Kind.SWITCHOVER, target, List.of(old), initialStage(true, false), true, false,
                    "operator switchover"));
        }

        void onMaintenance(Event.MaintenanceRequested e) {
            if (!e.on()) {
                if (m.maintenanceUntil == null) {
                    why("maintenance off requested, but maintenance is not on");
                    return;
                }
                endMaintenance("maintenance ended by the operator");
                return;
            }
            Duration d = e.duration().isZero() ? policy.maxMaintenance() : e.duration();
            String clamp = "";
            if (d.compareTo(policy.maxMaintenance()) > 0) {
                clamp = " (requested " + e.duration() + ", limited to the policy's maximum " + policy.maxMaintenance()
                        + ")";
                d = policy.maxMaintenance();
            }
            m.maintenanceUntil = now.plus(d);
            long id = id();
            m.maintenanceTimerId = id;
            emit(new Command.ArmTimer(id, Timer.MAINTENANCE_END, m.maintenanceUntil));
            why("maintenance on until " + m.maintenanceUntil + clamp + ": nothing will be started, stopped or moved");
            List<Outstanding> running = new ArrayList<>();
            for (Outstanding o : m.outstanding) {
                if (o.command().acts()) {
                    running.add(o);
                }
            }
            String inFlight = running.isEmpty() ? "" : "; " + running.size() + " action(s) still running, which"
                    + " cannot be cancelled: " + running + " (their answers are awaited and recorded)";
            if (!inFlight.isEmpty()) {
                why(inFlight.substring(2));
            }
            if (m.plan != null) {
                why(m.plan.kind() + " plan abandoned; the cluster is observed again when maintenance ends");
                dropPlan();
                m.phase = Phase.RECONCILING;
            } else if (m.phase == Phase.RECONCILING) {
                m.pendingId = 0;
            }
            notifyOperator(Notification.Kind.MAINTENANCE, null, "maintenance on until " + m.maintenanceUntil + clamp
                    + inFlight);
        }

        void endMaintenance(String why) {
            m.maintenanceUntil = null;
            m.maintenanceTimerId = 0;
            m.failuresInRow = 0;
            m.serviceMaintenanceSince = null;
            why(why);
            notifyOperator(Notification.Kind.MAINTENANCE, null, why);
            if (m.phase == Phase.BLOCKED) {
                why("still BLOCKED: " + m.blockedReason);
                return;
            }
            why("observing the cluster before acting again");
            reconcile();
        }

        void onClear(Optional<NodeId> force) {
            if (force.isPresent() && !config.contains(force.get())) {
                why("clear refused: " + force.get() + " is not a node of this cluster " + config.nodes());
                return;
            }
            m.restarts = NO_RESTARTS;
            m.failuresInRow = 0;
            m.lastFailure = null;
            m.serviceMaintenanceSince = null;
            m.forcePromote = force.orElse(null);
            m.failovers = List.of();
            m.exhausted = Map.of();
            m.unusable = Map.of();
            // An operator's force is for the next promotion of that node, and for a bounded time only.
            m.forceUntil = force.isPresent() ? now.plus(policy.maxMaintenance()) : null;
            String msg = "operator cleared the failure history"
                    + force.map(n -> "; the replica on " + n + " may be promoted although not up to date").orElse("");
            if (m.phase == Phase.BLOCKED) {
                msg += "; leaving BLOCKED (was: " + m.blockedReason + ")";
                m.blockedReason = null;
                why(msg);
                notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg);
                if (m.maintenanceUntil != null) {
                    m.phase = Phase.RECONCILING;
                    dropPlan();
                    why("maintenance is on: observing the cluster when it ends");
                } else {
                    reconcile();
                }
                return;
            }
            if (m.phase == Phase.RUNNING && m.plan == null && m.maintenanceUntil == null) {
                // The operator may have repaired or powered on nodes: look again rather than trust old roles.
                msg += "; observing the cluster again";
                why(msg);
                notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg);
                reconcile();
                return;
            }
            why(msg);
            notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg);
        }

        void onLeaseLost(Event.LeaseLost e) {
            if ((m.lease == null || !e.epoch().equals(m.lease.epoch())) && e.epoch().isAfter(m.highestEpoch)) {
                // A loss reported before its grant reached us (a listener firing during acquire, a session that
                // dropped right after the grant): the grant, when it arrives, must not be used.
                if (e.epoch().isAfter(m.lostEpoch)) {
                    m.lostEpoch = e.epoch();
                }
                why("lease " + e.holder() + "@" + e.epoch() + " reported lost (" + e.reason() + ") before its grant"
                        + " arrived: it will not be used");
                notifyOperator(Notification.Kind.LEASE_LOST, e.holder(), "lease " + e.holder() + "@" + e.epoch()
                        + " lost before its grant arrived: " + e.reason());
                return;
            }
            if (m.lease == null || !e.epoch().equals(m.lease.epoch())) {
                why("ignored the loss of lease " + e.holder() + "@" + e.epoch() + ": not the lease in force ("
                        + (m.lease == null ? "none" : m.lease) + ")");
                return;
            }
            Lease lost = m.lease;
            m.lease = null;
            if (m.plan != null && m.plan.current() == Step.ACQUIRE_LEASE && m.pendingId != 0) {
                // Our own request for a new lease supersedes the old one; the coordinator may say so first.
                why("lease " + lost + " superseded while a new lease for " + m.plan.target() + " is being acquired ("
                        + e.reason() + ")");
                return;
            }
            notifyOperator(Notification.Kind.LEASE_LOST, lost.holder(), "lease " + lost + " lost: " + e.reason());
            if (m.phase == Phase.BLOCKED) {
                why("lease " + lost + " lost (" + e.reason() + "); staying BLOCKED");
                return;
            }
            if (m.maintenanceUntil != null) {
                why("lease " + lost + " lost (" + e.reason() + "); maintenance is on: no action until it ends");
                if (m.plan != null) {
                    dropPlan();
                    m.phase = Phase.RECONCILING;
                }
                return;
            }
            if (m.active == null) {
                why("lease " + lost + " lost (" + e.reason() + ") before the service ran: observing again");
                reconcile();
                return;
            }
            NodeId a = m.active;
            why("lease " + lost + " lost (" + e.reason() + "): stopping the service on " + a
                    + " so that no node acts without the lease");
            startPlan(Plan.of(Kind.RELINQUISH, a, List.of(a), initialStage(true, false), true, false, "lease lost"));
        }
    }
}
