package dev.ha4j.differential;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Drives {@link FailoverEngine} through its public API only ({@code apply(state, event)}, {@link Event},
 * {@link Command}, {@link Transition}) in a well-behaved world of two nodes on virtual time: every command is
 * answered at once and truthfully (a start succeeds unless the scenario made it fail; a fence powers the node off
 * and says so; replicas of a live node are up to date). This is the one class to adapt when the engine's API
 * changes.
 *
 * <p>Not thread-safe: one driver per scenario.
 */
final class EngineDriver {
    /** A step is minutes of virtual time with a probe every 10 s: far fewer events than this. */
    private static final int MAX_EVENTS_PER_STEP = 100_000;

    private record Pending(Instant at, long seq, Event event) {
    }

    private final FailoverEngine engine;
    private final List<String> nodes;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> {
        int c = a.at.compareTo(b.at);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private long seq;
    private ClusterState state;
    private Instant now;

    // The world.
    private final Set<String> down = new HashSet<>();
    private final Set<String> startFails = new HashSet<>();
    private String running;
    private boolean hung;
    private boolean unstoppable;
    private String primary;
    private String route;
    private long epoch;
    private Lease lease;

    // What the current step decided.
    private final List<Decision> decisions = new ArrayList<>();
    private String home;
    private final List<String> reasons = new ArrayList<>();

    /**
     * @param nodes the node names, in order of preference
     * @param restarts {@code N} of {@code restarts(N, W)}
     * @param window {@code W}
     */
    EngineDriver(List<String> nodes, int restarts, Duration window) {
        this.nodes = List.copyOf(nodes);
        Policy policy = Policy.custom()
                .restarts(restarts, window)
                // Pacemaker acts on the first failed monitor.
                .failuresBeforeAction(1)
                .probeInterval(Duration.ofSeconds(10)).probeTimeout(Duration.ofSeconds(5))
                .firstProbeTimeout(Duration.ofSeconds(5))
                .fencingLevels(List.of("ipmi"))
                .build();
        ClusterConfig config = ClusterConfig.custom().name("diff").nodes(nodes.toArray(String[]::new))
                .policy(policy).build();
        this.engine = new FailoverEngine(config);
        this.state = engine.initialState();
    }

    /**
     * The manager starts at {@code at} and runs until {@code until}.
     *
     * @param at when
     * @param until the end of the step
     * @return what was decided
     */
    List<Decision> start(Instant at, Instant until) {
        now = at;
        enqueue(at, new Event.Started(at));
        return runUntil(until);
    }

    /**
     * Plays one step: changes the world or sends the operator's request at {@code at}, then runs the engine on
     * virtual time until {@code until}.
     *
     * @param step the step
     * @param at when it happens
     * @param until the end of the step (the next step's time)
     * @return what was decided in between
     */
    List<Decision> play(Scenario.Step step, Instant at, Instant until) {
        runUntil(at);
        now = at;
        switch (step.act()) {
            case CRASH_ACTIVE -> running = null;
            case HANG_ACTIVE -> hung = running != null;
            case HANG_UNSTOPPABLE_ACTIVE -> {
                if (running != null) {
                    hung = true;
                    unstoppable = true;
                }
            }
            case START_FAILS_ON -> startFails.add(step.node());
            case NODE_FAILS_ACTIVE -> {
                if (running != null) {
                    nodeDies(running);
                }
            }
            case NODE_FAILS -> nodeDies(step.node());
            case DATABASE_DOWN -> {
                if (running != null) {
                    enqueue(at, new Event.VerdictReported(at, NodeId.of(running),
                            ProbeResult.failed(FailureKind.DATABASE_DOWN, "database reported down"), "db monitor"));
                }
            }
            case MAINTENANCE_ON -> enqueue(at, new Event.MaintenanceRequested(at, true, Duration.ofHours(1)));
            case MAINTENANCE_OFF -> enqueue(at, new Event.MaintenanceRequested(at, false, Duration.ZERO));
            case SWITCHOVER -> enqueue(at, new Event.SwitchoverRequested(at, NodeId.of(step.node())));
            case REPAIR_AND_CLEAR -> {
                down.clear();
                startFails.clear();
                enqueue(at, new Event.ClearRequested(at, Optional.empty()));
            }
            case WAIT -> {
            }
            default -> throw new IllegalArgumentException("unknown act " + step.act());
        }
        return runUntil(until);
    }

    private void nodeDies(String node) {
        down.add(node);
        if (node.equals(running)) {
            running = null;
            hung = false;
            unstoppable = false;
        }
    }

    /** @return the reasons the engine gave during the last step, for a failure message */
    List<String> reasons() {
        return List.copyOf(reasons);
    }

    private List<Decision> runUntil(Instant until) {
        decisions.clear();
        reasons.clear();
        boolean ranBefore = running != null;
        boolean blockedBefore = state.phase() == Phase.BLOCKED;
        int events = 0;
        while (!queue.isEmpty() && !queue.peek().at.isAfter(until)) {
            if (++events > MAX_EVENTS_PER_STEP) {
                throw new IllegalStateException("the engine did not come to rest within " + MAX_EVENTS_PER_STEP
                        + " events before " + until + "; last reasons: "
                        + reasons.subList(Math.max(0, reasons.size() - 10), reasons.size()));
            }
            Pending p = queue.poll();
            now = p.at;
            Transition t = engine.apply(state, p.event);
            state = t.state();
            reasons.add(now + " " + t.reason());
            for (Command c : t.commands()) {
                execute(c);
            }
        }
        now = until;
        boolean blocked = state.phase() == Phase.BLOCKED;
        if (blocked && !blockedBefore) {
            decisions.add(running == null ? Decision.block() : Decision.blockLeftRunningOn(running));
        } else if (ranBefore && running == null && !blocked && !state.inMaintenance() && !startedInStep()) {
            decisions.add(Decision.block());
        }
        return List.copyOf(decisions);
    }

    private boolean startedInStep() {
        return decisions.stream().anyMatch(d -> d.kind() != Decision.Kind.FENCE && d.kind() != Decision.Kind.BLOCK);
    }

    private void enqueue(Instant at, Event e) {
        queue.add(new Pending(at, seq++, e));
    }

    private void answer(Event e) {
        enqueue(now, e);
    }

    private boolean up(String node) {
        return !down.contains(node);
    }

    private void execute(Command c) {
        if (c instanceof Command.ArmTimer t) {
            enqueue(t.at(), new Event.TimerFired(t.at(), t.id(), t.timer()));
        } else if (c instanceof Command.Notify) {
            return;
        } else if (c instanceof Command.Probe p) {
            String n = p.node().name();
            ProbeResult r;
            if (!up(n)) {
                r = ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host");
            } else if (!n.equals(running)) {
                r = ProbeResult.failed(FailureKind.CRASHED, "connection refused");
            } else if (hung) {
                r = ProbeResult.failed(FailureKind.HUNG, "no answer within the timeout");
            } else {
                r = ProbeResult.healthy();
            }
            answer(new Event.ProbeCompleted(now, p.id(), p.node(), r));
        } else if (c instanceof Command.Observe o) {
            Map<NodeId, RunState> services = new HashMap<>();
            Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
            for (String n : nodes) {
                if (up(n)) {
                    services.put(NodeId.of(n), n.equals(running) ? RunState.RUNNING : RunState.STOPPED);
                    replicas.put(NodeId.of(n), replica(n));
                }
            }
            answer(new Event.Observed(now, o.id(), new Observation(services, replicas,
                    Optional.ofNullable(route).map(NodeId::of), Optional.ofNullable(lease))));
        } else if (c instanceof Command.StartService s) {
            String n = s.node().name();
            OpResult r;
            if (!up(n)) {
                r = OpResult.timedOut("node down");
            } else if (startFails.contains(n)) {
                r = OpResult.failed("exited at once: the build does not start");
            } else {
                running = n;
                hung = false;
                unstoppable = false;
                decisions.add(Decision.startedOn(home, n));
                home = n;
                r = OpResult.ok();
            }
            answer(new Event.ActionCompleted(now, s.id(), r));
        } else if (c instanceof Command.StopService s) {
            answer(new Event.ActionCompleted(now, s.id(), stop(s.node().name())));
        } else if (c instanceof Command.KillService k) {
            answer(new Event.ActionCompleted(now, k.id(), stop(k.node().name())));
        } else if (c instanceof Command.ConfirmStopped cs) {
            String n = cs.node().name();
            RunState rs = !up(n) ? RunState.UNKNOWN : n.equals(running) ? RunState.RUNNING : RunState.STOPPED;
            answer(new Event.StateObserved(now, cs.id(), cs.node(), rs));
        } else if (c instanceof Command.Fence f) {
            String n = f.node().name();
            nodeDies(n);
            decisions.add(Decision.fence(n));
            answer(new Event.FenceCompleted(now, f.id(), f.node(), FenceResult.ok(PowerState.OFF, "verified off")));
        } else if (c instanceof Command.AcquireLease a) {
            epoch++;
            lease = new Lease(a.node(), Epoch.of(epoch));
            answer(new Event.LeaseAcquired(now, a.id(), LeaseResult.granted(lease)));
        } else if (c instanceof Command.ReleaseLease rl) {
            if (rl.lease().equals(lease)) {
                lease = null;
            }
            answer(new Event.ActionCompleted(now, rl.id(), OpResult.ok()));
        } else if (c instanceof Command.CheckReplica cr) {
            String n = cr.node().name();
            answer(new Event.ReplicaObserved(now, cr.id(), cr.node(),
                    up(n) ? replica(n) : ReplicaStatus.unknown("node down")));
        } else if (c instanceof Command.Promote p) {
            String n = p.node().name();
            if (up(n)) {
                primary = n;
            }
            answer(new Event.ActionCompleted(now, p.id(), up(n) ? OpResult.ok() : OpResult.timedOut("node down")));
        } else if (c instanceof Command.Demote d) {
            if (d.node().name().equals(primary)) {
                primary = null;
            }
            answer(new Event.ActionCompleted(now, d.id(), OpResult.ok()));
        } else if (c instanceof Command.OutdatePeer o) {
            // A well-behaved peer resyncs as soon as it is connected again: it stays up to date here.
            answer(new Event.ActionCompleted(now, o.id(), OpResult.ok()));
        } else if (c instanceof Command.Route r) {
            route = r.node().name();
            answer(new Event.ActionCompleted(now, r.id(), OpResult.ok()));
        } else if (c instanceof Command.Unroute u) {
            if (u.node().name().equals(route)) {
                route = null;
            }
            answer(new Event.ActionCompleted(now, u.id(), OpResult.ok()));
        } else {
            throw new IllegalStateException("the driver does not know command " + c);
        }
    }

    private ReplicaStatus replica(String n) {
        return new ReplicaStatus(n.equals(primary) ? ReplicaRole.PRIMARY : ReplicaRole.SECONDARY,
                Consistency.UP_TO_DATE, "");
    }

    private OpResult stop(String n) {
        if (!up(n)) {
            return OpResult.timedOut("node down");
        }
        if (n.equals(running)) {
            if (unstoppable) {
                return OpResult.failed("the process does not die");
            }
            running = null;
            hung = false;
        }
        return OpResult.ok();
    }
}
