package dev.ha4j.testkit.sim;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.InMemoryJournal;
import dev.ha4j.core.runtime.HaRuntime;
import dev.ha4j.core.runtime.RuntimeEvent;
import dev.ha4j.testkit.Fault;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.Property;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.Timeline;
import dev.ha4j.testkit.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime-level simulator: the real {@link HaRuntime} (engine, event loop, deadlines, journal)
 * runs on a {@link VirtualScheduler} with the simulated SPIs ({@link SimulatedNodes}, {@link SimulatedFencer},
 * {@link SimulatedReplicator}, {@link SimulatedRouter}, {@link SimulatedCoordinator}) over a
 * {@link SimulatedWorld}, driven by the same fault schedules and checked by the same invariants as the
 * {@link EngineSimulator}, including recovery after a {@link Fault.Recover} ({@code liveness:recover}) and
 * failover after the active node's power loss ({@code liveness:failover}). A manager crash closes the runtime
 * and builds a new one over the same infrastructure. A simulated hour takes milliseconds.
 *
 * <p>Under a {@link Fault.Stall} an SPI call blocks in virtual time until the stall ends: the runtime's
 * watchdog (at the call's deadline plus a slack of {@value #SLACK_MS} ms) answers it as timed out and
 * interrupts it, and the real answer, with its effect on the world, comes later. The world-level invariants
 * judge that effect when it happens; the rule {@code runtime-deadline} fails if the runtime finishes a command
 * twice, which is what accepting such a late answer would look like. With a recorded timeline, each command
 * the watchdog answered shows as a {@code WATCHDOG} line, each held-back call as a {@code LATE} (carried out
 * past the watchdog), {@code HELD} (in time) or {@code LOST} (its node lost power) line, and each failover
 * obligation as a {@code LIVENESS} line.
 *
 * <p>Thread-safe: the simulator holds only configuration; each {@link #run} has its own world and scheduler.
 */
public final class RuntimeSimulator {
    /** The runtime's deadline slack in simulated runs: how long past an SPI call's deadline its watchdog fires. */
    static final long SLACK_MS = 1000;

    private final ClusterConfig config;
    private final List<String> propertyNames;
    private final List<Property> properties;
    private final boolean rebootDemotes;

    private RuntimeSimulator(Builder b) {
        this.config = b.config;
        this.propertyNames = List.copyOf(b.propertyNames);
        this.properties = List.copyOf(b.properties);
        this.rebootDemotes = b.rebootDemotes;
    }

    /**
     * @param config the cluster configuration
     * @return a builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(ClusterConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Runs one schedule on the real runtime.
     *
     * @param schedule the schedule
     * @param record whether to record the timeline
     * @return the result
     */
    public RunResult run(FaultSchedule schedule, boolean record) {
        return new Run(schedule, record).go();
    }

    private final class Run {
        final FaultSchedule schedule;
        final List<String> timeline;
        final VirtualScheduler scheduler = new VirtualScheduler(EngineSimulator.T0);
        final SimulatedWorld world;
        final InvariantChecker checker;
        final Policy policy = config.policy();
        final SimulatedNodes nodes;
        final SimulatedFencer fencer;
        final SimulatedReplicator replicator;
        final SimulatedRouter router;
        final SimulatedCoordinator coordinator;
        final Stalls stalls;
        final Map<Notification.Kind, Integer> notified = new EnumMap<>(Notification.Kind.class);
        HaRuntime runtime;
        /** The managers' journal: it outlives a manager crash, like a file on disk. */
        final InMemoryJournal journal = new InMemoryJournal();
        ClusterState last;
        Phase phase = Phase.RECONCILING;
        long events;
        long faultsApplied;
        boolean managerUp = true;
        boolean recovering;
        boolean operatorPending;
        long lastClear;
        int clears;
        long settle;

        Run(FaultSchedule schedule, boolean record) {
            this.schedule = schedule;
            this.timeline = record ? new ArrayList<>() : null;
            this.world = new SimulatedWorld(config.nodes(), schedule.seed());
            this.world.rebootDemotes = rebootDemotes;
            this.checker = new InvariantChecker(config, world, propertyNames, properties, false);
            this.world.effects = checker;
            this.stalls = new Stalls(world, scheduler);
            this.stalls.abandon = checker::failed;
            this.stalls.listener = this::heldBackDone;
            this.nodes = new SimulatedNodes(stalls);
            this.fencer = new SimulatedFencer(stalls);
            this.replicator = new SimulatedReplicator(stalls);
            this.router = new SimulatedRouter(stalls);
            this.coordinator = new SimulatedCoordinator(stalls);
            this.checker.leaseSink = (holder, epoch, reason, at) -> coordinator.fireLost(holder, epoch, reason);
            long maxTimeout = List.of(policy.stopTimeout(), policy.killTimeout(), policy.confirmTimeout(),
                    policy.fenceTimeout(), policy.startTimeout(), policy.firstProbeTimeout(), policy.leaseTimeout(),
                    policy.replicaTimeout(), policy.routeTimeout()).stream().mapToLong(Duration::toMillis).max()
                    .orElse(0);
            long maxDelay = policy.fencingDelays().values().stream().mapToLong(Duration::toMillis).max().orElse(0);
            this.settle = maxTimeout + maxDelay + 2000;
        }

        void line(String what, String text) {
            if (timeline != null) {
                timeline.add("+" + Timeline.format(Duration.ofMillis(scheduler.nowMillis())) + "  " + what + " " + text);
            }
        }

        HaRuntime newRuntime() {
            HaRuntime.Builder b = HaRuntime.builder().config(config).scheduler(scheduler).probe(nodes)
                    .serviceControl(nodes).replicator(replicator).router(router).coordinator(coordinator)
                    .journal(journal).deadlineSlack(Duration.ofMillis(SLACK_MS));
            for (String level : policy.fencingLevels()) {
                b.fencer(level, fencer);
            }
            HaRuntime r = b.build();
            last = r.engine().initialState();
            r.events().onDecision(this::decided);
            r.events().onNotification(n -> notified.merge(n.notification().kind(), 1, Integer::sum));
            Set<Long> finished = new HashSet<>();
            r.events().onCommandFinished(f -> finished(f, finished));
            return r;
        }

        /**
         * Every command is finished once, by its answer or by the runtime's watchdog: a second finish means the
         * runtime accepted an answer after it had already given up on the call.
         */
        void finished(RuntimeEvent.CommandFinished f, Set<Long> finished) {
            if (checker.failed()) {
                return;
            }
            if (!finished.add(f.command().id())) {
                checker.violation("runtime-deadline", "command " + Describe.command(f.command())
                        + " was finished twice: the late answer " + Describe.event(f.result()) + " after "
                        + Timeline.format(f.took()) + " was not ignored", scheduler.nowMillis());
            }
            Duration timeout = Describe.timeout(f.command());
            if (timeline != null && timeout != null && f.took().toMillis() >= timeout.toMillis() + SLACK_MS
                    && byWatchdog(f.result())) {
                line("WATCHDOG", Describe.command(f.command()) + " overran its deadline of " + Timeline.format(timeout)
                        + ": the runtime answered it as timed out after " + Timeline.format(f.took()));
            }
        }

        /** Whether a result is the one HaRuntime makes up when its watchdog gives up on a call. */
        boolean byWatchdog(dev.ha4j.core.engine.Event result) {
            if (result instanceof dev.ha4j.core.engine.Event.StateObserved s) {
                return s.state() == dev.ha4j.core.RunState.UNKNOWN;
            }
            return result instanceof dev.ha4j.core.engine.Event.Observed
                    || result.toString().contains("exceeded its deadline");
        }

        /** The world carried out (or lost) a call a stall held back (see {@link Stalls}). */
        void heldBackDone(String call, SimulatedWorld.Queued<?> q, long timeoutMs, long at) {
            if (timeline == null) {
                return;
            }
            String held = call + " (made at +" + Timeline.format(Duration.ofMillis(q.since)) + ", deadline "
                    + Timeline.format(Duration.ofMillis(timeoutMs)) + ")";
            String after = Timeline.format(Duration.ofMillis(at - q.since));
            if (q.lost) {
                line("LOST", held + " lost with its node's power after " + after + " -> " + q.result);
            } else if (at > q.since + timeoutMs + SLACK_MS) {
                line("LATE", held + " carried out after " + after + ", past the runtime's watchdog, which must"
                        + " ignore its answer -> " + q.result);
            } else {
                line("HELD", held + " carried out after " + after + " -> " + q.result);
            }
        }

        void decided(RuntimeEvent.DecisionMade d) {
            if (checker.failed()) {
                return;
            }
            events++;
            ClusterState before = last;
            last = d.transition().state();
            phase = last.phase();
            if (timeline != null) {
                line("EVENT", Describe.event(d.event()));
                line("  DECIDE", "[" + phase + "] " + d.transition().reason() + Describe.commands(d.transition().commands()));
            }
            // The runtime posts operator requests behind what is already queued: the window opens (and a force
            // counts) when its engine actually takes the request.
            if (d.event() instanceof dev.ha4j.core.engine.Event.MaintenanceRequested m) {
                checker.maintenance(m.on(), m.duration(), scheduler.nowMillis());
            } else if (d.event() instanceof dev.ha4j.core.engine.Event.ClearRequested c) {
                checker.operatorForced(c.forcePromote().map(world::index).orElse(-1));
            }
            checker.step(before, d.event(), d.transition(), scheduler.nowMillis());
            if (recovering && !operatorPending && clears < 4 && phase == Phase.BLOCKED) {
                operatorPending = true;
                scheduler.schedule(scheduler.now().plusSeconds(1), this::operator);
            }
        }

        void operator() {
            if (!managerUp) {
                scheduler.schedule(scheduler.now().plusSeconds(1), this::operator);
                return;
            }
            operatorPending = false;
            recovering = true;
            lastClear = scheduler.nowMillis();
            clears++;
            line("OPERATOR", "repairs what is still broken, ends maintenance and clears failures");
            world.recover(scheduler.nowMillis());
            runtime.maintenance(false, Duration.ZERO);
            runtime.clearFailures(Optional.empty());
        }

        void checkRecovered(long faultsBefore) {
            long bound = checker.recoveryBound().toMillis();
            long now = scheduler.nowMillis();
            if (faultsApplied != faultsBefore) {
                return;
            }
            if (operatorPending || lastClear + bound > now) {
                scheduler.schedule(EngineSimulator.T0.plusMillis(Math.max(now + 1, lastClear + bound)),
                        () -> checkRecovered(faultsBefore));
                return;
            }
            checker.checkAvailable("liveness:recover", "everything was repaired and the operator cleared failures",
                    phase, now);
        }

        void fault(Fault f) {
            long now = scheduler.nowMillis();
            faultsApplied++;
            if (!(f instanceof Fault.Recover)) {
                recovering = false;
            }
            line("FAULT", f.describe());
            if (f instanceof Fault.ManagerCrash m) {
                if (managerUp) {
                    managerUp = false;
                    runtime.close();
                    checker.managerCrashed();
                    scheduler.schedule(scheduler.now().plus(m.downtime()), () -> {
                        managerUp = true;
                        checker.managerRestarted();
                        line("MANAGER", "restarts, knowing only its journal");
                        runtime = newRuntime();
                        runtime.start();
                    });
                }
                return;
            }
            if (!managerUp && f.operator()) {
                return;
            }
            if (f instanceof Fault.Switchover s) {
                int i = world.indexOrMinus(s.node());
                if (i >= 0) {
                    runtime.switchover(world.nodes[i].id);
                }
                return;
            }
            if (f instanceof Fault.Maintenance m) {
                runtime.maintenance(m.on(), m.length());
                return;
            }
            if (f instanceof Fault.OperatorClear c) {
                int i = c.forcePromote().map(world::indexOrMinus).orElse(-1);
                if (c.forcePromote().isEmpty() || i >= 0) {
                    runtime.clearFailures(i < 0 ? Optional.empty() : Optional.of(world.nodes[i].id));
                }
                return;
            }
            if (f instanceof Fault.PowerLoss p) {
                maybeFailoverObligation(p);
            }
            world.apply(f, now);
            if (f instanceof Fault.Stall st && !st.duration().isZero() && world.stallEndpoint(st) >= 0) {
                int e = world.stallEndpoint(st);
                scheduler.schedule(scheduler.now().plus(st.duration()), () -> {
                    int n = world.drain(e, scheduler.nowMillis());
                    if (n > 0) {
                        line("STALL", "of " + st.endpoint() + " ends: " + n + " held-back call(s) carried out now");
                    }
                });
            }
            if (f instanceof Fault.Recover) {
                operatorPending = true;
                scheduler.schedule(scheduler.now().plusMillis(settle), this::operator);
                long before = faultsApplied;
                scheduler.schedule(scheduler.now().plusMillis(settle + checker.recoveryBound().toMillis()),
                        () -> checkRecovered(before));
            }
        }

        /** Active node dies, all else well: the service must be back within the failover bound. */
        void maybeFailoverObligation(Fault.PowerLoss p) {
            InvariantChecker.FailoverObligation o = checker.failoverObligation(world.indexOrMinus(p.node()), managerUp,
                    last, true, scheduler.nowMillis());
            if (o == null) {
                return;
            }
            line("LIVENESS", "failover: " + o.what());
            long before = faultsApplied;
            scheduler.schedule(scheduler.now().plus(o.bound()), () -> {
                if (faultsApplied == before && managerUp && !checker.failed()) {
                    checker.checkAvailable("liveness:failover", o.what(), phase, scheduler.nowMillis());
                    if (!checker.failed()) {
                        line("LIVENESS", "failover kept: the service is available again");
                    }
                }
            });
        }

        void routerCheck() {
            long now = scheduler.nowMillis();
            if (managerUp && world.linked(SimulatedWorld.MANAGER, SimulatedWorld.ROUTER, now)) {
                int lost = world.routerPathLost(now);
                if (lost >= 0) {
                    NodeId id = world.nodes[lost].id;
                    runtime.report(id, ProbeResult.failed(FailureKind.ROUTER_PATH_LOST, "router cannot reach " + id),
                            "router");
                }
            }
            scheduler.schedule(scheduler.now().plus(policy.probeInterval()), this::routerCheck);
        }

        RunResult go() {
            for (Fault f : schedule.faults()) {
                scheduler.schedule(EngineSimulator.T0.plus(f.at()), () -> fault(f));
            }
            scheduler.schedule(EngineSimulator.T0.plus(policy.probeInterval()), this::routerCheck);
            runtime = newRuntime();
            runtime.start();
            long end = Math.max(schedule.horizon().toMillis(), schedule.lastFaultAt().toMillis()) + settle
                    + checker.recoveryBound().toMillis() * 2 + 1000;
            stalls.notAfter = EngineSimulator.T0.plusMillis(end);
            while (!checker.failed() && scheduler.nextAt() != null
                    && !scheduler.nextAt().isAfter(EngineSimulator.T0.plusMillis(end))) {
                scheduler.runNext();
            }
            runtime.close();
            scheduler.shutdown();
            if (timeline != null) {
                for (Violation v : checker.violations) {
                    timeline.add("+" + Timeline.format(v.at()) + "  VIOLATION " + v.rule() + ": " + v.message());
                }
            }
            return new RunResult(schedule, checker.violations, events, Duration.ofMillis(scheduler.nowMillis()), phase,
                    notified, timeline == null ? Optional.empty() : Optional.of(new Timeline(timeline)));
        }
    }

    /** Builds a {@link RuntimeSimulator}. Not thread-safe. */
    public static final class Builder {
        private final ClusterConfig config;
        private final List<String> propertyNames = new ArrayList<>();
        private final List<Property> properties = new ArrayList<>();
        private boolean rebootDemotes = true;

        private Builder(ClusterConfig config) {
            this.config = config;
        }

        /**
         * @param name a name for reports
         * @param p a property checked after every decision
         * @return this builder
         */
        public Builder property(String name, Property p) {
            propertyNames.add(Objects.requireNonNull(name, "name"));
            properties.add(Objects.requireNonNull(p, "property"));
            return this;
        }

        /**
         * Sets see {@link EngineSimulator.Builder#rebootDemotes(boolean)}.
         *
         * @param on see {@link EngineSimulator.Builder#rebootDemotes(boolean)}
         * @return this builder
         */
        public Builder rebootDemotes(boolean on) {
            this.rebootDemotes = on;
            return this;
        }

        /** @return the simulator */
        public RuntimeSimulator build() {
            return new RuntimeSimulator(this);
        }
    }
}
