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
import dev.ha4j.core.journal.Recovery;
import dev.ha4j.core.journal.RecoveryState;
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
    private final HealthProbe probe;
    private final ServiceControl control;
    private final Map<String, List<Fencer>> fencers;
    private final List<Replicator> replicators;
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
    private volatile StatusSnapshot snapshot;

    private HaRuntime(Builder b) {
        this.config = b.config;
        this.engine = new FailoverEngine(b.config);
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : new ThreadedScheduler(b.clock, "ha4j-" + config.name());
        this.clock = scheduler.clock();
        this.probe = b.probe;
        this.control = b.control;
        Map<String, List<Fencer>> f = new LinkedHashMap<>();
        b.fencers.forEach((k, v) -> f.put(k, List.copyOf(v)));
        this.fencers = Map.copyOf(f);
        this.replicators = List.copyOf(b.replicators);
        this.router = b.router;
        this.coordinator = b.coordinator;
        this.notifiers = List.copyOf(b.notifiers);
        this.journal = b.journal;
        this.slack = b.slack;
        this.state = engine.initialState();
        this.snapshot = StatusSnapshot.of(config.name(), clock.instant(), state, "not started", 0);
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
                LOG.warn("journal recovery: {}", adjusted.note());
                if (journal instanceof CheckpointedJournal c) {
                    c.checkpoint(adjusted.note());
                }
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
     * Asks for a planned switchover to {@code target}; refused (and notified) unless the cluster is RUNNING.
     *
     * @param target the node to make active
     * @throws IllegalStateException if the runtime is closed
     */
    public void switchover(NodeId target) {
        Objects.requireNonNull(target, "target");
        checkOpen();
        post(() -> new Event.SwitchoverRequested(now(), target));
    }

    /**
     * Switches maintenance on for {@code duration} (at most the policy's maximum; zero means the maximum) or off.
     *
     * @param on on or off
     * @param duration how long
     * @throws IllegalStateException if the runtime is closed
     */
    public void maintenance(boolean on, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        checkOpen();
        post(() -> new Event.MaintenanceRequested(now(), on, duration));
    }

    /**
     * Clears the failure history and any block.
     *
     * @param forcePromote a node whose stale replica may be promoted (recorded), or empty
     * @throws IllegalStateException if the runtime is closed
     */
    public void clearFailures(Optional<NodeId> forcePromote) {
        Objects.requireNonNull(forcePromote, "forcePromote");
        checkOpen();
        post(() -> new Event.ClearRequested(now(), forcePromote));
    }

    /**
     * Reports a verdict from outside the probe loop (a router-side path check, a database monitor).
     *
     * @param node the node it concerns
     * @param result the verdict
     * @param source who reports it
     * @throws IllegalStateException if the runtime is closed
     */
    public void report(NodeId node, ProbeResult result, String source) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(source, "source");
        checkOpen();
        post(() -> new Event.VerdictReported(now(), node, result, source));
    }

    /** @return the latest status; cheap, callable from any thread */
    public StatusSnapshot status() {
        return snapshot;
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
            journal.append(new JournalEntry(seq, e.at(), e, state.phase(), t.commands(), t.reason()));
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
        snapshot = StatusSnapshot.of(config.name(), now(), state, t.reason(), seq);
        events.publish(new RuntimeEvent.DecisionMade(e.at(), seq, e, t));
        for (Command c : t.commands()) {
            execute(c);
        }
    }

    private void execute(Command c) {
        if (c instanceof Command.ArmTimer a) {
            Cancellable old = timers.remove(a.timer());
            if (old != null) {
                old.cancel();
            }
            timers.put(a.timer(), scheduler.schedule(a.at(), () -> {
                handle(new Event.TimerFired(now(), a.id(), a.timer()));
            }));
        } else if (c instanceof Command.Notify n) {
            events.publish(new RuntimeEvent.NotificationSent(now(), n.notification()));
            for (Notifier notifier : notifiers) {
                scheduler.executeBlocking(() -> {
                    try {
                        notifier.notify(n.notification());
                    } catch (RuntimeException ex) {
                        LOG.warn("notifier {} failed: {}", notifier.getClass().getSimpleName(), ex.toString());
                    }
                });
            }
        } else if (c instanceof Command.Probe p) {
            call(c, p.node(), p.timeout(),
                    () -> {
                        ProbeResult r = probe.probe(p.node(), p.timeout());
                        return at -> new Event.ProbeCompleted(at, p.id(), p.node(), r);
                    },
                    why -> at -> new Event.ProbeCompleted(at, p.id(), p.node(), ProbeResult.failed(FailureKind.HUNG,
                            "probe " + why)));
        } else if (c instanceof Command.Observe o) {
            observe(o);
        } else if (c instanceof Command.StartService s) {
            action(c, s.node(), s.timeout(), () -> control.start(s.node(), s.epoch(), s.timeout()));
        } else if (c instanceof Command.StopService s) {
            action(c, s.node(), s.timeout(), () -> control.stop(s.node(), s.timeout()));
        } else if (c instanceof Command.KillService s) {
            action(c, s.node(), s.timeout(), () -> control.kill(s.node(), s.timeout()));
        } else if (c instanceof Command.ConfirmStopped s) {
            call(c, s.node(), s.timeout(),
                    () -> {
                        RunState r = control.state(s.node(), s.timeout());
                        return at -> new Event.StateObserved(at, s.id(), s.node(), r);
                    },
                    why -> at -> new Event.StateObserved(at, s.id(), s.node(), RunState.UNKNOWN));
        } else if (c instanceof Command.Fence f) {
            call(c, f.node(), f.timeout(),
                    () -> {
                        FenceResult r = fence(f.node(), f.level(), f.timeout());
                        return at -> new Event.FenceCompleted(at, f.id(), f.node(), r);
                    },
                    why -> at -> new Event.FenceCompleted(at, f.id(), f.node(),
                            FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "fencing " + why)));
        } else if (c instanceof Command.AcquireLease a) {
            call(c, a.node(), a.timeout(),
                    () -> {
                        LeaseResult r = coordinator.acquire(a.node(), a.timeout());
                        return at -> new Event.LeaseAcquired(at, a.id(), r);
                    },
                    why -> at -> new Event.LeaseAcquired(at, a.id(),
                            LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "lease request " + why)));
        } else if (c instanceof Command.ReleaseLease r) {
            action(c, r.lease().holder(), r.timeout(), () -> coordinator.release(r.lease(), r.timeout()));
        } else if (c instanceof Command.CheckReplica r) {
            call(c, r.node(), r.timeout(),
                    () -> {
                        ReplicaStatus s = replicaStatus(r.node(), r.timeout());
                        return at -> new Event.ReplicaObserved(at, r.id(), r.node(), s);
                    },
                    why -> at -> new Event.ReplicaObserved(at, r.id(), r.node(), ReplicaStatus.unknown("check " + why)));
        } else if (c instanceof Command.Promote p) {
            action(c, p.node(), p.timeout(), () -> promoteAll(p));
        } else if (c instanceof Command.Demote d) {
            action(c, d.node(), d.timeout(), () -> eachReplicator(rep -> rep.demote(d.node(), d.timeout())));
        } else if (c instanceof Command.OutdatePeer o) {
            action(c, o.peer(), o.timeout(),
                    () -> eachReplicator(rep -> rep.outdatePeer(o.peer(), o.epoch(), o.timeout())));
        } else if (c instanceof Command.Route r) {
            action(c, r.node(), r.timeout(), () -> router == null ? OpResult.ok("no router configured")
                    : router.route(r.node(), r.epoch(), r.timeout()));
        } else if (c instanceof Command.Unroute u) {
            action(c, u.node(), u.timeout(), () -> router == null ? OpResult.ok("no router configured")
                    : router.unroute(u.node(), u.timeout()));
        } else {
            throw new IllegalStateException("unknown command " + c);
        }
    }

    private void action(Command c, NodeId node, Duration timeout, Supplier<OpResult> work) {
        call(c, node, timeout,
                () -> {
                    OpResult r = work.get();
                    return at -> new Event.ActionCompleted(at, c.id(), r == null ? OpResult.failed("SPI returned null") : r);
                },
                why -> at -> new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why)));
    }

    /** A blocking SPI call on a worker, with the runtime's own deadline over it. */
    private void call(Command c, NodeId node, Duration timeout, Supplier<Function<Instant, Event>> work,
            Function<String, Function<Instant, Event>> onFailure) {
        Instant begun = now();
        AtomicBoolean done = new AtomicBoolean();
        Worker worker = new Worker();
        Duration limit = timeout.plus(slack);
        Cancellable watchdog = scheduler.schedule(begun.plus(limit), () -> {
            if (done.compareAndSet(false, true)) {
                worker.interrupt();
                deliver(c, onFailure.apply("exceeded its deadline of " + timeout).apply(now()), begun);
            }
        });
        scheduler.executeBlocking(() -> {
            worker.begin();
            Function<Instant, Event> result;
            MDC.put("cluster", config.name());
            MDC.put("node", node.name());
            MDC.put("epoch", epochOf(c));
            try {
                result = work.get();
            } catch (RuntimeException ex) {
                LOG.warn("{} for {} threw {}", c.getClass().getSimpleName(), node, ex.toString());
                result = onFailure.apply("failed: the SPI threw " + ex.getClass().getSimpleName());
            } finally {
                MDC.clear();
                worker.end();
            }
            if (done.compareAndSet(false, true)) {
                watchdog.cancel();
                Function<Instant, Event> r = result;
                scheduler.execute(() -> deliver(c, r.apply(now()), begun));
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

    private void deliver(Command c, Event result, Instant begun) {
        if (closed) {
            return;
        }
        events.publish(new RuntimeEvent.CommandFinished(result.at(), c, result, Duration.between(begun, result.at())));
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

    private void observe(Command.Observe o) {
        Instant begun = now();
        Map<NodeId, RunState> services = new ConcurrentHashMap<>();
        Map<NodeId, ReplicaStatus> replicas = new ConcurrentHashMap<>();
        AtomicReference<Optional<NodeId>> route = new AtomicReference<>(Optional.empty());
        AtomicReference<Optional<Lease>> lease = new AtomicReference<>(Optional.empty());
        List<Runnable> parts = new ArrayList<>();
        for (NodeId n : config.nodes()) {
            parts.add(() -> services.put(n, control.state(n, o.timeout())));
            parts.add(() -> replicas.put(n, replicaStatus(n, o.timeout())));
        }
        if (router != null) {
            parts.add(() -> route.set(router.currentTarget(o.timeout())));
        }
        parts.add(() -> lease.set(coordinator.current(o.timeout())));
        AtomicInteger remaining = new AtomicInteger(parts.size());
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                Observation obs = new Observation(Map.copyOf(services), Map.copyOf(replicas), route.get(),
                        lease.get());
                scheduler.execute(() -> deliver(o, new Event.Observed(now(), o.id(), obs), begun));
            }
        };
        Cancellable watchdog = scheduler.schedule(begun.plus(o.timeout()).plus(slack), finish);
        for (Runnable part : parts) {
            scheduler.executeBlocking(() -> {
                try {
                    part.run();
                } catch (RuntimeException ex) {
                    LOG.warn("observing the cluster: an SPI threw {}", ex.toString());
                }
                if (remaining.decrementAndGet() == 0) {
                    watchdog.cancel();
                    finish.run();
                }
            });
        }
    }

    private FenceResult fence(NodeId node, String level, Duration timeout) {
        List<Fencer> devices = fencers.getOrDefault(level, List.of());
        if (devices.isEmpty()) {
            return FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "no fencer configured for level " + level);
        }
        Instant deadline = now().plus(timeout);
        FenceResult last = null;
        for (Fencer f : devices) {
            Duration left = Duration.between(now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "level " + level
                        + " ran out of time before every device was off");
            }
            last = f.fence(node, FenceAction.OFF, left);
            if (last == null || !last.isVerifiedOff()) {
                return last == null ? FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "fencer returned null")
                        : last;
            }
        }
        return last;
    }

    private ReplicaStatus replicaStatus(NodeId node, Duration timeout) {
        if (replicators.isEmpty()) {
            return new ReplicaStatus(ReplicaRole.UNKNOWN, Consistency.UP_TO_DATE, "no replicator configured");
        }
        ReplicaRole role = null;
        Consistency worst = Consistency.UP_TO_DATE;
        StringBuilder detail = new StringBuilder();
        for (Replicator r : replicators) {
            ReplicaStatus s = r.status(node, timeout);
            if (s == null) {
                s = ReplicaStatus.unknown("replicator returned null");
            }
            role = role == null || role == s.role() ? s.role() : ReplicaRole.UNKNOWN;
            if (rank(s.consistency()) > rank(worst)) {
                worst = s.consistency();
            }
            detail.append(detail.length() == 0 ? "" : ", ").append(r.name()).append('=').append(s.role()).append('/')
                    .append(s.consistency());
        }
        return new ReplicaStatus(role, worst, detail.toString());
    }

    private static int rank(Consistency c) {
        return switch (c) {
            case UP_TO_DATE -> 0;
            case OUTDATED -> 1;
            case UNKNOWN -> 2;
            case INCONSISTENT -> 3;
            case SPLIT_BRAIN -> 4;
        };
    }

    private OpResult promoteAll(Command.Promote p) {
        List<Replicator> promoted = new ArrayList<>();
        for (Replicator r : replicators) {
            OpResult res = r.promote(p.node(), p.epoch(), p.force(), p.timeout());
            if (res == null || !res.isOk()) {
                // All or none: a data set half promoted is worse than one not promoted at all.
                StringBuilder undo = new StringBuilder();
                for (Replicator done : promoted) {
                    undo.append(", demoted ").append(done.name()).append(": ")
                            .append(done.demote(p.node(), p.timeout()));
                }
                return new OpResult(res == null ? Outcome.FAILED : res.outcome(), r.name() + ": "
                        + (res == null ? "returned null" : res.detail()) + undo);
            }
            promoted.add(r);
        }
        return OpResult.ok(replicators.isEmpty() ? "no replicator configured" : "promoted " + promoted.size()
                + " replicator(s)");
    }

    private OpResult eachReplicator(Function<Replicator, OpResult> op) {
        if (replicators.isEmpty()) {
            return OpResult.ok("no replicator configured");
        }
        OpResult worst = OpResult.ok();
        StringBuilder detail = new StringBuilder();
        for (Replicator r : replicators) {
            OpResult res = op.apply(r);
            if (res == null) {
                res = OpResult.failed("returned null");
            }
            detail.append(detail.length() == 0 ? "" : ", ").append(r.name()).append(": ").append(res);
            if (!res.isOk() && worst.isOk()) {
                worst = res;
            }
        }
        return new OpResult(worst.outcome(), detail.toString());
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

        /** @param config the cluster configuration @return this builder */
        public Builder config(ClusterConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** @param clock the clock for the default scheduler @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param scheduler the scheduler (the testkit's virtual one, say); it brings its own clock @return this builder */
        public Builder scheduler(RuntimeScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** @param probe the health probe @return this builder */
        public Builder probe(HealthProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /** @param control the service control @return this builder */
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

        /** @param replicator a replicator of the data set @return this builder */
        public Builder replicator(Replicator replicator) {
            replicators.add(Objects.requireNonNull(replicator, "replicator"));
            return this;
        }

        /** @param router the request router @return this builder */
        public Builder router(RequestRouter router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** @param coordinator the coordinator @return this builder */
        public Builder coordinator(Coordinator coordinator) {
            this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
            return this;
        }

        /** @param notifier a notifier @return this builder */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /** @param journal the journal @return this builder */
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
            return new HaRuntime(this);
        }
    }
}
