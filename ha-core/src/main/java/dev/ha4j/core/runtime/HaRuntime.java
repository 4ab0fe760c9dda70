package dev.ha4j.core.runtime;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.builtin.EpochFloor;
import dev.ha4j.core.builtin.FencingLevel;
import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Timer;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.core.journal.CheckpointedJournal;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.journal.Recovery;
import dev.ha4j.core.journal.RecoveryState;
import dev.ha4j.core.journal.RotatingJournal;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.Journal;
import dev.ha4j.core.spi.Notifier;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The imperative shell around the {@link FailoverEngine}: it feeds events into the engine on one serial event
 * loop, executes the engine's commands through the SPIs on worker threads, each with a deadline it enforces
 * (a call that overruns is interrupted and answered with a timed-out result), journals every decision, and
 * publishes typed events to listeners. Started again over the same journal, it recovers what only the journal
 * can tell (operator maintenance, a block waiting for an operator, the restarts that still count) and observes
 * everything else afresh.
 *
 * <pre>{@code
 * HaRuntime ha = HaRuntime.builder()
 *         .config(config)
 *         .probe(probe).serviceControl(control).coordinator(coordinator)
 *         .fencer("default", fencer).router(router).replicator(replicator)
 *         .build();
 * ha.events().onNotification(n -> System.out.println(n.notification()));
 * ha.start();
 * }</pre>
 *
 * <p>Thread-safe: the operator methods may be called from any thread; they post events to the loop. The
 * engine state is touched only by the loop thread.
 */
public final class HaRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaRuntime.class);

    private final ClusterConfig config;
    private final FailoverEngine engine;
    private final RuntimeScheduler scheduler;
    private final Clock clock;
    private final LongSupplier ticker;
    private final HealthProbe probe;
    private final ServiceControl control;
    private final Map<String, FencingLevel> fencingLevels;
    // The data set: every replicator promoted together or none; null when no replicator is configured.
    private final ReplicaSet dataSet;
    private final RequestRouter router;
    private final Coordinator coordinator;
    private final List<Notifier> notifiers;
    private final Journal journal;
    private final Duration slack;
    private final boolean ownsScheduler;
    private final EventPublisher events = new EventPublisher();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    // Touched by the event loop only.
    private ClusterState state;
    private long seq;
    private final Map<Timer, Cancellable> timers = new EnumMap<>(Timer.class);
    /** SPI calls that have not returned yet, by SPI and node, with when they began. */
    private final Map<String, Instant> inFlight = new ConcurrentHashMap<>();
    private volatile StatusSnapshot snapshot;
    /** What the SPIs last said about each node (probe, replica, service), for the status; loop only. */
    private final Map<NodeId, StatusSnapshot.Observed> observed = new LinkedHashMap<>();
    /** How the node list differed from the journal's at start, for the status; written on the loop. */
    private volatile Optional<StatusSnapshot.ConfigurationChange> configurationChange = Optional.empty();

    private HaRuntime(Builder b) {
        this.config = b.config;
        this.engine = new FailoverEngine(b.config);
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : new ThreadedScheduler(b.clock, "ha4j-" + config.name());
        this.clock = scheduler.clock();
        this.probe = b.probe;
        this.control = b.control;
        // Deadlines inside the composites run on the scheduler's monotonic ticker: System.nanoTime() for a
        // ThreadedScheduler, whoever built it (a step of the wall clock moves no deadline), virtual in the testkit.
        this.ticker = scheduler.ticker();
        Map<String, FencingLevel> f = new LinkedHashMap<>();
        b.fencers.forEach((level, devices) -> {
            FencingLevel.Builder lb = FencingLevel.builder().name(level).ticker(ticker);
            devices.forEach(lb::device);
            f.put(level, lb.build());
        });
        this.fencingLevels = Map.copyOf(f);
        if (b.replicators.isEmpty()) {
            this.dataSet = null;
        } else {
            ReplicaSet.Builder rb = ReplicaSet.builder().name("data").ticker(ticker);
            b.replicators.forEach(rb::replicator);
            this.dataSet = rb.build();
        }
        this.router = b.router;
        this.coordinator = b.coordinator;
        this.notifiers = List.copyOf(b.notifiers);
        this.journal = b.journal;
        this.slack = b.slack;
        this.state = engine.initialState();
        this.snapshot = StatusSnapshot.of(config.name(), clock.instant(), state, Map.of(), Optional.empty(),
                "not started", 0);
        coordinator.addListener((holder, epoch, reason) ->
                scheduler.execute(() -> handle(new Event.LeaseLost(now(), holder, epoch, reason))));
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the engine this runtime drives */
    public FailoverEngine engine() {
        return engine;
    }

    /** @return where listeners register */
    public EventPublisher events() {
        return events;
    }

    /**
     * Starts managing: the engine observes the cluster and acts. Calling it again has no effect.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public void start() {
        checkOpen();
        if (started.compareAndSet(false, true)) {
            scheduler.execute(() -> handle(new Event.Started(now(), recover())));
        }
    }

    /**
     * Reads what the previous run's journal says the engine must not forget (maintenance, a block, restarts,
     * the highest epoch) through {@link Recovery}, from the newest checkpoint when the journal keeps them; runs on
     * the event loop before the first event. A coordinator that lives in this JVM is told the highest epoch, so
     * that its first grant is newer than every epoch the journal saw.
     */
    private Optional<Event.Recovered> recover() {
        if (journal == null) {
            return Optional.empty();
        }
        try {
            Recovery recovery = Recovery.of(journal);
            RecoveryState folded = recovery.state();
            seq = folded.seq();
            if (folded.entries() == 0) {
                return Optional.empty();
            }
            RecoveryState.Adjusted adjusted = folded.toRecovered(config.nodes());
            Event.Recovered r = adjusted.recovered();
            if (coordinator instanceof EpochFloor floor) {
                floor.continueAfter(r.highestEpoch());
            }
            recovery.notes().forEach(n -> LOG.warn("journal recovery: {}", n));
            if (adjusted.configurationChanged()) {
                noteConfigurationChange(adjusted);
            }
            LOG.info("recovered from {} journal entries ({}): maintenance until {}, blocked: {}, {} restart(s)"
                    + " counting, highest epoch {}", recovery.entriesRead(), recovery.checkpointSeq()
                    .map(s -> "after the checkpoint at " + s).orElse("the whole journal"),
                    r.maintenanceUntil().orElse(null), r.blockedReason().orElse("no"), r.restarts().size(),
                    r.highestEpoch());
            return Optional.of(r);
        } catch (RuntimeException e) {
            LOG.error("cannot recover from the journal ({}); starting without its memory", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Puts a changed node list in the timeline, not only in the log: a note line in a JSON-lines or rotating
     * journal (between the previous run's entries and this run's Started), a checkpoint that carries it, the
     * status, and an event to listeners. The engine's own entries cannot carry it: replay checks their reasons.
     */
    private void noteConfigurationChange(RecoveryState.Adjusted adjusted) {
        Instant at = now();
        String note = adjusted.note();
        LOG.warn("journal recovery: {}", note);
        if (journal instanceof JsonLinesJournal j) {
            j.note(at, note);
        } else if (journal instanceof RotatingJournal r) {
            r.note(at, note);
        }
        if (journal instanceof CheckpointedJournal c) {
            c.checkpoint(note);
        }
        List<String> removed = adjusted.removed().stream().map(NodeId::name).toList();
        List<String> added = adjusted.added().stream().map(NodeId::name).toList();
        configurationChange = Optional.of(new StatusSnapshot.ConfigurationChange(at, removed, added, note));
        events.publish(new RuntimeEvent.ConfigurationChanged(at, removed, added, note));
    }

    /**
     * Asks for a planned switchover to {@code target}; refused (and notified) unless the cluster is RUNNING.
     *
     * @param target the node to make active
     * @throws IllegalArgumentException if {@code target} is not a node of the cluster
     * @throws IllegalStateException if the runtime is closed
     */
    public void switchover(NodeId target) {
        Objects.requireNonNull(target, "target");
        requireNode("switchover target", target);
        checkOpen();
        post(() -> new Event.SwitchoverRequested(now(), target));
    }

    /**
     * Switches maintenance on for {@code duration} (at most the policy's maximum; zero means the maximum) or off.
     *
     * @param on on or off
     * @param duration how long; ignored when switching off
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if the runtime is closed
     */
    public void maintenance(boolean on, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("maintenance duration " + duration + " must not be negative (zero"
                    + " means the policy's maximum, " + config.policy().maxMaintenance() + ")");
        }
        checkOpen();
        post(() -> new Event.MaintenanceRequested(now(), on, duration));
    }

    /**
     * Clears the failure history and any block.
     *
     * @param forcePromote a node whose stale replica may be promoted (recorded), or empty; the force is used up
     *     by the next promotion of that node and expires after the policy's maximum maintenance time
     * @throws IllegalArgumentException if {@code forcePromote} names a node that is not in the cluster
     * @throws IllegalStateException if the runtime is closed
     */
    public void clearFailures(Optional<NodeId> forcePromote) {
        Objects.requireNonNull(forcePromote, "forcePromote");
        forcePromote.ifPresent(n -> requireNode("node to force", n));
        checkOpen();
        post(() -> new Event.ClearRequested(now(), forcePromote));
    }

    /**
     * Reports a verdict from outside the probe loop (a router-side path check, a database monitor).
     *
     * @param node the node it concerns
     * @param result the verdict
     * @param source who reports it
     * @throws IllegalArgumentException if {@code node} is not a node of the cluster
     * @throws IllegalStateException if the runtime is closed
     */
    public void report(NodeId node, ProbeResult result, String source) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(source, "source");
        requireNode("reported node", node);
        checkOpen();
        post(() -> new Event.VerdictReported(now(), node, result, source));
    }

    /** @return the latest status; cheap, callable from any thread */
    public StatusSnapshot status() {
        return snapshot;
    }

    private void requireNode(String what, NodeId node) {
        if (!config.contains(node)) {
            throw new IllegalArgumentException(what + " " + node + " is not a node of cluster " + config.name() + " "
                    + config.nodes());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("runtime of cluster " + config.name() + " is closed");
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private void post(Supplier<Event> event) {
        scheduler.execute(() -> handle(event.get()));
    }

    // ------------------------------------------------------------------ the event loop

    private void handle(Event e) {
        if (closed) {
            return;
        }
        Transition t = engine.apply(state, e);
        boolean phaseChanged = t.state().phase() != state.phase();
        state = t.state();
        seq++;
        if (journal != null) {
            try {
                journal.append(new JournalEntry(seq, e.at(), e, state.phase(), t.commands(), t.reason(),
                        t.reasons()));
            } catch (Throwable ex) {
                // The decision is taken and its commands must still run; a restarted manager will know less.
                LOG.error("journal append failed for entry {} ({}): the decision is carried out anyway, but a"
                        + " restarted manager will not recover it", seq, ex.toString());
            }
        }
        boolean acts = phaseChanged;
        for (Command c : t.commands()) {
            acts |= c.acts() || c instanceof Command.Notify;
        }
        MDC.put("cluster", config.name());
        MDC.put("epoch", state.epoch().toString());
        try {
            if (acts) {
                LOG.info("[{}] {} -> {} ({} command(s))", state.phase(), e.getClass().getSimpleName(), t.reason(),
                        t.commands().size());
            } else {
                LOG.debug("[{}] {} -> {}", state.phase(), e.getClass().getSimpleName(), t.reason());
            }
        } finally {
            MDC.remove("cluster");
            MDC.remove("epoch");
        }
        remember(e);
        snapshot = StatusSnapshot.of(config.name(), now(), state, observed, configurationChange, t.reason(), seq);
        events.publish(new RuntimeEvent.DecisionMade(e.at(), seq, e, t));
        for (Command c : t.commands()) {
            execute(c);
        }
    }

    /** Keeps what an answer says about a node, which the engine itself does not keep for every node. */
    private void remember(Event e) {
        if (e instanceof Event.ProbeCompleted p) {
            observed.merge(p.node(), StatusSnapshot.Observed.NONE.withProbe(StatusSnapshot.Verdict.of(p.result(),
                    p.at(), "probe")), (old, x) -> old.withProbe(x.lastProbe()));
        } else if (e instanceof Event.VerdictReported v) {
            observed.merge(v.node(), StatusSnapshot.Observed.NONE.withProbe(StatusSnapshot.Verdict.of(v.result(),
                    v.at(), v.source())), (old, x) -> old.withProbe(x.lastProbe()));
        } else if (e instanceof Event.ReplicaObserved r) {
            replica(r.node(), r.status(), r.at());
        } else if (e instanceof Event.StateObserved st) {
            service(st.node(), st.state(), st.at());
        } else if (e instanceof Event.Observed o) {
            o.observation().replicas().forEach((n, r) -> replica(n, r, o.at()));
            o.observation().services().forEach((n, r) -> service(n, r, o.at()));
        }
    }

    /**
     * A promotion or demotion that succeeded changes the replica's role: the status says so at once rather
     * than show the role read before it until the next check. The consistency stays as last read.
     */
    private void rememberAction(Command c, Event result) {
        if (dataSet == null || !(result instanceof Event.ActionCompleted done) || !done.result().isOk()) {
            return;
        }
        NodeId node;
        ReplicaRole role;
        String why;
        if (c instanceof Command.Promote p) {
            node = p.node();
            role = ReplicaRole.PRIMARY;
            why = "promoted under " + p.epoch();
        } else if (c instanceof Command.Demote d) {
            node = d.node();
            role = ReplicaRole.SECONDARY;
            why = "demoted under " + d.epoch();
        } else {
            return;
        }
        StatusSnapshot.Replica before = observed.getOrDefault(node, StatusSnapshot.Observed.NONE).replica();
        replica(node, new ReplicaStatus(role, before == null ? Consistency.UNKNOWN : before.consistency(), why),
                done.at());
    }

    private void replica(NodeId node, ReplicaStatus r, Instant at) {
        StatusSnapshot.Replica x = StatusSnapshot.Replica.of(r, at);
        observed.merge(node, StatusSnapshot.Observed.NONE.withReplica(x), (old, n) -> old.withReplica(x));
    }

    private void service(NodeId node, RunState st, Instant at) {
        StatusSnapshot.Service x = new StatusSnapshot.Service(st, at);
        observed.merge(node, StatusSnapshot.Observed.NONE.withService(x), (old, n) -> old.withService(x));
    }

    private void execute(Command c) {
        try {
            c.accept(executor);
        } catch (Throwable t) {
            // A command that cannot even be started (a scheduler refusing a timer, a bug) must not stall the
            // loop: the engine gets the answer a failed call would give.
            LOG.error("cannot execute {}: {}", c, t.toString(), t);
            Event failure = c.accept(new Failure("could not be started: " + t, now()));
            if (failure != null) {
                long begunNanos = ticker.getAsLong();
                scheduler.execute(() -> deliver(c, failure, begunNanos));
            }
        }
    }

    /** Carries out each command type; exhaustive over {@link Command}. */
    private final Command.Visitor<Void> executor = new Command.Visitor<>() {
        @Override
        public Void visitArmTimer(Command.ArmTimer a) {
            Cancellable old = timers.remove(a.timer());
            if (old != null) {
                old.cancel();
            }
            timers.put(a.timer(), scheduler.schedule(a.at(), () -> handle(new Event.TimerFired(now(), a.id(),
                    a.timer()))));
            return null;
        }

        @Override
        public Void visitNotify(Command.Notify n) {
            events.publish(new RuntimeEvent.NotificationSent(now(), n.notification()));
            for (Notifier notifier : notifiers) {
                scheduler.executeBlocking(() -> {
                    try {
                        notifier.notify(n.notification());
                    } catch (Throwable ex) {
                        LOG.warn("notifier {} failed: {}", notifier.getClass().getSimpleName(), ex.toString());
                    }
                });
            }
            return null;
        }

        @Override
        public Void visitProbe(Command.Probe p) {
            call(p, "probe", p.node(), p.timeout(), () -> {
                ProbeResult r = probe.probe(p.node(), p.timeout());
                return r == null ? null : at -> new Event.ProbeCompleted(at, p.id(), p.node(), r);
            });
            return null;
        }

        @Override
        public Void visitObserve(Command.Observe o) {
            observe(o);
            return null;
        }

        @Override
        public Void visitStartService(Command.StartService s) {
            action(s, "service control", s.node(), s.timeout(), () -> control.start(s.node(), s.epoch(), s.timeout()));
            return null;
        }

        @Override
        public Void visitStopService(Command.StopService s) {
            action(s, "service control", s.node(), s.timeout(), () -> control.stop(s.node(), s.timeout()));
            return null;
        }

        @Override
        public Void visitKillService(Command.KillService k) {
            action(k, "service control", k.node(), k.timeout(), () -> control.kill(k.node(), k.timeout()));
            return null;
        }

        @Override
        public Void visitConfirmStopped(Command.ConfirmStopped s) {
            call(s, "service control", s.node(), s.timeout(), () -> {
                RunState r = control.state(s.node(), s.timeout());
                return r == null ? null : at -> new Event.StateObserved(at, s.id(), s.node(), r);
            });
            return null;
        }

        @Override
        public Void visitFence(Command.Fence f) {
            call(f, "fencer " + f.level(), f.node(), f.timeout(), () -> {
                FenceResult r = fence(f.node(), f.level(), f.timeout());
                return r == null ? null : at -> new Event.FenceCompleted(at, f.id(), f.node(), r);
            });
            return null;
        }

        @Override
        public Void visitAcquireLease(Command.AcquireLease a) {
            call(a, "coordinator", null, a.timeout(), () -> {
                LeaseResult r = coordinator.acquire(a.node(), a.timeout());
                return r == null ? null : at -> new Event.LeaseAcquired(at, a.id(), r);
            });
            return null;
        }

        @Override
        public Void visitReleaseLease(Command.ReleaseLease r) {
            action(r, "coordinator", null, r.timeout(), () -> coordinator.release(r.lease(), r.timeout()));
            return null;
        }

        @Override
        public Void visitCheckReplica(Command.CheckReplica r) {
            call(r, "replicator", r.node(), r.timeout(), () -> {
                ReplicaStatus s = replicaStatus(r.node(), r.timeout());
                return s == null ? null : at -> new Event.ReplicaObserved(at, r.id(), r.node(), s);
            });
            return null;
        }

        @Override
        public Void visitPromote(Command.Promote p) {
            action(p, "replicator", p.node(), p.timeout(), () -> dataSet == null ? OpResult.ok("no replicator configured")
                    : dataSet.promote(p.node(), p.epoch(), p.force(), p.timeout()));
            return null;
        }

        @Override
        public Void visitDemote(Command.Demote d) {
            action(d, "replicator", d.node(), d.timeout(), () -> dataSet == null ? OpResult.ok("no replicator configured")
                    : dataSet.demote(d.node(), d.epoch(), d.timeout()));
            return null;
        }

        @Override
        public Void visitOutdatePeer(Command.OutdatePeer o) {
            action(o, "replicator", o.peer(), o.timeout(), () -> dataSet == null
                    ? OpResult.ok("no replicator configured") : dataSet.outdatePeer(o.peer(), o.epoch(), o.timeout()));
            return null;
        }

        @Override
        public Void visitRoute(Command.Route r) {
            action(r, "router", null, r.timeout(), () -> router == null ? OpResult.ok("no router configured")
                    : router.route(r.node(), r.epoch(), r.timeout()));
            return null;
        }

        @Override
        public Void visitUnroute(Command.Unroute u) {
            action(u, "router", null, u.timeout(), () -> router == null ? OpResult.ok("no router configured")
                    : router.unroute(u.node(), u.timeout()));
            return null;
        }
    };

    /**
     * The answer a command gets when its SPI call failed, overran, returned nothing or could not start: the
     * outcome is not known, so it is never a success. Null for commands that get no answer.
     */
    private static final class Failure implements Command.Visitor<Event> {
        private final String why;
        private final Instant at;

        Failure(String why, Instant at) {
            this.why = why;
            this.at = at;
        }

        @Override
        public Event visitArmTimer(Command.ArmTimer c) {
            return null;
        }

        @Override
        public Event visitNotify(Command.Notify c) {
            return null;
        }

        @Override
        public Event visitProbe(Command.Probe c) {
            return new Event.ProbeCompleted(at, c.id(), c.node(), ProbeResult.failed(FailureKind.HUNG, "probe " + why));
        }

        @Override
        public Event visitObserve(Command.Observe c) {
            return new Event.Observed(at, c.id(), new Observation(Map.of(), Map.of(), Optional.empty(),
                    Optional.empty()));
        }

        @Override
        public Event visitStartService(Command.StartService c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitStopService(Command.StopService c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitKillService(Command.KillService c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitConfirmStopped(Command.ConfirmStopped c) {
            return new Event.StateObserved(at, c.id(), c.node(), RunState.UNKNOWN);
        }

        @Override
        public Event visitFence(Command.Fence c) {
            return new Event.FenceCompleted(at, c.id(), c.node(), FenceResult.failed(Outcome.TIMED_OUT,
                    PowerState.UNKNOWN, "fencing " + why));
        }

        @Override
        public Event visitAcquireLease(Command.AcquireLease c) {
            return new Event.LeaseAcquired(at, c.id(), LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(),
                    "lease request " + why));
        }

        @Override
        public Event visitReleaseLease(Command.ReleaseLease c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitCheckReplica(Command.CheckReplica c) {
            return new Event.ReplicaObserved(at, c.id(), c.node(), ReplicaStatus.unknown("check " + why));
        }

        @Override
        public Event visitPromote(Command.Promote c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitDemote(Command.Demote c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitOutdatePeer(Command.OutdatePeer c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitRoute(Command.Route c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        @Override
        public Event visitUnroute(Command.Unroute c) {
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }
    }

    private void action(Command c, String spi, NodeId node, Duration timeout, Supplier<OpResult> work) {
        call(c, spi, node, timeout, () -> {
            OpResult r = work.get();
            return r == null ? null : at -> new Event.ActionCompleted(at, c.id(), r);
        });
    }

    /**
     * A blocking SPI call on a worker, with the runtime's own deadline over it. Only one call per SPI and node
     * runs at a time: while an earlier call has not returned (an SPI that ignores its deadline and interrupts),
     * the next one is not started but answered at once as a failure, so that no thread piles up behind it and no
     * confirmation is read while, say, a start is still running. A null from the SPI is a failure naming it.
     *
     * @param spi the SPI's name for logs and failures
     * @param node the node the call concerns, or null for a cluster-wide SPI (router, coordinator)
     */
    private void call(Command c, String spi, NodeId node, Duration timeout,
            Supplier<Function<Instant, Event>> work) {
        Instant begun = now();
        long begunNanos = ticker.getAsLong();
        String key = spi + (node == null ? "" : ":" + node);
        Instant previous = inFlight.putIfAbsent(key, begun);
        if (previous != null) {
            String why = "was not started: the previous " + spi + " call" + (node == null ? "" : " for " + node)
                    + " (since " + previous + ") has not returned";
            LOG.warn("{} {}", c.getClass().getSimpleName(), why);
            Event busy = c.accept(new Failure(why, begun));
            scheduler.execute(() -> deliver(c, busy, begunNanos));
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Worker worker = new Worker();
        Duration limit = timeout.plus(slack);
        Cancellable watchdog = scheduler.scheduleAfter(limit, () -> {
            if (done.compareAndSet(false, true)) {
                worker.interrupt();
                deliver(c, c.accept(new Failure("exceeded its deadline of " + timeout, now())), begunNanos);
            }
        });
        scheduler.executeBlocking(() -> {
            worker.begin();
            Function<Instant, Event> result;
            MDC.put("cluster", config.name());
            if (node != null) {
                MDC.put("node", node.name());
            }
            MDC.put("epoch", epochOf(c));
            try {
                result = work.get();
                if (result == null) {
                    LOG.warn("{} for {}: the {} returned null; taken as a failure", c.getClass().getSimpleName(),
                            node == null ? "the cluster" : node, spi);
                    result = at -> c.accept(new Failure("failed: the " + spi + " returned null", at));
                }
            } catch (Throwable ex) {
                LOG.warn("{} for {}: the {} threw {}", c.getClass().getSimpleName(), node == null ? "the cluster"
                        : node, spi, ex.toString());
                String why = "failed: the " + spi + " threw " + ex.getClass().getSimpleName();
                result = at -> c.accept(new Failure(why, at));
            } finally {
                MDC.clear();
                worker.end();
                inFlight.remove(key);
            }
            if (done.compareAndSet(false, true)) {
                watchdog.cancel();
                Function<Instant, Event> r = result;
                scheduler.execute(() -> deliver(c, r.apply(now()), begunNanos));
            }
        });
    }

    private static String epochOf(Command c) {
        if (c instanceof Command.StartService s) {
            return s.epoch().toString();
        } else if (c instanceof Command.Promote p) {
            return p.epoch().toString();
        } else if (c instanceof Command.Route r) {
            return r.epoch().toString();
        }
        return "";
    }

    /** @param begunNanos when the call began on the ticker, so that a step of the wall clock skews no duration */
    private void deliver(Command c, Event result, long begunNanos) {
        if (closed) {
            return;
        }
        Duration took = Duration.ofNanos(Math.max(0, ticker.getAsLong() - begunNanos));
        events.publish(new RuntimeEvent.CommandFinished(result.at(), c, result, took));
        rememberAction(c, result);
        handle(result);
    }

    /** The thread running one call, so the watchdog can interrupt exactly that call and nothing after it. */
    private static final class Worker {
        private Thread thread;

        synchronized void begin() {
            thread = Thread.currentThread();
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        void end() {
            synchronized (this) {
                thread = null;
            }
            // An interrupt that arrived for this call must not leak into the pooled thread's next task.
            Thread.interrupted();
        }
    }

    /**
     * Observes every node's service and replica, the route and the lease, each part on its own worker. A part
     * whose SPI still runs an earlier call for that node (a start that has not returned, say) is not asked: it
     * stays unknown, as does a part that overruns the deadline, throws or returns null.
     */
    private void observe(Command.Observe o) {
        Instant begun = now();
        long begunNanos = ticker.getAsLong();
        Map<NodeId, RunState> services = new ConcurrentHashMap<>();
        Map<NodeId, ReplicaStatus> replicas = new ConcurrentHashMap<>();
        AtomicReference<Optional<NodeId>> route = new AtomicReference<>(Optional.empty());
        AtomicReference<Optional<Lease>> lease = new AtomicReference<>(Optional.empty());
        Map<String, Runnable> parts = new LinkedHashMap<>();
        for (NodeId n : config.nodes()) {
            parts.put("service control:" + n, () -> {
                RunState st = control.state(n, o.timeout());
                if (st != null) {
                    services.put(n, st);
                }
            });
            parts.put("replicator:" + n, () -> {
                ReplicaStatus st = replicaStatus(n, o.timeout());
                if (st != null) {
                    replicas.put(n, st);
                }
            });
        }
        if (router != null) {
            parts.put("router", () -> route.set(Objects.requireNonNullElse(router.currentTarget(o.timeout()),
                    Optional.empty())));
        }
        parts.put("coordinator", () -> lease.set(Objects.requireNonNullElse(coordinator.current(o.timeout()),
                Optional.empty())));
        AtomicInteger remaining = new AtomicInteger(parts.size());
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                Observation obs = new Observation(Map.copyOf(services), Map.copyOf(replicas), route.get(),
                        lease.get());
                scheduler.execute(() -> deliver(o, new Event.Observed(now(), o.id(), obs), begunNanos));
            }
        };
        Cancellable watchdog = scheduler.scheduleAfter(o.timeout().plus(slack), finish);
        parts.forEach((key, part) -> {
            Instant previous = inFlight.putIfAbsent(key, begun);
            if (previous != null) {
                LOG.warn("observing the cluster: not asking the {}: its previous call (since {}) has not returned",
                        key, previous);
                if (remaining.decrementAndGet() == 0) {
                    watchdog.cancel();
                    finish.run();
                }
                return;
            }
            scheduler.executeBlocking(() -> {
                try {
                    part.run();
                } catch (Throwable ex) {
                    LOG.warn("observing the cluster: the {} threw {}", key, ex.toString());
                } finally {
                    inFlight.remove(key);
                }
                if (remaining.decrementAndGet() == 0) {
                    watchdog.cancel();
                    finish.run();
                }
            });
        });
    }

    private FenceResult fence(NodeId node, String level, Duration timeout) {
        FencingLevel devices = fencingLevels.get(level);
        if (devices == null) {
            return FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "no fencer configured for level " + level);
        }
        return devices.fence(node, FenceAction.OFF, timeout);
    }

    private ReplicaStatus replicaStatus(NodeId node, Duration timeout) {
        if (dataSet == null) {
            return new ReplicaStatus(ReplicaRole.UNKNOWN, Consistency.UP_TO_DATE, "no replicator configured");
        }
        return dataSet.status(node, timeout);
    }

    /**
     * Stops the runtime: no further event is handled, timers are cancelled, running SPI calls are interrupted
     * if the runtime created its own scheduler. The service itself is left as it is. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.execute(() -> {
            timers.values().forEach(Cancellable::cancel);
            timers.clear();
        });
        if (ownsScheduler) {
            scheduler.shutdown();
        }
        if (journal != null) {
            journal.close();
        }
    }

    /**
     * Builds a {@link HaRuntime}. Not thread-safe. Required: config, probe, service control, coordinator, and a
     * fencer for every fencing level of the policy when the policy requires fencing.
     */
    public static final class Builder {
        private ClusterConfig config;
        private Clock clock = Clock.systemUTC();
        private RuntimeScheduler scheduler;
        private HealthProbe probe;
        private ServiceControl control;
        private final Map<String, List<Fencer>> fencers = new LinkedHashMap<>();
        private final List<Replicator> replicators = new ArrayList<>();
        private RequestRouter router;
        private Coordinator coordinator;
        private final List<Notifier> notifiers = new ArrayList<>();
        private Journal journal;
        private Duration slack = Duration.ofSeconds(1);

        private Builder() {
        }

        /**
         * Sets the cluster configuration.
         *
         * @param config the cluster configuration
         * @return this builder
         */
        public Builder config(ClusterConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the clock for the default scheduler.
         *
         * @param clock the clock for the default scheduler
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the scheduler (the testkit's virtual one, say); it brings its own clock.
         *
         * @param scheduler the scheduler (the testkit's virtual one, say); it brings its own clock
         * @return this builder
         */
        public Builder scheduler(RuntimeScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets the health probe.
         *
         * @param probe the health probe
         * @return this builder
         */
        public Builder probe(HealthProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * Sets the service control.
         *
         * @param control the service control
         * @return this builder
         */
        public Builder serviceControl(ServiceControl control) {
            this.control = Objects.requireNonNull(control, "control");
            return this;
        }

        /**
         * Adds a fencing device to a level; a level with several devices succeeds only when all verify off.
         *
         * @param level the level name, as in the policy
         * @param fencer the device
         * @return this builder
         */
        public Builder fencer(String level, Fencer fencer) {
            Objects.requireNonNull(level, "level");
            fencers.computeIfAbsent(level, k -> new ArrayList<>()).add(Objects.requireNonNull(fencer, "fencer"));
            return this;
        }

        /**
         * Adds a replicator of the data set.
         *
         * @param replicator a replicator of the data set
         * @return this builder
         */
        public Builder replicator(Replicator replicator) {
            replicators.add(Objects.requireNonNull(replicator, "replicator"));
            return this;
        }

        /**
         * Sets the request router.
         *
         * @param router the request router
         * @return this builder
         */
        public Builder router(RequestRouter router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /**
         * Sets the coordinator.
         *
         * @param coordinator the coordinator
         * @return this builder
         */
        public Builder coordinator(Coordinator coordinator) {
            this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
            return this;
        }

        /**
         * Adds a notifier.
         *
         * @param notifier a notifier
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /**
         * Sets the journal.
         *
         * @param journal the journal
         * @return this builder
         */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * @param slack how long past an SPI call's own deadline the runtime waits before answering it as timed
         *     out and interrupting it (default 1 s)
         * @return this builder
         */
        public Builder deadlineSlack(Duration slack) {
            this.slack = Objects.requireNonNull(slack, "slack");
            return this;
        }

        /**
         * @return the runtime, not started
         * @throws IllegalStateException naming what is missing or inconsistent
         */
        public HaRuntime build() {
            if (config == null) {
                throw new IllegalStateException("config is missing");
            }
            if (probe == null) {
                throw new IllegalStateException("probe is missing: the runtime cannot watch the service");
            }
            if (control == null) {
                throw new IllegalStateException("serviceControl is missing: the runtime cannot start or stop the service");
            }
            if (coordinator == null) {
                throw new IllegalStateException("coordinator is missing: use InMemoryCoordinator for a single manager");
            }
            if (slack.isNegative()) {
                throw new IllegalStateException("deadlineSlack " + slack + " is negative");
            }
            List<String> levels = config.policy().fencingLevels();
            for (String level : fencers.keySet()) {
                if (!levels.contains(level)) {
                    throw new IllegalStateException("fencer given for level '" + level
                            + "', which is not among the policy's fencingLevels " + levels);
                }
            }
            if (config.policy().fencingRequired()) {
                for (String level : levels) {
                    if (!fencers.containsKey(level)) {
                        throw new IllegalStateException("no fencer for fencing level '" + level
                                + "' while the policy requires fencing: add .fencer(\"" + level
                                + "\", ...) or set fencingRequired(false)");
                    }
                }
            }
            covers("probe", probe.coveredNodes());
            covers("serviceControl", control.coveredNodes());
            fencers.forEach((level, devices) -> devices.forEach(f -> covers("fencer of level '" + level + "'",
                    f.coveredNodes())));
            return new HaRuntime(this);
        }

        /** Refuses an SPI instance configured for some nodes that leaves out one of the cluster's. */
        private void covers(String what, Optional<java.util.Set<NodeId>> covered) {
            if (covered == null || covered.isEmpty()) {
                return;
            }
            for (NodeId n : config.nodes()) {
                if (!covered.get().contains(n)) {
                    throw new IllegalStateException("the " + what + " does not cover node " + n + " of cluster "
                            + config.name() + " (it covers " + new java.util.TreeSet<>(covered.get()) + ")");
                }
            }
        }
    }
}
