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
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A small deterministic world for engine tests: nodes whose service, power and replica the engine's commands
 * change, a coordinator, a router, a clock and an event queue. Every command is answered after
 * {@link #latency}; timers fire at their time. Every step is checked by a {@link SafetyMonitor}.
 */
final class TestWorld {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** One simulated node. */
    static final class Node {
        boolean power = true;
        boolean running;
        boolean startFails;
        boolean stopHangs;
        boolean unkillable;
        boolean fenceFails;
        java.util.Set<String> fenceFailsAt = new java.util.HashSet<>();
        boolean unreachable;
        boolean demoteFails;
        boolean outdateFails;
        Consistency consistency = Consistency.UP_TO_DATE;
        ReplicaRole replicaRole = ReplicaRole.SECONDARY;
        ProbeResult verdict = ProbeResult.healthy();
        ProbeResult verdictAfterStart = ProbeResult.healthy();
        int starts;
    }

    private record Pending(Instant at, long order, Event event) {
    }

    final ClusterConfig config;
    final FailoverEngine engine;
    final SafetyMonitor monitor;
    final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    final List<Notification> notifications = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    final List<Command> commands = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) ->
            a.at.equals(b.at) ? Long.compare(a.order, b.order) : a.at.compareTo(b.at));
    private final Map<String, Long> timerIds = new HashMap<>();
    private long order;
    ClusterState state;
    Instant now = T0;
    Duration latency = Duration.ofMillis(100);
    long epoch;
    boolean leaseRefused;
    NodeId leaseHolder;
    Optional<NodeId> routedTo = Optional.empty();
    Consumer<Command> onCommand = c -> { };
    /** Commands the world neither carries out nor answers until {@link #release} (a call that takes long). */
    java.util.function.Predicate<Command> hold = c -> false;
    final List<Command> held = new ArrayList<>();
    /** Rewrites what an observation sees (e.g. a partial observation after a replicator call overran). */
    java.util.function.UnaryOperator<Observation> observeFilter = o -> o;

    TestWorld(ClusterConfig config) {
        this.config = config;
        this.engine = new FailoverEngine(config);
        this.monitor = new SafetyMonitor(config);
        this.state = engine.initialState();
        for (NodeId n : config.nodes()) {
            nodes.put(n, new Node());
        }
    }

    Node node(String name) {
        return nodes.get(NodeId.of(name));
    }

    /** Feeds one event now, checking invariants. */
    Transition feed(Event e) {
        ClusterState before = state;
        Transition t = engine.apply(state, e);
        events.add(e);
        transitions.add(t);
        violations.addAll(monitor.check(before, e, t));
        state = t.state();
        for (Command c : t.commands()) {
            commands.add(c);
            onCommand.accept(c);
            if (hold.test(c)) {
                held.add(c);
            } else {
                answer(c);
            }
        }
        return t;
    }

    /** Carries out and answers a held command now (its effect happens now, as a slow call's would). */
    void release(Command c) {
        assertThat(held.remove(c)).as("held " + c).isTrue();
        answer(c);
    }

    /** The held command of {@code type}, the latest one. */
    <C extends Command> C held(Class<C> type) {
        for (int i = held.size() - 1; i >= 0; i--) {
            if (type.isInstance(held.get(i))) {
                return type.cast(held.get(i));
            }
        }
        throw new AssertionError("no held " + type.getSimpleName() + " in " + held);
    }

    void start() {
        feed(new Event.Started(now));
    }

    void post(Event e) {
        queue.add(new Pending(e.at(), order++, e));
    }

    /** Runs queued events until {@code until}; the clock ends at {@code until}. */
    void runUntil(Instant until) {
        while (!queue.isEmpty() && !queue.peek().at.isAfter(until)) {
            Pending p = queue.poll();
            now = p.at;
            feed(p.event);
        }
        now = until;
    }

    void runFor(Duration d) {
        runUntil(now.plus(d));
    }

    int queued() {
        return queue.size();
    }

    Instant nextEventAt() {
        return queue.isEmpty() ? null : queue.peek().at;
    }

    /** Delivers the next queued event; false when none. */
    boolean step() {
        Pending p = queue.poll();
        if (p == null) {
            return false;
        }
        now = p.at;
        feed(p.event);
        return true;
    }

    void assertSafe() {
        assertThat(violations).as("safety violations").isEmpty();
    }

    Phase phase() {
        return state.phase();
    }

    List<Notification.Kind> notificationKinds() {
        return notifications.stream().map(Notification::kind).toList();
    }

    long count(Class<? extends Command> type) {
        return commands.stream().filter(type::isInstance).count();
    }

    private void answer(Command c) {
        Instant at = now.plus(latency);
        if (c instanceof Command.ArmTimer a) {
            timerIds.put(a.timer().name(), a.id());
            post(new Event.TimerFired(a.at(), a.id(), a.timer()));
        } else if (c instanceof Command.Notify n) {
            notifications.add(n.notification());
        } else if (c instanceof Command.Probe p) {
            post(new Event.ProbeCompleted(at, p.id(), p.node(), probe(p.node())));
        } else if (c instanceof Command.Observe o) {
            Map<NodeId, RunState> services = new HashMap<>();
            Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
            for (Map.Entry<NodeId, Node> e : nodes.entrySet()) {
                services.put(e.getKey(), runState(e.getValue()));
                replicas.put(e.getKey(), replica(e.getValue()));
            }
            post(new Event.Observed(at, o.id(), observeFilter.apply(
                    new Observation(services, replicas, routedTo, Optional.empty()))));
        } else if (c instanceof Command.StartService s) {
            Node n = nodes.get(s.node());
            OpResult r;
            if (n.unreachable || !n.power) {
                r = OpResult.failed("node unreachable");
            } else if (n.startFails) {
                r = OpResult.failed("exit code 1: bad configuration");
            } else {
                n.running = true;
                n.starts++;
                n.verdict = n.verdictAfterStart;
                r = OpResult.ok();
            }
            post(new Event.ActionCompleted(at, s.id(), r));
        } else if (c instanceof Command.StopService s) {
            Node n = nodes.get(s.node());
            OpResult r;
            if (n.unreachable) {
                r = OpResult.timedOut("no answer");
            } else if (n.stopHangs) {
                r = OpResult.timedOut("still running after " + s.timeout());
            } else {
                n.running = false;
                r = OpResult.ok();
            }
            post(new Event.ActionCompleted(n.stopHangs ? now.plus(s.timeout()) : at, s.id(), r));
        } else if (c instanceof Command.KillService k) {
            Node n = nodes.get(k.node());
            if (!n.unkillable && !n.unreachable) {
                n.running = false;
            }
            post(new Event.ActionCompleted(at, k.id(), n.unreachable ? OpResult.timedOut("no answer") : OpResult.ok()));
        } else if (c instanceof Command.ConfirmStopped s) {
            post(new Event.StateObserved(at, s.id(), s.node(), runState(nodes.get(s.node()))));
        } else if (c instanceof Command.Fence f) {
            Node n = nodes.get(f.node());
            FenceResult r;
            if (n.fenceFails || n.fenceFailsAt.contains(f.level())) {
                r = FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "BMC unreachable");
            } else {
                n.power = false;
                n.running = false;
                // A replicated block device comes back secondary after a power cycle (DRBD's default).
                n.replicaRole = ReplicaRole.SECONDARY;
                r = FenceResult.ok(PowerState.OFF, "verified off");
            }
            post(new Event.FenceCompleted(at, f.id(), f.node(), r));
        } else if (c instanceof Command.AcquireLease a) {
            if (!leaseRefused && leaseHolder != null) {
                // Like real coordinators, the superseded holder hears of it, possibly before the new grant.
                post(new Event.LeaseLost(at, leaseHolder, Epoch.of(epoch), "superseded"));
            }
            if (!leaseRefused) {
                leaseHolder = a.node();
            }
            LeaseResult r = leaseRefused ? LeaseResult.notGranted(Outcome.REFUSED, Optional.empty(), "quorum lost")
                    : LeaseResult.granted(new Lease(a.node(), Epoch.of(++epoch)));
            post(new Event.LeaseAcquired(at, a.id(), r));
        } else if (c instanceof Command.CheckReplica r) {
            post(new Event.ReplicaObserved(at, r.id(), r.node(), replica(nodes.get(r.node()))));
        } else if (c instanceof Command.Promote p) {
            Node n = nodes.get(p.node());
            boolean ok = n.consistency == Consistency.UP_TO_DATE || p.force();
            if (ok) {
                n.replicaRole = ReplicaRole.PRIMARY;
            }
            post(new Event.ActionCompleted(at, p.id(), ok ? OpResult.ok() : OpResult.refused("not up to date")));
        } else if (c instanceof Command.Demote d) {
            Node n = nodes.get(d.node());
            if (n.demoteFails) {
                post(new Event.ActionCompleted(at, d.id(), OpResult.failed("device in use")));
            } else {
                n.replicaRole = ReplicaRole.SECONDARY;
                post(new Event.ActionCompleted(at, d.id(), OpResult.ok()));
            }
        } else if (c instanceof Command.OutdatePeer o) {
            Node n = nodes.get(o.peer());
            if (n.outdateFails) {
                post(new Event.ActionCompleted(at, o.id(), OpResult.failed("peer is primary")));
            } else {
                n.consistency = Consistency.OUTDATED;
                post(new Event.ActionCompleted(at, o.id(), OpResult.ok()));
            }
        } else if (c instanceof Command.Route r) {
            routedTo = Optional.of(r.node());
            post(new Event.ActionCompleted(at, r.id(), OpResult.ok()));
        } else if (c instanceof Command.Unroute u) {
            if (routedTo.equals(Optional.of(u.node()))) {
                routedTo = Optional.empty();
            }
            post(new Event.ActionCompleted(at, u.id(), OpResult.ok()));
        } else if (c instanceof Command.ReleaseLease r) {
            post(new Event.ActionCompleted(at, r.id(), OpResult.ok()));
        } else {
            throw new IllegalStateException("unknown command " + c);
        }
    }

    private static RunState runState(Node n) {
        if (n.unreachable && n.power) {
            return RunState.UNKNOWN;
        }
        return n.running && n.power ? RunState.RUNNING : RunState.STOPPED;
    }

    private static ReplicaStatus replica(Node n) {
        if (n.unreachable) {
            return ReplicaStatus.unknown("unreachable");
        }
        return new ReplicaStatus(n.replicaRole, n.consistency, "");
    }

    private ProbeResult probe(NodeId id) {
        Node n = nodes.get(id);
        if (!n.power || n.unreachable) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host");
        }
        if (!n.running) {
            return ProbeResult.failed(FailureKind.CRASHED, "connection refused");
        }
        return n.verdict;
    }
}
