package dev.ha4j.core.engine;

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
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Plan.Kind;
import dev.ha4j.core.engine.Plan.Stage;
import dev.ha4j.core.engine.Plan.Step;
import dev.ha4j.core.engine.Reason.Code;
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
 * <p>How it is built, for a reader: {@link #apply} dispatches over the event types with an {@link Event.Visitor}
 * (a new event does not compile until it is handled); health triage (grace, the service's own maintenance,
 * failures in a row) is the pure {@link HealthTriage}, escalation (the failure table, {@code N} restarts in
 * {@code W}, the failover budget) the pure {@link Escalation}; each phase change is one method with its clean-up
 * ({@code becomeReconciling}, {@code becomePlanning}, {@code becomeRunning}, {@code becomeIdleUntilMaintenanceEnds},
 * {@code block}); every reason is a {@link Reason}, a code with arguments rendered to the sentence of
 * {@link Transition#reason()}.
 *
 * <p>Immutable and thread-safe: an engine holds only its configuration, so one instance may serve many
 * threads, each with its own states.
 */
public final class FailoverEngine {
    private static final List<Instant> NO_RESTARTS = List.of();
    private static final List<Reason> NO_CHANGE = List.of(Reason.of(Code.NO_CHANGE));
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
        event.accept(c);
        List<Reason> reasons = c.reasons.isEmpty() ? NO_CHANGE : c.reasons;
        return new Transition(c.m.freeze(), c.commands, Reason.join(reasons), reasons);
    }

    /**
     * The work of one {@link #apply} call: a mutable copy of the state and the commands and reasons so far. As an
     * {@link Event.Visitor} it is the one dispatch over the event types: a new event does not compile until it
     * is handled here.
     */
    private final class Ctx implements Event.Visitor<Void> {
        ClusterState.Mut m;
        final Instant now;
        final List<Command> commands = new ArrayList<>(4);
        final List<Reason> reasons = new ArrayList<>(2);

        Ctx(ClusterState.Mut m, Instant now) {
            this.m = m;
            this.now = now;
        }

        // ----------------------------------------------------------------- dispatch

        @Override
        public Void visitStarted(Event.Started e) {
            onStarted(e.recovered());
            return null;
        }

        @Override
        public Void visitTimerFired(Event.TimerFired e) {
            onTimer(e);
            return null;
        }

        @Override
        public Void visitProbeCompleted(Event.ProbeCompleted e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitVerdictReported(Event.VerdictReported e) {
            onReportedVerdict(e);
            return null;
        }

        @Override
        public Void visitActionCompleted(Event.ActionCompleted e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitStateObserved(Event.StateObserved e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitFenceCompleted(Event.FenceCompleted e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitReplicaObserved(Event.ReplicaObserved e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitLeaseAcquired(Event.LeaseAcquired e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitObserved(Event.Observed e) {
            onAnswer(e);
            return null;
        }

        @Override
        public Void visitLeaseLost(Event.LeaseLost e) {
            onLeaseLost(e);
            return null;
        }

        @Override
        public Void visitSwitchoverRequested(Event.SwitchoverRequested e) {
            onSwitchover(e.target());
            return null;
        }

        @Override
        public Void visitMaintenanceRequested(Event.MaintenanceRequested e) {
            onMaintenance(e);
            return null;
        }

        @Override
        public Void visitClearRequested(Event.ClearRequested e) {
            onClear(e.forcePromote());
            return null;
        }

        // ----------------------------------------------------------------- bookkeeping

        void why(Reason reason) {
            reasons.add(reason);
        }

        void why(Code code, Object... args) {
            reasons.add(Reason.of(code, args));
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
                    Optional<NodeId> on = Commands.node(cmd);
                    if (on.isPresent()) {
                        why(Code.WAITING_FOR_ON, o, cmd.getClass().getSimpleName(), on.get());
                    } else {
                        why(Code.WAITING_FOR, o, cmd.getClass().getSimpleName());
                    }
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
                    why(Code.RESTARTED_UNANSWERED, m.strays.keySet());
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
                    enterBlocked(r.blockedReason().get());
                    if (maintenance) {
                        why(Code.RESTARTED_BLOCKED_IN_MAINTENANCE, m.blockedReason, m.maintenanceUntil);
                    } else {
                        why(Code.RESTARTED_BLOCKED, m.blockedReason);
                    }
                    notifyOperator(Notification.Kind.BLOCKED, null, "still blocked after a manager restart: "
                            + m.blockedReason);
                    return;
                }
                if (maintenance) {
                    why(Code.RESTARTED_IN_MAINTENANCE, m.maintenanceUntil);
                    return;
                }
            }
            why(Code.MANAGER_STARTED);
            reconcile();
        }

        void reconcile() {
            becomeReconciling();
            emitPending(new Command.Observe(id(), observeTimeout));
        }

        void onObserved(Event.Observed e) {
            if (e.commandId() != m.pendingId || m.phase != Phase.RECONCILING || m.plan != null) {
                why(Code.IGNORED_OBSERVATION, e.commandId());
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
                block(Reason.of(Code.SEVERAL_RUNNING, running));
                return;
            }
            if (running.size() == 1) {
                NodeId a = running.get(0);
                m.active = a;
                m.unstray(a);
                m.role(a, NodeRole.ACTIVE);
                why(Code.ADOPTING, a, unknown.isEmpty() ? Reason.NONE : Reason.of(Code.STATE_UNKNOWN_ON, unknown));
                List<NodeId> secure = new ArrayList<>(unknown);
                for (NodeId n : primaries) {
                    if (!n.equals(a) && !secure.contains(n)) {
                        // The running copy is the one clients write to; another primary is made sure out and
                        // demoted, never built on.
                        secure.add(n);
                    }
                }
                if (secure.size() > unknown.size()) {
                    why(Code.ALSO_PRIMARY, secure.subList(unknown.size(), secure.size()));
                    notifyOperator(Notification.Kind.STRAY_SERVICE, secure.get(unknown.size()), "replicas are PRIMARY"
                            + " on " + primaries + " while the service runs on " + a + ": demoting the others");
                }
                startPlan(Plan.of(Kind.ADOPT, a, secure, initialStage(false, false), false, false,
                        "service found running on " + a));
                return;
            }
            if (primaries.size() > 1) {
                m.active = null;
                block(Reason.of(Code.SEVERAL_PRIMARIES, primaries));
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
                block(Reason.of(Code.NO_CANDIDATE, b));
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
            why(Code.STARTING_FRESH, unknown.isEmpty() ? Reason.NONE : Reason.of(Code.STATE_UNKNOWN_ON, unknown),
                    secure.size() > unknown.size()
                            ? Reason.of(Code.PRIMARY_OR_UNREADABLE_ON, secure.subList(unknown.size(), secure.size()))
                            : Reason.NONE,
                    target);
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
            why(Code.CHECKING_STANDBYS, standbys);
        }

        /** What a standby check found: a finding to secure, a standby that cannot take over, or one that can. */
        void onStandbyCheck(NodeId n, Event.Result e) {
            if (n.equals(m.active) || m.roles.get(n) == NodeRole.FENCED) {
                why(Code.STANDBY_CHECK_NO_LONGER, n, describe(e));
                return;
            }
            if (e instanceof Event.StateObserved so) {
                switch (so.state()) {
                    case RUNNING -> {
                        m.stray(n, m.nextId);
                        why(Code.STANDBY_RUNS, n);
                        secureStrays();
                    }
                    case UNKNOWN -> standbyUsable(n, "unreachable: its service state cannot be read");
                    default -> {
                        why(Code.STANDBY_SERVICE, so.state(), n);
                        if (m.unusable.getOrDefault(n, "").startsWith("unreachable")) {
                            standbyUsable(n, null);
                        }
                    }
                }
            } else if (e instanceof Event.ReplicaObserved ro) {
                ReplicaStatus r = ro.status();
                if (r.role() == ReplicaRole.PRIMARY) {
                    m.stray(n, m.nextId);
                    why(Code.STANDBY_PRIMARY, n);
                    secureStrays();
                } else if (!r.isUpToDate()) {
                    standbyUsable(n, "its replica is " + r);
                } else {
                    why(Code.STANDBY_REPLICA, n, r);
                    if (m.unusable.getOrDefault(n, "").startsWith("its replica")) {
                        standbyUsable(n, null);
                    }
                }
            }
        }

        void standbyUsable(NodeId n, String problem) {
            if (!m.unusable(n, problem)) {
                if (problem == null) {
                    why(Code.STANDBY_STILL_USABLE, n);
                } else {
                    why(Code.STANDBY_STILL_UNUSABLE, n, problem);
                }
                return;
            }
            if (problem == null) {
                why(Code.STANDBY_USABLE_AGAIN, n);
                notifyOperator(Notification.Kind.STANDBY_HEALTHY, n, "standby " + n + " can take over again");
            } else {
                why(Code.STANDBY_UNUSABLE, n, problem);
                notifyOperator(Notification.Kind.STANDBY_UNHEALTHY, n, "standby " + n + " cannot take over: "
                        + problem + "; it is no failover target until a check finds it usable");
            }
        }

        void onTimer(Event.TimerFired e) {
            switch (e.timer()) {
                case PROBE -> {
                    if (e.commandId() != m.probeTimerId) {
                        why(Code.IGNORED_PROBE_TIMER);
                        return;
                    }
                    m.probeTimerId = 0;
                    if (!probing()) {
                        why(Code.PROBE_NOT_NEEDED, m.phase);
                        return;
                    }
                    long id = id();
                    m.probeId = id;
                    Duration timeout = m.firstProbe ? policy.firstProbeTimeout() : policy.probeTimeout();
                    emit(new Command.Probe(id, m.active, timeout));
                    why(Code.PROBING, m.active);
                }
                case FENCE_DELAY -> {
                    Plan p = m.plan;
                    if (e.commandId() != m.fenceTimerId || p == null || p.stage() != Stage.FENCE_DELAY
                            || p.current() != Step.SECURE) {
                        why(Code.IGNORED_FENCE_DELAY);
                        return;
                    }
                    m.fenceTimerId = 0;
                    m.pendingId = 0;
                    m.plan = p.withStage(Stage.FENCE, 0);
                    why(Code.FENCE_DELAY_PASSED, p.secureQueue().get(0));
                    run();
                }
                case STANDBY_CHECK -> {
                    if (e.commandId() != m.standbyTimerId) {
                        why(Code.IGNORED_STANDBY_TIMER);
                        return;
                    }
                    m.standbyTimerId = 0;
                    if (m.phase == Phase.RUNNING && m.plan == null && m.maintenanceUntil == null) {
                        checkStandbys();
                    } else {
                        why(Code.STANDBY_CHECK_NOT_NEEDED, m.phase);
                    }
                    ensureStandbyChecks();
                }
                case MAINTENANCE_END -> {
                    if (e.commandId() != m.maintenanceTimerId || m.maintenanceUntil == null) {
                        why(Code.IGNORED_MAINTENANCE_TIMER);
                        return;
                    }
                    endMaintenance(Reason.of(Code.MAINTENANCE_RAN_OUT));
                }
                default -> throw new IllegalStateException("unknown timer " + e.timer());
            }
        }

        void onProbe(Event.ProbeCompleted e) {
            if (e.commandId() != m.probeId) {
                why(Code.IGNORED_PROBE_RESULT, e.commandId());
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
                why(Code.IGNORED_VERDICT, e.source(), e.node());
                return;
            }
            verdict(e.node(), e.result(), e.source());
        }

        void verdict(NodeId node, ProbeResult r, String source) {
            m.lastVerdict = r;
            m.lastVerdictAt = now;
            if (m.maintenanceUntil != null) {
                why(Code.VERDICT_IN_MAINTENANCE, source, node, r);
                return;
            }
            HealthTriage.Triage t = HealthTriage.triage(policy, now, new HealthTriage.Health(m.failuresInRow,
                    m.lastFailure, m.startingSince, m.graceDeadline, m.serviceMaintenanceSince), node, r, source);
            HealthTriage.Health h = t.health();
            m.failuresInRow = h.failuresInRow();
            m.lastFailure = h.lastFailure();
            m.startingSince = h.startingSince();
            m.graceDeadline = h.graceDeadline();
            m.serviceMaintenanceSince = h.serviceMaintenanceSince();
            why(t.reason());
            switch (t.outcome()) {
                case HEALTHY -> {
                    if (m.plan != null && m.plan.current() == Step.WAIT_HEALTHY) {
                        m.plan = m.plan.next();
                        run();
                    }
                }
                case CONFIRMED -> confirmedFailure(t.kind(), t.detail());
                case NO_ACTION -> {
                }
                default -> throw new IllegalStateException("unknown outcome " + t.outcome());
            }
        }

        /** The escalation of a confirmed failure ({@link Escalation}), unless a plan other than a restart runs. */
        void confirmedFailure(FailureKind kind, String detail) {
            Escalation.Decision d = Escalation.decide(policy, now, kind, detail, m.restarts);
            m.lastFailure = kind;
            if (m.plan != null && m.plan.kind() != Kind.RESTART) {
                block(Reason.of(Code.NOT_HEALTHY_DURING_PLAN, m.plan.target(), m.plan.kind(), d.cause()));
                return;
            }
            switch (d.action()) {
                case BLOCK -> block(Reason.of(Code.FAILURE_BLOCKS, d.cause(), m.active));
                case RESTART -> restart(d.cause(), d.recentRestarts());
                case FAILOVER_RESTARTS_SPENT -> {
                    // The service used up its restarts here: within the window no failover comes back.
                    m.exhausted(m.active, now);
                    failover(d.failoverCause(), false, true);
                }
                case FAILOVER -> failover(d.cause(), false, false);
                case FENCE_AND_FAILOVER -> failover(d.cause(), true, false);
                case IGNORE -> why(Code.NO_ACTION_FOR, d.cause());
                default -> throw new IllegalStateException("unknown action " + d.action());
            }
        }

        // ----------------------------------------------------------------- reactions

        void restart(String cause, List<Instant> recent) {
            NodeId a = m.active;
            recent.add(now);
            m.restarts = List.copyOf(recent);
            why(Code.RESTARTING, a, recent.size(), policy.restartLimit(), policy.restartWindow());
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
            List<Instant> recent = Escalation.within(m.failovers, now, policy.failoverWindow());
            if (Escalation.failoverBudgetSpent(policy, recent)) {
                m.failovers = List.copyOf(recent);
                block(Reason.of(Code.FAILOVER_BUDGET_SPENT, cause, recent.size(), policy.failoverWindow(),
                        policy.maxFailovers(), old == null ? Reason.of(Code.THE_CLUSTER) : old));
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
                Reason why = !spent.isEmpty() ? Reason.of(Code.RESTARTS_SPENT_EVERYWHERE, spent, policy.restartWindow())
                        : Reason.of(Code.NO_USABLE_STANDBY, standbyReport(old));
                block(Reason.of(Code.FAILOVER_NO_TARGET, cause, why, old == null ? Reason.of(Code.THE_CLUSTER) : old));
                return;
            }
            recent.add(now);
            m.failovers = List.copyOf(recent);
            why(Code.FAILING_OVER, old, target, fenceFirst ? Reason.of(Code.FENCING_FIRST, old) : Reason.NONE,
                    recent.size(), policy.maxFailovers(), policy.failoverWindow());
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

        // ----------------------------------------------------------------- phase changes, each with its clean-up

        /** Observing the cluster afresh: no plan, no probing, nothing assumed. */
        void becomeReconciling() {
            m.phase = Phase.RECONCILING;
            dropPlan();
            stopProbing();
        }

        /**
         * Hands off while operator maintenance is on: the plan in progress is abandoned (its commands stay
         * outstanding) and the cluster is observed again when maintenance ends.
         */
        void becomeIdleUntilMaintenanceEnds() {
            dropPlan();
            m.phase = Phase.RECONCILING;
        }

        /** Running a plan: the phase is its kind's, the active node is not probed until the plan waits for health. */
        void becomePlanning(Plan p) {
            dropPlan();
            m.plan = p;
            m.phase = p.kind().phase();
            stopProbing();
        }

        /** The service runs, with no plan in progress (a plan finished, or was given up for another reaction). */
        void becomeRunning() {
            m.plan = null;
            m.pendingId = 0;
            m.phase = Phase.RUNNING;
        }

        /** BLOCKED until an operator clears it, and the operator is told why. */
        void block(Reason cause) {
            String reason = cause.text();
            enterBlocked(reason);
            why(Code.BLOCKED, cause);
            notifyOperator(Notification.Kind.BLOCKED, m.active, reason);
        }

        /** BLOCKED: no plan, no probing, nothing started, stopped or moved until an operator clears it. */
        void enterBlocked(String reason) {
            m.phase = Phase.BLOCKED;
            m.blockedReason = reason;
            dropPlan();
            stopProbing();
        }

        // ----------------------------------------------------------------- plans

        Stage initialStage(boolean unrouteFirst, boolean fenceFirst) {
            return fenceFirst ? Stage.FENCE_DELAY : unrouteFirst ? Stage.UNROUTE : Stage.STOP;
        }

        void startPlan(Plan p) {
            becomePlanning(p);
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
                            why(step == Step.PROMOTE ? Code.SECURE_BEFORE_PROMOTING : Code.SECURE_BEFORE_STARTING,
                                    p.target(), loose);
                            m.plan = p.secureFirst(loose, Stage.STOP);
                            continue;
                        }
                        if (step == Step.START) {
                            emitPending(new Command.StartService(id(), p.target(), epoch(), policy.startTimeout()));
                            return;
                        }
                        if (p.force() && !forced(p.target())) {
                            block(Reason.of(Code.FORCE_WITHDRAWN, p.target()));
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
        void fenceBeforeGoingOn(Plan p, NodeId x, Reason evidence) {
            if (policy.fencingLevels().isEmpty()) {
                block(Reason.of(Code.MAY_BE_PRIMARY_NO_FENCING, evidence, x));
                return;
            }
            why(Code.MAY_BE_PRIMARY_FENCING, evidence, x);
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
                        block(Reason.of(Code.NO_FENCING_LEVEL, x));
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
                    why(Code.WAITING_FENCE_DELAY, delay, x);
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
            if (p.kind() == Kind.RELINQUISH) {
                why(Code.RELINQUISHED);
                reconcile();
                return;
            }
            becomeRunning();
            switch (p.kind()) {
                case START, ADOPT -> {
                    why(Code.SERVICE_RUNS, p.target(), epoch());
                    notifyOperator(Notification.Kind.SERVICE_STARTED, p.target(), (p.kind() == Kind.ADOPT
                            ? "adopted the running service on " : "started the service on ") + p.target()
                            + " under " + epoch());
                }
                case RESTART -> {
                    why(Code.RESTART_COMPLETED, p.target());
                }
                case FAILOVER -> {
                    m.restarts = NO_RESTARTS;
                    why(Code.FAILOVER_COMPLETED, p.target(), epoch());
                    notifyOperator(Notification.Kind.FAILOVER_COMPLETED, p.target(), "failover to " + p.target()
                            + " completed under " + epoch() + " (cause: " + p.cause() + ")");
                }
                case SWITCHOVER -> {
                    m.restarts = NO_RESTARTS;
                    why(Code.SWITCHOVER_COMPLETED, p.target(), epoch());
                    notifyOperator(Notification.Kind.SWITCHOVER_COMPLETED, p.target(), "switchover to "
                            + p.target() + " completed under " + epoch());
                }
                case SECURE_STRAY -> {
                    why(Code.STRAY_SECURED, p.target());
                }
                default -> throw new IllegalStateException("plan " + p.kind() + " does not end running");
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
            why(Code.STRAYS_FOUND, loose, m.active);
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
                why(Code.IGNORED_UNKNOWN_ANSWER, e.getClass().getSimpleName(), e.commandId());
                return;
            }
            if (!Commands.answers(o.command(), e)) {
                why(Code.IGNORED_WRONG_ANSWER, e.getClass().getSimpleName(), e.commandId(), o);
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
            Reason late = Reason.of(Code.LATE, c.getClass().getSimpleName(), c.id());
            if (c instanceof Command.StartService || c instanceof Command.Promote) {
                NodeId n = Commands.node(c).orElseThrow();
                String result = ((Event.ActionCompleted) e).result().toString();
                if (m.roles.get(n) == NodeRole.FENCED) {
                    why(Code.LATE_FENCED, late, result, n);
                    return;
                }
                if (n.equals(m.active) && m.phase != Phase.RECONCILING) {
                    why(Code.LATE_ON_ACTIVE, late, result, n);
                    return;
                }
                // Only an observation or confirmation sent from now on can settle whether it runs.
                m.stray(n, m.nextId);
                why(Code.LATE_MIGHT_RUN, late, result, n,
                        c instanceof Command.Promote ? Reason.of(Code.ON_A_PRIMARY_REPLICA) : Reason.NONE);
                if (!secureStrays() && m.phase == Phase.BLOCKED) {
                    notifyOperator(Notification.Kind.STRAY_SERVICE, n, "the service might be running on " + n
                            + " (" + late.text() + "); the cluster is BLOCKED: check " + n + " before clearing");
                }
                return;
            }
            if (c instanceof Command.Fence && e instanceof Event.FenceCompleted f && f.result().isVerifiedOff()) {
                NodeId n = f.node();
                m.role(n, NodeRole.FENCED);
                m.unstray(n);
                why(Code.LATE_FENCE_OFF, late, n);
                return;
            }
            if (c instanceof Command.AcquireLease && e instanceof Event.LeaseAcquired l && l.result().isGranted()) {
                Lease lease = l.result().lease().orElseThrow();
                if (lease.epoch().isAfter(m.highestEpoch)) {
                    m.highestEpoch = lease.epoch();
                }
                why(Code.LATE_LEASE, late, lease);
                return;
            }
            why(Code.LATE_OTHER, late, describe(e));
        }

        String describe(Event.Result e) {
            return Commands.describe(e);
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
                        why(Code.REPLICA_IS, p.target(), r);
                        m.plan = p.next();
                    } else if (forced(p.target())) {
                        why(Code.REPLICA_FORCED, p.target(), r);
                        m.plan = p.next().withForce(true);
                    } else if (step == Step.PRECHECK_REPLICA && p.kind() == Kind.FAILOVER) {
                        NodeId next = nextCandidate(p);
                        standbyUsable(p.target(), "its replica is " + r);
                        if (next != null) {
                            why(Code.CHECKING_NEXT_CANDIDATE, p.target(), r, next, m.active);
                            m.plan = p.retarget(next, Step.PRECHECK_REPLICA);
                        } else {
                            block(Reason.of(Code.NO_CANDIDATE_REPLICA, p.cause(), p.target(), r, m.active));
                            return;
                        }
                    } else if (step == Step.PRECHECK_REPLICA) {
                        becomeRunning();
                        why(Code.SWITCHOVER_REFUSED_REPLICA, p.target(), r);
                        notifyOperator(Notification.Kind.SWITCHOVER_REFUSED, p.target(), "switchover refused: the"
                                + " replica on " + p.target() + " is " + r + ", not up to date");
                        ensureProbing();
                        return;
                    } else if (p.kind() == Kind.FAILOVER && nextCandidate(p) != null) {
                        NodeId next = nextCandidate(p);
                        why(Code.PASSING_OVER, p.target(), r, next);
                        m.plan = p.retarget(next, Step.ACQUIRE_LEASE);
                    } else {
                        block(Reason.of(Code.STALE_REPLICA, p.target(), r));
                        return;
                    }
                    run();
                }
                case DEMOTE_OLD -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    NodeId x = demotable(p);
                    if (!r.isOk()) {
                        fenceBeforeGoingOn(p, x, Reason.of(Code.DEMOTE_FAILED, x, r));
                        return;
                    }
                    why(Code.DEMOTED, x, r);
                    m.plan = p.withDemoted(x);
                    run();
                }
                case ACQUIRE_LEASE -> {
                    LeaseResult r = ((Event.LeaseAcquired) e).result();
                    if (!r.isGranted()) {
                        block(Reason.of(Code.LEASE_NOT_GRANTED, p.target(), r.outcome(), r.detail(),
                                r.lease().map(l -> Reason.of(Code.HELD_BY, l)).orElse(Reason.NONE)));
                        return;
                    }
                    Lease l = r.lease().orElseThrow();
                    if (!l.holder().equals(p.target())) {
                        block(Reason.of(Code.LEASE_WRONG_HOLDER, l.holder(), p.target()));
                        return;
                    }
                    if (!l.epoch().isAfter(m.highestEpoch)) {
                        block(Reason.of(Code.LEASE_EPOCH_REUSED, l.epoch(), m.highestEpoch));
                        return;
                    }
                    if (!l.epoch().isAfter(m.lostEpoch)) {
                        // The coordinator said this lease was gone before its grant reached us: never use it.
                        m.highestEpoch = l.epoch();
                        why(Code.LEASE_GRANT_ALREADY_LOST, l, p.kind());
                        reconcile();
                        return;
                    }
                    m.lease = l;
                    m.highestEpoch = l.epoch();
                    why(Code.LEASE_GRANTED, l);
                    m.plan = p.next();
                    run();
                }
                case OUTDATE_PEER -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    NodeId peer = firstOtherSecured(p, p.subIndex());
                    if (!r.isOk() && m.roles.get(peer) != NodeRole.FENCED && !p.demoted().contains(peer)) {
                        fenceBeforeGoingOn(p, peer, Reason.of(Code.OUTDATE_FAILED, peer, r));
                        return;
                    }
                    why(r.isOk() ? Code.OUTDATED : m.roles.get(peer) == NodeRole.FENCED ? Code.OUTDATE_FAILED_FENCED
                            : Code.OUTDATE_FAILED_DEMOTED, peer, r);
                    m.plan = p.withSubIndex(p.subIndex() + 1);
                    run();
                }
                case PROMOTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    if (!r.isOk()) {
                        block(Reason.of(Code.PROMOTE_FAILED, p.target(), r));
                        return;
                    }
                    why(p.force() ? Code.PROMOTED_FORCED : Code.PROMOTED, p.target());
                    if (p.target().equals(m.forcePromote)) {
                        // A force is for one promotion of that node, forced or not: it never outlives its purpose.
                        m.forcePromote = null;
                        m.forceUntil = null;
                        why(Code.FORCE_USED_UP, p.target());
                    }
                    m.plan = p.next();
                    run();
                }
                case START -> onStartResult(p, ((Event.ActionCompleted) e).result());
                case ROUTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    if (!r.isOk()) {
                        block(Reason.of(Code.ROUTE_FAILED, p.target(), r));
                        return;
                    }
                    why(Code.ROUTED, p.target());
                    m.plan = p.next();
                    run();
                }
                case WAIT_HEALTHY -> why(Code.IGNORED_WHILE_WAITING_HEALTHY);
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
                why(Code.LAUNCHED, p.target(), epoch(), m.graceDeadline);
                m.plan = p.next();
                run();
                return;
            }
            if (r.outcome() == Outcome.FAILED) {
                m.active = null;
                m.role(p.target(), NodeRole.UNKNOWN);
                block(Reason.of(Code.START_FAILED, p.target(), r.detail()));
            } else if (r.outcome() == Outcome.TIMED_OUT && p.kind() == Kind.RESTART) {
                becomeRunning();
                confirmedFailure(FailureKind.START_TIMEOUT, "launching timed out: " + r.detail());
            } else {
                m.active = null;
                m.role(p.target(), NodeRole.UNKNOWN);
                block(Reason.of(Code.START_UNKNOWN, p.target(), r));
            }
        }

        void onSecureResult(Plan p, Event.Result e) {
            NodeId x = p.secureQueue().get(0);
            switch (p.stage()) {
                case UNROUTE -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why(Code.UNROUTED, x, r);
                    m.plan = p.withStage(Stage.STOP, 0);
                    run();
                }
                case STOP -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why(Code.STOPPED_GRACEFULLY, x, r);
                    m.plan = p.withStage(r.isOk() ? Stage.CONFIRM_AFTER_STOP : Stage.KILL, 0);
                    run();
                }
                case KILL -> {
                    OpResult r = ((Event.ActionCompleted) e).result();
                    why(Code.KILLED, x, r);
                    m.plan = p.withStage(Stage.CONFIRM_AFTER_KILL, 0);
                    run();
                }
                case CONFIRM_AFTER_STOP, CONFIRM_AFTER_KILL -> {
                    RunState s = ((Event.StateObserved) e).state();
                    if (s == RunState.STOPPED) {
                        why(Code.CONFIRMED_STOPPED, x);
                        secured(p, x, NodeRole.STOPPED);
                        return;
                    }
                    if (p.stage() == Stage.CONFIRM_AFTER_STOP) {
                        why(Code.STILL_UP_AFTER_STOP, x, s);
                        m.plan = p.withStage(Stage.KILL, 0);
                        run();
                        return;
                    }
                    if (p.kind() == Kind.RESTART) {
                        why(Code.CANNOT_RESTART_IN_PLACE, x, s);
                        becomeRunning();
                        failover("restart of " + x + " could not confirm the old service gone (" + s + ") after "
                                + p.cause(), true, false);
                        return;
                    }
                    why(Code.FENCING_AFTER_KILL, x, s);
                    m.plan = p.withStage(Stage.FENCE_DELAY, 0);
                    run();
                }
                case FENCE -> {
                    FenceResult r = ((Event.FenceCompleted) e).result();
                    String level = policy.fencingLevels().get(p.subIndex());
                    if (r.isVerifiedOff()) {
                        why(Code.FENCED, x, level, r);
                        notifyOperator(Notification.Kind.FENCED, x, x + " fenced and verified off at level " + level);
                        secured(p, x, NodeRole.FENCED);
                        return;
                    }
                    notifyOperator(Notification.Kind.FENCE_FAILED, x, "fencing " + x + " at level " + level
                            + " failed: " + r);
                    if (p.subIndex() + 1 < policy.fencingLevels().size()) {
                        why(Code.FENCE_LEVEL_FAILED, x, level, r);
                        m.plan = p.withStage(Stage.FENCE, p.subIndex() + 1);
                        run();
                    } else {
                        block(Reason.of(Code.FENCING_FAILED, x, level, r));
                    }
                }
                case FENCE_DELAY -> why(Code.IGNORED_WHILE_FENCE_DELAY);
                default -> throw new IllegalStateException("unknown stage " + p.stage());
            }
        }

        // ----------------------------------------------------------------- operator requests and lease

        void onSwitchover(NodeId target) {
            Reason refusal = null;
            if (!config.contains(target)) {
                refusal = Reason.of(Code.NOT_A_NODE, target, config.nodes());
            } else if (m.maintenanceUntil != null) {
                refusal = Reason.of(Code.MAINTENANCE_IS_ON);
            } else if (m.phase != Phase.RUNNING || m.plan != null) {
                refusal = Reason.of(Code.NOT_RUNNING, m.phase);
            } else if (target.equals(m.active)) {
                refusal = Reason.of(Code.ALREADY_ACTIVE, target);
            } else if (m.roles.get(target) != NodeRole.STANDBY && m.roles.get(target) != NodeRole.STOPPED) {
                refusal = Reason.of(Code.NOT_A_STANDBY, target, m.roles.get(target));
            } else if (mightRun(target)) {
                refusal = Reason.of(Code.TARGET_MIGHT_RUN, target);
            }
            if (refusal != null) {
                why(Code.SWITCHOVER_REFUSED, target, refusal);
                notifyOperator(Notification.Kind.SWITCHOVER_REFUSED, config.contains(target) ? target : null,
                        "switchover to " + target + " refused: " + refusal.text());
                return;
            }
            NodeId old = m.active;
            why(Code.SWITCHOVER_REQUESTED, old, target);
            notifyOperator(Notification.Kind.SWITCHOVER_STARTED, target, "switchover from " + old + " to " + target);
            startPlan(Plan.of(Kind.SWITCHOVER, target, List.of(old), initialStage(true, false), true, false,
                    "operator switchover"));
        }

        void onMaintenance(Event.MaintenanceRequested e) {
            if (!e.on()) {
                if (m.maintenanceUntil == null) {
                    why(Code.MAINTENANCE_NOT_ON);
                    return;
                }
                endMaintenance(Reason.of(Code.MAINTENANCE_ENDED_BY_OPERATOR));
                return;
            }
            Duration d = e.duration().isZero() ? policy.maxMaintenance() : e.duration();
            Reason clamp = Reason.NONE;
            if (d.compareTo(policy.maxMaintenance()) > 0) {
                clamp = Reason.of(Code.MAINTENANCE_CLAMPED, e.duration(), policy.maxMaintenance());
                d = policy.maxMaintenance();
            }
            m.maintenanceUntil = now.plus(d);
            long id = id();
            m.maintenanceTimerId = id;
            emit(new Command.ArmTimer(id, Timer.MAINTENANCE_END, m.maintenanceUntil));
            why(Code.MAINTENANCE_ON, m.maintenanceUntil, clamp);
            List<Outstanding> running = new ArrayList<>();
            for (Outstanding o : m.outstanding) {
                if (o.command().acts()) {
                    running.add(o);
                }
            }
            Reason inFlight = running.isEmpty() ? null : Reason.of(Code.ACTIONS_IN_FLIGHT, running.size(), running);
            if (inFlight != null) {
                why(inFlight);
            }
            if (m.plan != null) {
                why(Code.PLAN_ABANDONED_FOR_MAINTENANCE, m.plan.kind());
                becomeIdleUntilMaintenanceEnds();
            } else if (m.phase == Phase.RECONCILING) {
                m.pendingId = 0;
            }
            notifyOperator(Notification.Kind.MAINTENANCE, null, "maintenance on until " + m.maintenanceUntil
                    + clamp.text() + (inFlight == null ? "" : "; " + inFlight.text()));
        }

        void endMaintenance(Reason why) {
            m.maintenanceUntil = null;
            m.maintenanceTimerId = 0;
            m.failuresInRow = 0;
            m.serviceMaintenanceSince = null;
            why(why);
            notifyOperator(Notification.Kind.MAINTENANCE, null, why.text());
            if (m.phase == Phase.BLOCKED) {
                why(Code.STILL_BLOCKED, m.blockedReason);
                return;
            }
            why(Code.OBSERVING_BEFORE_ACTING);
            reconcile();
        }

        void onClear(Optional<NodeId> force) {
            if (force.isPresent() && !config.contains(force.get())) {
                why(Code.CLEAR_REFUSED, force.get(), config.nodes());
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
            Reason forced = force.map(n -> Reason.of(Code.FORCE_GIVEN, n)).orElse(Reason.NONE);
            if (m.phase == Phase.BLOCKED) {
                Reason msg = Reason.of(Code.CLEARED, forced, Reason.of(Code.LEAVING_BLOCKED, m.blockedReason));
                m.blockedReason = null;
                why(msg);
                notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg.text());
                if (m.maintenanceUntil != null) {
                    becomeIdleUntilMaintenanceEnds();
                    why(Code.OBSERVING_WHEN_MAINTENANCE_ENDS);
                } else {
                    reconcile();
                }
                return;
            }
            if (m.phase == Phase.RUNNING && m.plan == null && m.maintenanceUntil == null) {
                // The operator may have repaired or powered on nodes: look again rather than trust old roles.
                Reason msg = Reason.of(Code.CLEARED, forced, Reason.of(Code.OBSERVING_AGAIN));
                why(msg);
                notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg.text());
                reconcile();
                return;
            }
            Reason msg = Reason.of(Code.CLEARED, forced, Reason.NONE);
            why(msg);
            notifyOperator(Notification.Kind.CLEARED, force.orElse(null), msg.text());
        }

        void onLeaseLost(Event.LeaseLost e) {
            if ((m.lease == null || !e.epoch().equals(m.lease.epoch())) && e.epoch().isAfter(m.highestEpoch)) {
                // A loss reported before its grant reached us (a listener firing during acquire, a session that
                // dropped right after the grant): the grant, when it arrives, must not be used.
                if (e.epoch().isAfter(m.lostEpoch)) {
                    m.lostEpoch = e.epoch();
                }
                why(Code.LEASE_LOST_BEFORE_GRANT, e.holder(), e.epoch(), e.reason());
                notifyOperator(Notification.Kind.LEASE_LOST, e.holder(), "lease " + e.holder() + "@" + e.epoch()
                        + " lost before its grant arrived: " + e.reason());
                return;
            }
            if (m.lease == null || !e.epoch().equals(m.lease.epoch())) {
                why(Code.IGNORED_LEASE_LOSS, e.holder(), e.epoch(), m.lease == null ? Reason.of(Code.NO_LEASE) : m.lease);
                return;
            }
            Lease lost = m.lease;
            m.lease = null;
            if (m.plan != null && m.plan.current() == Step.ACQUIRE_LEASE && m.pendingId != 0) {
                // Our own request for a new lease supersedes the old one; the coordinator may say so first.
                why(Code.LEASE_SUPERSEDED, lost, m.plan.target(), e.reason());
                return;
            }
            notifyOperator(Notification.Kind.LEASE_LOST, lost.holder(), "lease " + lost + " lost: " + e.reason());
            if (m.phase == Phase.BLOCKED) {
                why(Code.LEASE_LOST_BLOCKED, lost, e.reason());
                return;
            }
            if (m.maintenanceUntil != null) {
                why(Code.LEASE_LOST_IN_MAINTENANCE, lost, e.reason());
                if (m.plan != null) {
                    becomeIdleUntilMaintenanceEnds();
                }
                return;
            }
            if (m.active == null) {
                why(Code.LEASE_LOST_NOTHING_RUNS, lost, e.reason());
                reconcile();
                return;
            }
            NodeId a = m.active;
            why(Code.LEASE_LOST_STOPPING, lost, e.reason(), a);
            startPlan(Plan.of(Kind.RELINQUISH, a, List.of(a), initialStage(true, false), true, false, "lease lost"));
        }
    }
}
