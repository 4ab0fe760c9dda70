package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Drives {@link FailoverEngine#apply} by hand, one event at a time, for the step-table, securing-ladder and
 * golden-transcript tests: nothing answers a command unless the test says so, so a test can stop exactly before
 * the answer it is about. The fluent {@code running()}, {@code failover()}, {@code at(step)} calls reach a state
 * by answering every pending command with its success answer; {@link #answer} then delivers the one answer under
 * test.
 *
 * <p>It uses only the engine's public API ({@code apply}, {@code Transition}, {@code ClusterState} accessors,
 * {@code Plan}, {@code Event}, {@code Command}), so that a restructuring of the engine's internals cannot break
 * it, only a change of behaviour. The clock moves 100 ms per answer and to a timer's time when it fires, so every
 * run is the same.
 */
final class StepDriver {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final NodeId C = NodeId.of("c");
    static final Duration LATENCY = Duration.ofMillis(100);
    static final ReplicaStatus FRESH = new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, "");

    /** The answer to one command, given the driver (for its clock and epochs). */
    interface Answer extends BiFunction<StepDriver, Command, Event> {
    }

    final ClusterConfig config;
    final FailoverEngine engine;
    ClusterState state;
    Transition last;
    Instant now = T0;
    /** What an observation and a replica check see, per node; the default is a stopped, up-to-date standby. */
    final Map<NodeId, RunState> services = new LinkedHashMap<>();
    final Map<NodeId, ReplicaStatus> replicas = new LinkedHashMap<>();
    private final Map<Timer, Command.ArmTimer> timers = new EnumMap<>(Timer.class);
    /** Every event fed and the transition it gave, in order (the golden transcripts render these). */
    final List<Event> events = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();
    /** Called after every event (the golden transcripts record a line). */
    Consumer<StepDriver> onFeed = d -> { };

    private StepDriver(ClusterConfig config) {
        this.config = config;
        this.engine = new FailoverEngine(config);
        this.state = engine.initialState();
        for (NodeId n : config.nodes()) {
            services.put(n, RunState.STOPPED);
            replicas.put(n, FRESH);
        }
    }

    /** Short timeouts, two bad probes before acting, two restarts within 10 minutes, one fencing level. */
    static Policy.Builder policy() {
        return Policy.custom().probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(2))
                .firstProbeTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofSeconds(20))
                .stopTimeout(Duration.ofSeconds(10)).killTimeout(Duration.ofSeconds(2))
                .confirmTimeout(Duration.ofSeconds(2)).fenceTimeout(Duration.ofSeconds(5))
                .leaseTimeout(Duration.ofSeconds(2)).replicaTimeout(Duration.ofSeconds(2))
                .routeTimeout(Duration.ofSeconds(2)).restarts(2, Duration.ofMinutes(10)).failuresBeforeAction(2)
                .standbyProbeInterval(Duration.ofSeconds(60)).maxMaintenance(Duration.ofHours(1))
                .failoverBudget(Duration.ofMinutes(5));
    }

    static StepDriver of(Policy policy, String... nodes) {
        return new StepDriver(ClusterConfig.custom().name("t").nodes(nodes).policy(policy).build());
    }

    /** Nodes a and b with {@link #policy()}. */
    static StepDriver ab() {
        return of(policy().build(), "a", "b");
    }

    /** Nodes a, b and c with {@link #policy()}. */
    static StepDriver abc() {
        return of(policy().build(), "a", "b", "c");
    }

    // --------------------------------------------------------------------- feeding events

    Transition feed(Event e) {
        Transition t = engine.apply(state, e);
        state = t.state();
        last = t;
        events.add(e);
        transitions.add(t);
        for (Command c : t.commands()) {
            if (c instanceof Command.ArmTimer a) {
                timers.put(a.timer(), a);
            }
        }
        onFeed.accept(this);
        return t;
    }

    /** Lets time pass without an event (a timer that is due fires only when {@link #fire} says so). */
    StepDriver advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    /** Applies {@code setup} and returns this, so that a row's preparation reads in line. */
    StepDriver with(Consumer<StepDriver> setup) {
        setup.accept(this);
        return this;
    }

    Transition start() {
        return feed(new Event.Started(now));
    }

    /** The command the plan waits for now; in WAIT_HEALTHY the latest outstanding probe. */
    Command pending() {
        long id = state.pendingCommandId();
        if (id != 0) {
            return outstanding(c -> c.id() == id);
        }
        if (step().orElse(null) == Plan.Step.WAIT_HEALTHY || state.plan().isEmpty()) {
            return outstanding(c -> c instanceof Command.Probe);
        }
        throw new AssertionError("nothing pending in " + state);
    }

    /** The latest outstanding command that matches. */
    Command outstanding(Predicate<Command> which) {
        List<Outstanding> open = state.outstanding();
        for (int i = open.size() - 1; i >= 0; i--) {
            if (which.test(open.get(i).command())) {
                return open.get(i).command();
            }
        }
        throw new AssertionError("no such outstanding command in " + open);
    }

    <C extends Command> C outstanding(Class<C> type, NodeId node) {
        return type.cast(outstanding(c -> type.isInstance(c) && node.equals(nodeOf(c))));
    }

    /** Answers the pending command with {@code a}, one latency later. */
    Transition answer(Answer a) {
        return answer(pending(), a);
    }

    /** Answers {@code c} (pending or not) with {@code a}, one latency later. */
    Transition answer(Command c, Answer a) {
        now = now.plus(LATENCY);
        return feed(a.apply(this, c));
    }

    /** Answers the pending command with its success answer. */
    Transition ok() {
        return answer(StepDriver::success);
    }

    /** Fires the latest armed timer of {@code timer} at its time (or now, when that has passed). */
    Transition fire(Timer timer) {
        Command.ArmTimer a = timers.get(timer);
        assertThat(a).as("an armed " + timer + " timer").isNotNull();
        if (a.at().isAfter(now)) {
            now = a.at();
        }
        return feed(new Event.TimerFired(now, a.id(), timer));
    }

    /** A probe verdict reported from outside, about the active node (or a if none is active). */
    Transition verdict(ProbeResult r) {
        return feed(new Event.VerdictReported(now, state.active().orElse(A), r, "monitor"));
    }

    /** Reports {@code kind} about the active node until the engine acts on it (failures in a row). */
    StepDriver fail(FailureKind kind) {
        ProbeResult r = kind == FailureKind.NODE_UNREACHABLE || kind == FailureKind.ROUTER_PATH_LOST
                ? ProbeResult.unreachable(kind, "test") : ProbeResult.failed(kind, "test");
        for (int i = 0; i < 10 && state.phase() == Phase.RUNNING; i++) {
            now = now.plus(LATENCY);
            verdict(r);
        }
        assertThat(state.phase()).as("acted on " + kind).isNotEqualTo(Phase.RUNNING);
        return this;
    }

    // --------------------------------------------------------------------- reaching a state

    /** Started, observed (what {@link #services} and {@link #replicas} say), and nothing more. */
    StepDriver started() {
        start();
        answer(StepDriver::success);
        return this;
    }

    /** The service started on a under e1, healthy and routed: RUNNING with no plan. */
    StepDriver running() {
        started();
        until(s -> s.phase() == Phase.RUNNING && s.plan().isEmpty());
        // From now on an observation sees what the engine made happen: the service and a primary on a.
        NodeId active = state.active().orElseThrow();
        services.put(active, RunState.RUNNING);
        replicas.put(active, new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, ""));
        return this;
    }

    /**
     * An operator's clear that forces {@code node}'s replica, while running on a: the clear observes again and
     * adopts a (under the next epoch), so the cluster is RUNNING again with the force in place.
     */
    StepDriver forced(NodeId node) {
        now = now.plus(LATENCY);
        feed(new Event.ClearRequested(now, Optional.of(node)));
        return until(s -> s.phase() == Phase.RUNNING && s.plan().isEmpty());
    }

    /** Running on a; then a's router path is lost twice: a failover to the next standby, at PRECHECK_REPLICA. */
    StepDriver failover() {
        return running().fail(FailureKind.ROUTER_PATH_LOST);
    }

    /** Running on a; then a is unreachable twice: a failover that fences a first, at PRECHECK_REPLICA. */
    StepDriver fenceFailover() {
        return running().fail(FailureKind.NODE_UNREACHABLE);
    }

    /** Running on a; then a crashes twice: a restart in place, securing a. */
    StepDriver restart() {
        return running().fail(FailureKind.CRASHED);
    }

    /** Running on a; then an operator asks for a switchover to {@code target}. */
    StepDriver switchover(NodeId target) {
        running();
        now = now.plus(LATENCY);
        feed(new Event.SwitchoverRequested(now, target));
        return this;
    }

    /** Answers with success until the plan of the same kind is at {@code step} with its command pending. */
    StepDriver at(Plan.Step step) {
        Plan.Kind kind = state.plan().orElseThrow(() -> new AssertionError("no plan in " + state)).kind();
        return until(s -> s.plan().isPresent() && s.plan().get().kind() == kind
                && s.plan().get().step().orElse(null) == step && hasPending(s, step));
    }

    /** Answers with success until the plan is at {@code stage} of securing, its command pending. */
    StepDriver atStage(Plan.Stage stage) {
        return until(s -> s.plan().isPresent() && s.plan().get().step().orElse(null) == Plan.Step.SECURE
                && s.plan().get().stage() == stage && (s.pendingCommandId() != 0 || stage == Plan.Stage.FENCE_DELAY));
    }

    private static boolean hasPending(ClusterState s, Plan.Step step) {
        if (step == Plan.Step.WAIT_HEALTHY) {
            return s.outstanding().stream().anyMatch(o -> o.command() instanceof Command.Probe);
        }
        return s.pendingCommandId() != 0;
    }

    /** Answers every pending command with success (probes healthy, timers fired) until {@code done} holds. */
    StepDriver until(Predicate<ClusterState> done) {
        for (int i = 0; i < 200; i++) {
            if (done.test(state)) {
                return this;
            }
            Optional<Plan.Step> step = step();
            if (state.pendingCommandId() != 0) {
                ok();
            } else if (step.orElse(null) == Plan.Step.WAIT_HEALTHY) {
                if (state.outstanding().stream().anyMatch(o -> o.command() instanceof Command.Probe)) {
                    answer(pending(), StepDriver::success);
                } else {
                    fire(Timer.PROBE);
                }
            } else if (step.orElse(null) == Plan.Step.SECURE
                    && state.plan().get().stage() == Plan.Stage.FENCE_DELAY) {
                fire(Timer.FENCE_DELAY);
            } else {
                throw new AssertionError("stuck: nothing to answer in " + state + " after " + last.reason());
            }
        }
        throw new AssertionError("not reached after 200 answers: " + state);
    }

    Optional<Plan.Step> step() {
        return state.plan().flatMap(Plan::step);
    }

    // --------------------------------------------------------------------- answers

    /** What a healthy world answers to {@code c}. */
    static Event success(StepDriver d, Command c) {
        Instant at = d.now;
        if (c instanceof Command.Observe o) {
            return new Event.Observed(at, o.id(), d.observation());
        } else if (c instanceof Command.Probe p) {
            return new Event.ProbeCompleted(at, p.id(), p.node(), ProbeResult.healthy());
        } else if (c instanceof Command.ConfirmStopped s) {
            return new Event.StateObserved(at, s.id(), s.node(), RunState.STOPPED);
        } else if (c instanceof Command.Fence f) {
            return new Event.FenceCompleted(at, f.id(), f.node(), FenceResult.ok(PowerState.OFF, "verified off"));
        } else if (c instanceof Command.CheckReplica r) {
            return new Event.ReplicaObserved(at, r.id(), r.node(), d.replicas.get(r.node()));
        } else if (c instanceof Command.AcquireLease l) {
            return new Event.LeaseAcquired(at, l.id(),
                    LeaseResult.granted(new Lease(l.node(), d.state.highestEpoch().next())));
        }
        return new Event.ActionCompleted(at, c.id(), OpResult.ok());
    }

    Observation observation() {
        return new Observation(services, replicas, Optional.empty(), Optional.empty());
    }

    static Answer op(OpResult r) {
        return (d, c) -> new Event.ActionCompleted(d.now, c.id(), r);
    }

    static Answer replica(Consistency consistency) {
        return replica(new ReplicaStatus(ReplicaRole.SECONDARY, consistency, ""));
    }

    static Answer replica(ReplicaStatus status) {
        return (d, c) -> new Event.ReplicaObserved(d.now, c.id(), nodeOf(c), status);
    }

    /** A replica reading about another node than the command's. */
    static Answer replicaOf(NodeId node) {
        return (d, c) -> new Event.ReplicaObserved(d.now, c.id(), node, FRESH);
    }

    static Answer runState(RunState s) {
        return (d, c) -> new Event.StateObserved(d.now, c.id(), nodeOf(c), s);
    }

    static Answer fence(FenceResult r) {
        return (d, c) -> new Event.FenceCompleted(d.now, c.id(), nodeOf(c), r);
    }

    static Answer lease(LeaseResult r) {
        return (d, c) -> new Event.LeaseAcquired(d.now, c.id(), r);
    }

    /** A grant of {@code holder@epoch}, whatever the command asked for. */
    static Answer grant(NodeId holder, long epoch) {
        return lease(LeaseResult.granted(new Lease(holder, Epoch.of(epoch))));
    }

    static Answer probe(ProbeResult r) {
        return (d, c) -> new Event.ProbeCompleted(d.now, c.id(), nodeOf(c), r);
    }

    static Answer observed(Observation o) {
        return (d, c) -> new Event.Observed(d.now, c.id(), o);
    }

    /** The observation {@code d} would give, with {@code node}'s service and replica replaced. */
    static Answer observed(NodeId node, RunState s, ReplicaStatus r) {
        return (d, c) -> {
            Map<NodeId, RunState> services = new LinkedHashMap<>(d.services);
            Map<NodeId, ReplicaStatus> replicas = new LinkedHashMap<>(d.replicas);
            services.put(node, s);
            replicas.put(node, r);
            return new Event.Observed(d.now, c.id(), new Observation(services, replicas, Optional.empty(),
                    Optional.empty()));
        };
    }

    // --------------------------------------------------------------------- rendering

    /** The node a command is about, from the public records only (null for timers, observations, notices). */
    static NodeId nodeOf(Command c) {
        if (c instanceof Command.Probe x) {
            return x.node();
        } else if (c instanceof Command.StartService x) {
            return x.node();
        } else if (c instanceof Command.StopService x) {
            return x.node();
        } else if (c instanceof Command.KillService x) {
            return x.node();
        } else if (c instanceof Command.ConfirmStopped x) {
            return x.node();
        } else if (c instanceof Command.Fence x) {
            return x.node();
        } else if (c instanceof Command.AcquireLease x) {
            return x.node();
        } else if (c instanceof Command.ReleaseLease x) {
            return x.lease().holder();
        } else if (c instanceof Command.CheckReplica x) {
            return x.node();
        } else if (c instanceof Command.Promote x) {
            return x.node();
        } else if (c instanceof Command.Demote x) {
            return x.node();
        } else if (c instanceof Command.OutdatePeer x) {
            return x.peer();
        } else if (c instanceof Command.Route x) {
            return x.node();
        } else if (c instanceof Command.Unroute x) {
            return x.node();
        }
        return null;
    }

    /**
     * A command as the tables write it: type, node, epoch where it carries one, the fencing level, a timer's
     * kind and delay from {@code now}, a notice's kind and node. Timeouts and ids are left out (they follow the
     * policy and the order), the notice's message too ({@link #renderVerbose} keeps both).
     */
    static String render(Command c, Instant now) {
        String type = c.getClass().getSimpleName();
        if (c instanceof Command.ArmTimer t) {
            return type + "(" + t.timer() + " +" + millis(Duration.between(now, t.at())) + ")";
        } else if (c instanceof Command.Notify n) {
            return type + "(" + n.notification().kind() + n.notification().node().map(x -> " " + x).orElse("") + ")";
        } else if (c instanceof Command.Observe) {
            return type;
        } else if (c instanceof Command.Fence f) {
            return type + "(" + f.node() + " " + f.level() + ")";
        } else if (c instanceof Command.Promote p) {
            return type + "(" + p.node() + " " + p.epoch() + (p.force() ? " force" : "") + ")";
        }
        Epoch e = c instanceof Command.StartService s ? s.epoch()
                : c instanceof Command.Demote d ? d.epoch()
                : c instanceof Command.OutdatePeer o ? o.epoch()
                : c instanceof Command.Route r ? r.epoch()
                : c instanceof Command.ReleaseLease r ? r.lease().epoch() : null;
        return type + "(" + nodeOf(c) + (e == null ? "" : " " + e) + ")";
    }

    /** {@link #render} with the command's id in front and a notice's epoch and message. */
    static String renderVerbose(Command c, Instant now) {
        String s = "#" + c.id() + " " + render(c, now);
        if (c instanceof Command.Notify n) {
            s = s.substring(0, s.length() - 1) + " " + n.notification().epoch() + ": " + n.notification().message()
                    + ")";
        }
        return s;
    }

    static String render(List<Command> commands, Instant now) {
        List<String> out = new ArrayList<>(commands.size());
        for (Command c : commands) {
            out.add(render(c, now));
        }
        return String.join(", ", out);
    }

    /** The plan as the tables write it: kind->target@step, and the node being secured with its stage. */
    static String render(Optional<Plan> plan) {
        if (plan.isEmpty()) {
            return "-";
        }
        Plan p = plan.get();
        return p.kind() + "->" + p.target() + "@" + p.step().map(Enum::name).orElse("end")
                + (p.secureQueue().isEmpty() ? "" : " secure " + p.secureQueue() + "/" + p.stage());
    }

    static String millis(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** The notice kinds among {@code commands}. */
    static List<Notification.Kind> notices(List<Command> commands) {
        List<Notification.Kind> out = new ArrayList<>();
        for (Command c : commands) {
            if (c instanceof Command.Notify n) {
                out.add(n.notification().kind());
            }
        }
        return out;
    }
}
