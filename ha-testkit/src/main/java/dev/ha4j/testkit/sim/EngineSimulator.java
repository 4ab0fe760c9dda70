package dev.ha4j.testkit.sim;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.testkit.DecisionFunction;
import dev.ha4j.testkit.Fault;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.Property;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.Timeline;
import dev.ha4j.testkit.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fast, engine-level simulator: drives a {@link DecisionFunction} (normally the real
 * {@link dev.ha4j.core.engine.FailoverEngine}) directly, the way the runtime would, and answers every command
 * from the {@link SimulatedWorld} after a virtual latency, with the runtime's timed-out answer when a deadline
 * passes. Timers fire at their instant; a re-armed timer replaces the earlier one of its kind. A manager crash
 * drops every answer and timer in flight and restarts the decision function from its initial state. Every
 * decision is checked by an {@link InvariantChecker}; the run stops at the first violation.
 *
 * <p>A command to an endpoint under a {@link Fault.Stall} (weight 0 in the engine-level defaults) is answered
 * the way HaRuntime's watchdog answers an SPI call that overruns: timed out at its deadline plus 1 s. The
 * world carries the command out when the stall ends and its real answer follows; whichever of the two comes
 * first reaches the engine, the other is ignored. An observation with a stalled part misses that part.
 *
 * <p>A run is a pure function of the configuration, the decision function and the schedule (its seed
 * included): replaying a schedule reproduces the run, decision for decision.
 *
 * <p>Thread-safe: the simulator holds only configuration; each {@link #run} has its own world.
 */
public final class EngineSimulator {
    /** The instant virtual time starts at. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static final int K_EVENT = 0;
    private static final int K_FAULT = 1;
    private static final int K_ROUTER = 2;
    private static final int K_RESTART = 3;
    private static final int K_OPERATOR = 4;
    private static final int K_CHECK_RECOVER = 5;
    private static final int K_CHECK_FAILOVER = 6;
    private static final int K_DRAIN = 7;
    private static final int K_SLOW = 8;
    /** How long past a command's deadline the runtime's watchdog answers it (HaRuntime's default slack). */
    private static final long SLACK_MS = 1000;

    private final ClusterConfig config;
    private final DecisionFunction.Factory factory;
    private final List<String> propertyNames;
    private final List<Property> properties;
    private final int minEvents;
    private final boolean strictMaintenance;
    private final boolean safetyMonitor;
    private final boolean rebootDemotes;
    private final boolean strictLiveness;

    private EngineSimulator(Builder b) {
        this.config = b.config;
        this.factory = b.factory;
        this.propertyNames = List.copyOf(b.propertyNames);
        this.properties = List.copyOf(b.properties);
        this.minEvents = b.minEvents;
        this.strictMaintenance = b.strictMaintenance;
        this.safetyMonitor = b.safetyMonitor;
        this.rebootDemotes = b.rebootDemotes;
        this.strictLiveness = b.strictLiveness;
    }

    /**
     * @param config the cluster configuration
     * @return a builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(ClusterConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /** @return the configuration */
    public ClusterConfig config() {
        return config;
    }

    /**
     * Runs one schedule without recording a timeline.
     *
     * @param schedule the schedule
     * @return the result
     */
    public RunResult run(FaultSchedule schedule) {
        return run(schedule, false);
    }

    /**
     * Runs one schedule.
     *
     * @param schedule the schedule
     * @param record whether to record the timeline
     * @return the result
     */
    public RunResult run(FaultSchedule schedule, boolean record) {
        return new Run(schedule, record).go();
    }

    /**
     * An engine event in flight, tagged with the manager incarnation that is to receive it and, for a command a
     * stall held back, the race between the runtime's watchdog answer and the real answer: the first delivered
     * wins, the other is ignored, as in the runtime.
     */
    private record InFlight(Event event, int incarnation, Race race) {
    }

    /** Whether one of two competing answers was delivered. */
    private static final class Race {
        boolean settled;
    }

    /** A slow service-control call ({@link Fault.SlowControl}), carried out when it ends. */
    private record Slow(Command command, int node, int powerCycles, int incarnation, Race race) {
    }

    /** A liveness obligation. */
    private record Check(String what, long faultsBefore) {
    }

    /** One run. */
    private final class Run implements InvariantChecker.LeaseLostSink {
        final FaultSchedule schedule;
        final List<String> timeline;
        final SimulatedWorld world;
        final InvariantChecker checker;
        final EventQueue queue = new EventQueue();
        final DecisionFunction decisions;
        final Policy policy = config.policy();
        final long[] armed = new long[Timer.values().length];
        final Map<Notification.Kind, Integer> notified = new EnumMap<>(Notification.Kind.class);
        ClusterState state;
        int incarnation = 1;
        boolean managerUp = true;
        long now;
        long events;
        long faultsApplied;
        int engineEventsQueued;
        int control;
        boolean recovering;
        boolean operatorPending;
        long lastClear;
        int clears;
        final long observeTimeout;
        final long settle;
        /** How far the manager's wall clock is off virtual (monotonic) time ({@link Fault.ClockStep}). */
        long clockOffset;
        /** Acting commands sent by this manager incarnation whose answer has not been delivered yet. */
        final Map<Long, Command> inFlight = new java.util.LinkedHashMap<>();

        Run(FaultSchedule schedule, boolean record) {
            this.schedule = schedule;
            this.timeline = record ? new ArrayList<>() : null;
            this.world = new SimulatedWorld(config.nodes(), schedule.seed());
            this.checker = new InvariantChecker(config, world, propertyNames, properties, strictMaintenance);
            this.checker.leaseSink = this;
            if (!safetyMonitor) {
                checker.disableMonitor();
            }
            this.world.effects = checker;
            this.world.rebootDemotes = rebootDemotes;
            this.decisions = factory.create(config);
            this.state = decisions.initialState();
            this.observeTimeout = Math.max(Math.max(policy.confirmTimeout().toMillis(), policy.replicaTimeout().toMillis()),
                    Math.max(policy.routeTimeout().toMillis(), policy.leaseTimeout().toMillis()));
            long maxTimeout = Math.max(observeTimeout, Math.max(Math.max(policy.stopTimeout().toMillis(),
                    policy.killTimeout().toMillis()), Math.max(policy.fenceTimeout().toMillis(),
                    Math.max(policy.startTimeout().toMillis(), policy.firstProbeTimeout().toMillis()))));
            long maxDelay = policy.fencingDelays().values().stream().mapToLong(Duration::toMillis).max().orElse(0);
            this.settle = maxTimeout + maxDelay + 1000;
        }

        RunResult go() {
            List<Fault> faults = schedule.faults();
            for (Fault f : faults) {
                queue.add(f.at().toMillis(), K_FAULT, f);
            }
            long interval = policy.probeInterval().toMillis();
            queue.add(interval, K_ROUTER, null);
            long end = Math.max(schedule.horizon().toMillis(), schedule.lastFaultAt().toMillis()) + settle
                    + checker.recoveryBound().toMillis() + 1000;
            long hardEnd = end + 3_600_000L;
            feed(new Event.Started(T0));
            while (queue.size() > 0 && !checker.failed()) {
                long t = queue.peekTime();
                if (t > end && (control == 0 || t > hardEnd)
                        && (events >= minEvents || engineEventsQueued == 0 || t > hardEnd)) {
                    break;
                }
                queue.poll();
                now = queue.headTime;
                if (queue.headKind >= K_RESTART && queue.headKind <= K_CHECK_FAILOVER) {
                    control--;
                }
                switch (queue.headKind) {
                    case K_EVENT -> {
                        engineEventsQueued--;
                        InFlight f = (InFlight) queue.headPayload;
                        if (f.incarnation() == incarnation && managerUp && current(f.event()) && wins(f)) {
                            feed(f.event());
                        }
                    }
                    case K_FAULT -> fault((Fault) queue.headPayload);
                    case K_ROUTER -> {
                        routerCheck();
                        if (now < end) {
                            queue.add(now + interval, K_ROUTER, null);
                        }
                    }
                    case K_RESTART -> {
                        if ((Integer) queue.headPayload == incarnation && !managerUp) {
                            managerUp = true;
                            inFlight.clear();
                            // What its journal tells a restarted manager: the last state's memory, nothing else.
                            Event.Recovered journal = Event.Recovered.from(state);
                            state = decisions.initialState();
                            java.util.Arrays.fill(armed, 0);
                            checker.managerRestarted();
                            line("MANAGER", "restarts, knowing only its journal");
                            feed(new Event.Started(at(), Optional.of(journal)));
                        }
                    }
                    case K_OPERATOR -> {
                        if (!managerUp) {
                            // The operator waits for the manager to be back.
                            control(now + 1000, K_OPERATOR, null);
                            continue;
                        }
                        operatorPending = false;
                        {
                            recovering = true;
                            lastClear = now;
                            clears++;
                            line("OPERATOR", "repairs what is still broken, ends maintenance and clears failures");
                            world.recover(now);
                            checker.maintenance(false, Duration.ZERO, now);
                            checker.operatorForced(-1);
                            feed(new Event.MaintenanceRequested(at(), false, Duration.ZERO));
                            feed(new Event.ClearRequested(at(), Optional.empty()));
                        }
                    }
                    case K_CHECK_RECOVER -> {
                        Check c = (Check) queue.headPayload;
                        long bound = checker.recoveryBound().toMillis();
                        if (faultsApplied != c.faultsBefore()) {
                            recovering = false;
                        } else if (operatorPending || lastClear + bound > now) {
                            // The operator cleared a block again after the repair: the bound counts from then.
                            control(Math.max(now + 1, lastClear + bound), K_CHECK_RECOVER, c);
                        } else {
                            checker.checkAvailable("liveness:recover", c.what(), state.phase(), now);
                        }
                    }
                    case K_CHECK_FAILOVER -> {
                        Check c = (Check) queue.headPayload;
                        if (faultsApplied == c.faultsBefore() && managerUp) {
                            checker.checkAvailable("liveness:failover", c.what(), state.phase(), now);
                        }
                    }
                    case K_SLOW -> {
                        Slow sl = (Slow) queue.headPayload;
                        // A power loss meanwhile lost the call with the node's agent.
                        Event answer = world.nodes[sl.node()].powerCycles != sl.powerCycles() ? unanswered(sl.command())
                                : carryOut(sl.command(), now);
                        boolean lost = world.nodes[sl.node()].powerCycles != sl.powerCycles();
                        post(lost ? 0 : world.lastLatencyMillis(), answer, sl.incarnation(), sl.race());
                    }
                    case K_DRAIN -> {
                        int e = (Integer) queue.headPayload;
                        int n = world.drain(e, now);
                        if (n > 0) {
                            line("STALL", "ends: " + n + " held-back call(s) carried out now");
                        }
                    }
                    default -> throw new IllegalStateException("unknown entry kind " + queue.headKind);
                }
            }
            if (timeline != null) {
                for (Violation v : checker.violations) {
                    timeline.add("+" + Timeline.format(v.at()) + "  VIOLATION " + v.rule() + ": " + v.message());
                }
            }
            return new RunResult(schedule, checker.violations, events, Duration.ofMillis(now), state.phase(), notified,
                    timeline == null ? Optional.empty() : Optional.of(new Timeline(timeline)));
        }

        /** The first of two competing answers wins. */
        boolean wins(InFlight f) {
            Race race = f.race();
            if (race == null) {
                return true;
            }
            if (race.settled) {
                line("LATE", Describe.event(f.event()) + " ignored: its command was answered already");
                return false;
            }
            race.settled = true;
            return true;
        }

        /** Timers replaced by a later one of their kind are cancelled, as the runtime does. */
        boolean current(Event e) {
            if (e instanceof Event.TimerFired t) {
                return armed[t.timer().ordinal()] == t.commandId();
            }
            return true;
        }

        Instant at() {
            return T0.plusMillis(now + clockOffset);
        }

        /** The manager's wall-clock instant at virtual time {@code ms}. */
        Instant wall(long ms) {
            return T0.plusMillis(ms + clockOffset);
        }

        /** Adds an entry that must run before the run may end (restart, operator, liveness check). */
        void control(long when, int kind, Object payload) {
            control++;
            queue.add(when, kind, payload);
        }

        void line(String what, String text) {
            if (timeline != null) {
                timeline.add("+" + Timeline.format(Duration.ofMillis(now)) + "  " + what + " " + text);
            }
        }

        void feed(Event e) {
            ClusterState before = state;
            Transition t;
            try {
                t = decisions.apply(state, e);
            } catch (RuntimeException ex) {
                checker.violation("crash", "the decision function threw " + ex + " on " + Describe.event(e));
                return;
            }
            events++;
            state = t.state();
            if (e instanceof Event.Result r) {
                inFlight.remove(r.commandId());
            }
            if (e instanceof Event.MaintenanceRequested m && m.on() && !inFlight.isEmpty()) {
                checker.maintenanceOverInFlight(List.copyOf(inFlight.values()), t.reason(), now);
            }
            if (timeline != null) {
                line("EVENT", Describe.event(e));
                line("  DECIDE", "[" + t.state().phase() + "] " + t.reason() + Describe.commands(t.commands()));
            }
            for (Command c : t.commands()) {
                execute(c);
            }
            checker.step(before, e, t, now);
            if (recovering && !operatorPending && clears < 4 && state.phase() == Phase.BLOCKED) {
                // After the repair the operator looks again and clears a block that remains from before it.
                operatorPending = true;
                control(now + 1000, K_OPERATOR, null);
            }
        }

        void post(long delay, Event e) {
            post(delay, e, incarnation, null);
        }

        void post(long delay, Event e, int to, Race race) {
            engineEventsQueued++;
            queue.add(now + delay, K_EVENT, new InFlight(e, to, race));
        }

        int node(NodeId id) {
            return world.index(id);
        }

        void execute(Command c) {
            if (c.acts()) {
                inFlight.put(c.id(), c);
            }
            if (c instanceof Command.ArmTimer a) {
                armed[a.timer().ordinal()] = a.id();
                // The runtime waits for a timer on the monotonic clock: a later clock step does not move it.
                long when = Math.max(now, Duration.between(T0, a.at()).toMillis() - clockOffset);
                engineEventsQueued++;
                queue.add(when, K_EVENT, new InFlight(new Event.TimerFired(wall(when), a.id(), a.timer()),
                        incarnation, null));
            } else if (c instanceof Command.Notify n) {
                notified.merge(n.notification().kind(), 1, Integer::sum);
            } else if (c instanceof Command.Observe o) {
                observe(o);
            } else {
                int e = endpoint(c);
                int ni = controlNode(c);
                if (e >= 0 && world.holdsBack(e, now)) {
                    held(c, e);
                } else if (ni >= 0 && (world.slowCallMillis(ni, now) > 0 || world.controlBusy(ni, now))) {
                    // The node's agent runs one control call at a time: one made while a slow one runs waits.
                    slow(c, ni, Math.max(now, world.nodes[ni].controlBusyUntil) - now + world.slowCallMillis(ni, now));
                } else if (c instanceof Command.CheckReplica r && !world.replicaReadable(node(r.node()), now)) {
                    // The status call overruns: only the runtime's watchdog answers it.
                    long timeout = timeoutOf(c);
                    post(timeout + SLACK_MS, watchdog(c, wall(now + timeout + SLACK_MS)));
                } else {
                    Event answer = carryOut(c, now);
                    post(world.lastLatencyMillis(), answer);
                }
            }
        }

        /**
         * A command whose endpoint stalls: the runtime's watchdog answers it as timed out at its deadline plus
         * the slack; the world carries it out when the stall ends and its real answer follows; the first of
         * the two reaches the engine.
         */
        void held(Command c, int endpoint) {
            Race race = new Race();
            int to = incarnation;
            world.queue(endpoint, now, at -> carryOut(c, at), () -> unanswered(c),
                    q -> post(q.latency, q.result, to, race));
            long timeout = timeoutOf(c);
            post(timeout + SLACK_MS, watchdog(c, wall(now + timeout + SLACK_MS)), to, race);
        }

        /**
         * A service-control call that takes {@code ms} ({@link Fault.SlowControl}): carried out then and answered,
         * racing the runtime's watchdog at its deadline plus the slack; the node's replica status overruns
         * meanwhile.
         */
        void slow(Command c, int node, long ms) {
            Race race = new Race();
            world.controlBusyUntil(node, now + ms);
            queue.add(now + ms, K_SLOW, new Slow(c, node, world.nodes[node].powerCycles, incarnation, race));
            long timeout = timeoutOf(c);
            post(timeout + SLACK_MS, watchdog(c, wall(now + timeout + SLACK_MS)), incarnation, race);
        }

        /** The node of a service-control call (start, stop, kill), or -1. */
        int controlNode(Command c) {
            if (c instanceof Command.StartService s) {
                return node(s.node());
            } else if (c instanceof Command.StopService s) {
                return node(s.node());
            } else if (c instanceof Command.KillService k) {
                return node(k.node());
            }
            return -1;
        }

        /** The world endpoint a command goes to, or -1. */
        int endpoint(Command c) {
            if (c instanceof Command.Probe p) {
                return SimulatedWorld.nodeEndpoint(node(p.node()));
            } else if (c instanceof Command.StartService s) {
                return SimulatedWorld.nodeEndpoint(node(s.node()));
            } else if (c instanceof Command.StopService s) {
                return SimulatedWorld.nodeEndpoint(node(s.node()));
            } else if (c instanceof Command.KillService k) {
                return SimulatedWorld.nodeEndpoint(node(k.node()));
            } else if (c instanceof Command.ConfirmStopped s) {
                return SimulatedWorld.nodeEndpoint(node(s.node()));
            } else if (c instanceof Command.CheckReplica r) {
                return SimulatedWorld.nodeEndpoint(node(r.node()));
            } else if (c instanceof Command.Promote p) {
                return SimulatedWorld.nodeEndpoint(node(p.node()));
            } else if (c instanceof Command.Demote d) {
                return SimulatedWorld.nodeEndpoint(node(d.node()));
            } else if (c instanceof Command.Fence f) {
                return SimulatedWorld.bmcEndpoint(node(f.node()));
            } else if (c instanceof Command.AcquireLease || c instanceof Command.ReleaseLease) {
                return SimulatedWorld.COORDINATOR;
            } else if (c instanceof Command.Route || c instanceof Command.Unroute) {
                return SimulatedWorld.ROUTER;
            }
            // OutdatePeer is done from the new primary's side.
            return -1;
        }

        /** Carries a command out in the world at {@code at}; the answer is due after the drawn latency. */
        Event carryOut(Command c, long at) {
            if (c instanceof Command.Probe p) {
                ProbeResult r = world.probe(node(p.node()), at, p.timeout().toMillis());
                return new Event.ProbeCompleted(due(at), p.id(), p.node(), r);
            } else if (c instanceof Command.StartService s) {
                var r = world.start(node(s.node()), s.epoch().value(), at, s.timeout().toMillis());
                return new Event.ActionCompleted(due(at), s.id(), r);
            } else if (c instanceof Command.StopService s) {
                var r = world.stop(node(s.node()), at, s.timeout().toMillis());
                return new Event.ActionCompleted(due(at), s.id(), r);
            } else if (c instanceof Command.KillService k) {
                var r = world.kill(node(k.node()), at, k.timeout().toMillis());
                return new Event.ActionCompleted(due(at), k.id(), r);
            } else if (c instanceof Command.ConfirmStopped s) {
                RunState r = world.state(node(s.node()), at, s.timeout().toMillis());
                return new Event.StateObserved(due(at), s.id(), s.node(), r);
            } else if (c instanceof Command.Fence f) {
                var r = world.fence(node(f.node()), at, f.timeout().toMillis());
                return new Event.FenceCompleted(due(at), f.id(), f.node(), r);
            } else if (c instanceof Command.AcquireLease a) {
                var r = world.acquire(node(a.node()), at, a.timeout().toMillis());
                return new Event.LeaseAcquired(due(at), a.id(), r);
            } else if (c instanceof Command.ReleaseLease r) {
                var res = world.release(r.lease(), at, r.timeout().toMillis());
                return new Event.ActionCompleted(due(at), r.id(), res);
            } else if (c instanceof Command.CheckReplica r) {
                ReplicaStatus s = world.replicaStatus(node(r.node()), at, r.timeout().toMillis());
                return new Event.ReplicaObserved(due(at), r.id(), r.node(), s);
            } else if (c instanceof Command.Promote p) {
                var r = world.promote(node(p.node()), p.epoch().value(), p.force(), at, p.timeout().toMillis());
                return new Event.ActionCompleted(due(at), p.id(), r);
            } else if (c instanceof Command.Demote d) {
                var r = world.demote(node(d.node()), at, d.timeout().toMillis());
                return new Event.ActionCompleted(due(at), d.id(), r);
            } else if (c instanceof Command.OutdatePeer o) {
                var r = world.outdatePeer(node(o.peer()), at, o.timeout().toMillis());
                return new Event.ActionCompleted(due(at), o.id(), r);
            } else if (c instanceof Command.Route r) {
                var res = world.route(node(r.node()), r.epoch().value(), at, r.timeout().toMillis());
                return new Event.ActionCompleted(due(at), r.id(), res);
            } else if (c instanceof Command.Unroute u) {
                var r = world.unroute(node(u.node()), at, u.timeout().toMillis());
                return new Event.ActionCompleted(due(at), u.id(), r);
            }
            throw new IllegalStateException("unknown command " + c);
        }

        Instant due(long at) {
            return wall(at + world.lastLatencyMillis());
        }

        /** The runtime's own answer to a command that overran its deadline (HaRuntime's watchdog). */
        Event watchdog(Command c, Instant at) {
            String why = "exceeded its deadline of " + Duration.ofMillis(timeoutOf(c));
            if (c instanceof Command.Probe p) {
                return new Event.ProbeCompleted(at, p.id(), p.node(), ProbeResult.failed(FailureKind.HUNG, "probe " + why));
            } else if (c instanceof Command.ConfirmStopped s) {
                return new Event.StateObserved(at, s.id(), s.node(), RunState.UNKNOWN);
            } else if (c instanceof Command.Fence f) {
                return new Event.FenceCompleted(at, f.id(), f.node(), FenceResult.failed(Outcome.TIMED_OUT,
                        PowerState.UNKNOWN, "fencing " + why));
            } else if (c instanceof Command.AcquireLease a) {
                return new Event.LeaseAcquired(at, a.id(), LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(),
                        "lease request " + why));
            } else if (c instanceof Command.CheckReplica r) {
                return new Event.ReplicaObserved(at, r.id(), r.node(), ReplicaStatus.unknown("check " + why));
            }
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut(why));
        }

        /** The answer to a held-back call lost with its node's power: no answer, now. */
        Event unanswered(Command c) {
            Instant at = at();
            if (c instanceof Command.Probe p) {
                return new Event.ProbeCompleted(at, p.id(), p.node(), ProbeResult.unreachable(
                        FailureKind.NODE_UNREACHABLE, "no answer from " + p.node()));
            } else if (c instanceof Command.ConfirmStopped s) {
                return new Event.StateObserved(at, s.id(), s.node(), RunState.UNKNOWN);
            } else if (c instanceof Command.CheckReplica r) {
                return new Event.ReplicaObserved(at, r.id(), r.node(), ReplicaStatus.unknown(r.node() + " does not answer"));
            } else if (c instanceof Command.Fence f) {
                return new Event.FenceCompleted(at, f.id(), f.node(), FenceResult.failed(Outcome.TIMED_OUT,
                        PowerState.UNKNOWN, "BMC of " + f.node() + " does not answer"));
            } else if (c instanceof Command.AcquireLease a) {
                return new Event.LeaseAcquired(at, a.id(), LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(),
                        "coordinator does not answer"));
            }
            return new Event.ActionCompleted(at, c.id(), OpResult.timedOut("no answer"));
        }

        static long timeoutOf(Command c) {
            Duration d = Describe.timeout(c);
            return d == null ? 0 : d.toMillis();
        }

        void observe(Command.Observe o) {
            long timeout = o.timeout().toMillis();
            Map<NodeId, RunState> services = new HashMap<>();
            Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
            long latency = 0;
            // A part whose endpoint stalls is missing when the runtime's watchdog finishes the observation.
            boolean partial = false;
            for (int i = 0; i < world.nodes.length; i++) {
                NodeId id = world.nodes[i].id;
                if (world.holdsBack(SimulatedWorld.nodeEndpoint(i), now)) {
                    partial = true;
                    continue;
                }
                services.put(id, world.state(i, now, timeout));
                latency = Math.max(latency, world.lastLatencyMillis());
                if (!world.replicaReadable(i, now)) {
                    // The replicator call overran: the runtime's watchdog finishes the observation without it.
                    partial = true;
                    continue;
                }
                replicas.put(id, world.replicaStatus(i, now, timeout));
                latency = Math.max(latency, world.lastLatencyMillis());
            }
            Optional<NodeId> route = Optional.empty();
            if (world.holdsBack(SimulatedWorld.ROUTER, now)) {
                partial = true;
            } else {
                route = world.routeTarget(now, timeout);
                latency = Math.max(latency, world.lastLatencyMillis());
            }
            Optional<Lease> lease = Optional.empty();
            if (world.holdsBack(SimulatedWorld.COORDINATOR, now)) {
                partial = true;
            } else {
                lease = world.currentLease(now, timeout);
                latency = Math.max(latency, world.lastLatencyMillis());
            }
            if (partial) {
                latency = timeout + SLACK_MS;
            }
            post(latency, new Event.Observed(wall(now + latency), o.id(),
                    new Observation(services, replicas, route, lease)));
        }

        void routerCheck() {
            if (!managerUp || !world.linked(SimulatedWorld.MANAGER, SimulatedWorld.ROUTER, now)) {
                return;
            }
            int lost = world.routerPathLost(now);
            if (lost >= 0) {
                feed(new Event.VerdictReported(at(), world.nodes[lost].id,
                        ProbeResult.failed(FailureKind.ROUTER_PATH_LOST, "router cannot reach " + world.nodes[lost].name),
                        "router"));
            }
        }

        @Override
        public void leaseLost(int holder, long epoch, String reason, long at) {
            if (managerUp) {
                post(1, new Event.LeaseLost(wall(at + 1),
                        world.nodes[holder].id, Epoch.of(epoch), reason));
            }
        }

        void fault(Fault f) {
            faultsApplied++;
            if (!(f instanceof Fault.Recover)) {
                recovering = false;
            }
            line("FAULT", f.describe());
            if (f instanceof Fault.ClockStep cs) {
                clockOffset += cs.step().toMillis();
                checker.clockStepped(cs.step().toMillis());
                return;
            }
            if (f instanceof Fault.ManagerCrash m) {
                if (managerUp) {
                    managerUp = false;
                    incarnation++;
                    inFlight.clear();
                    checker.managerCrashed();
                    control(now + m.downtime().toMillis(), K_RESTART, incarnation);
                }
                return;
            }
            if (f instanceof Fault.Switchover s) {
                int i = world.indexOrMinus(s.node());
                if (managerUp && i >= 0) {
                    feed(new Event.SwitchoverRequested(at(), world.nodes[i].id));
                }
                return;
            }
            if (f instanceof Fault.Maintenance m) {
                if (managerUp) {
                    checker.maintenance(m.on(), m.length(), now);
                    feed(new Event.MaintenanceRequested(at(), m.on(), m.length()));
                }
                return;
            }
            if (f instanceof Fault.OperatorClear c) {
                int i = c.forcePromote().map(world::indexOrMinus).orElse(-1);
                if (managerUp && (c.forcePromote().isEmpty() || i >= 0)) {
                    checker.operatorForced(i, now);
                    feed(new Event.ClearRequested(at(), i < 0 ? Optional.empty() : Optional.of(world.nodes[i].id)));
                }
                return;
            }
            if (f instanceof Fault.PowerLoss p) {
                maybeFailoverObligation(p);
            }
            world.apply(f, now);
            if (f instanceof Fault.Stall st && !st.duration().isZero() && world.stallEndpoint(st) >= 0) {
                queue.add(now + st.duration().toMillis(), K_DRAIN, world.stallEndpoint(st));
            }
            if (f instanceof Fault.Recover) {
                operatorPending = true;
                control(now + settle, K_OPERATOR, null);
                control(now + settle + checker.recoveryBound().toMillis(), K_CHECK_RECOVER,
                        new Check("everything was repaired at +" + Timeline.format(Duration.ofMillis(now))
                                + " and the operator cleared failures", faultsApplied));
            }
        }

        /** Active node dies, all else well: the service must be back within the failover bound. */
        void maybeFailoverObligation(Fault.PowerLoss p) {
            InvariantChecker.FailoverObligation o = checker.failoverObligation(world.indexOrMinus(p.node()), managerUp,
                    state, strictLiveness, now);
            if (o != null) {
                control(now + o.bound().toMillis(), K_CHECK_FAILOVER, new Check(o.what(), faultsApplied));
            }
        }
    }

    /** Builds an {@link EngineSimulator}. Not thread-safe. */
    public static final class Builder {
        private final ClusterConfig config;
        private DecisionFunction.Factory factory = DecisionFunction.Factory.ENGINE;
        private final List<String> propertyNames = new ArrayList<>();
        private final List<Property> properties = new ArrayList<>();
        private int minEvents = 50;
        private boolean strictMaintenance = true;
        private boolean safetyMonitor = true;
        private boolean rebootDemotes = true;
        private boolean strictLiveness = true;

        private Builder(ClusterConfig config) {
            this.config = config;
        }

        /**
         * Sets what makes the decision function under test (default: the real engine).
         *
         * @param f makes the decision function under test (default: the real engine)
         * @return this builder
         */
        public Builder decisions(DecisionFunction.Factory f) {
            this.factory = Objects.requireNonNull(f, "factory");
            return this;
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
         * @param n the fewest engine events a run feeds; a run continues past its end until it has them (as
         *     long as anything is in flight)
         * @return this builder
         */
        public Builder minEvents(int n) {
            this.minEvents = n;
            return this;
        }

        /**
         * @param strict whether operator maintenance must survive a manager crash (DESIGN: a restarted manager
         *     reconciles from its journal); default true (false only to study an engine that keeps it in memory)
         * @return this builder
         */
        public Builder strictMaintenance(boolean strict) {
            this.strictMaintenance = strict;
            return this;
        }

        /**
         * @param on whether to run ha-core's {@link dev.ha4j.core.engine.SafetyMonitor} on the command stream as
         *     well as the world-level checks (default true)
         * @return this builder
         */
        public Builder safetyMonitor(boolean on) {
            this.safetyMonitor = on;
            return this;
        }

        /**
         * @param on whether a node that loses power comes back with its replica SECONDARY, as DRBD does by
         *     default (default true; false keeps the replica's role across a power loss)
         * @return this builder
         */
        public Builder rebootDemotes(boolean on) {
            this.rebootDemotes = on;
            return this;
        }

        /**
         * @param strict whether the failover liveness bound applies as soon as <em>some</em> healthy standby
         *     exists (the wording; default true); false applies it only when every other node is a
         *     healthy standby
         * @return this builder
         */
        public Builder strictLiveness(boolean strict) {
            this.strictLiveness = strict;
            return this;
        }

        /** @return the simulator */
        public EngineSimulator build() {
            if (minEvents < 0) {
                throw new IllegalArgumentException("minEvents " + minEvents + " is negative");
            }
            return new EngineSimulator(this);
        }
    }
}
