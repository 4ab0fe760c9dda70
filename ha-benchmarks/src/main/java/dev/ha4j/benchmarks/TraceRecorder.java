package dev.ha4j.benchmarks;

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
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Timer;
import dev.ha4j.core.engine.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Drives an engine through a small always-answering world to record event traces for the benchmarks: the
 * service crashes now and then (restarts, then failovers), a node becomes unreachable (fencing), an operator
 * switches over. Deterministic: a fixed seed.
 */
final class TraceRecorder {
    static final int EVENTS = 10_000;

    record Recorded(ClusterState state, Instant now, long probeTimerId) {
    }

    private final FailoverEngine engine;
    private final Map<NodeId, Boolean> running = new HashMap<>();
    private record Queued(Event event, long seq) {
    }

    private final PriorityQueue<Queued> queue = new PriorityQueue<>((x, y) -> x.event.at().equals(y.event.at())
            ? Long.compare(x.seq, y.seq) : x.event.at().compareTo(y.event.at()));
    private long seq;
    private final List<Event> trace = new ArrayList<>();
    private ClusterState state;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long epoch;
    private long probeTimerId;

    private TraceRecorder(FailoverEngine engine) {
        this.engine = engine;
        this.state = engine.initialState();
        for (NodeId n : engine.config().nodes()) {
            running.put(n, false);
        }
    }

    static Recorded runToRunning(FailoverEngine engine) {
        TraceRecorder r = new TraceRecorder(engine);
        r.feed(new Event.Started(r.now));
        while (r.state.phase() != dev.ha4j.core.engine.Phase.RUNNING || r.probeTimerId == 0) {
            r.feed(r.queue.poll().event());
        }
        return new Recorded(r.state, r.now, r.probeTimerId);
    }

    static List<Event> record(FailoverEngine engine) {
        TraceRecorder r = new TraceRecorder(engine);
        Random rnd = new Random(42);
        r.feed(new Event.Started(r.now));
        while (r.trace.size() < EVENTS) {
            Queued q = r.queue.poll();
            Event next = q == null ? null : q.event();
            if (next == null) {
                r.feed(new Event.ClearRequested(r.now, Optional.empty()));
                continue;
            }
            r.feed(next);
            int dice = rnd.nextInt(400);
            NodeId active = r.state.active().orElse(null);
            if (dice < 3 && active != null) {
                r.running.put(active, false);
            } else if (dice == 3 && active != null && r.state.plan().isEmpty()) {
                NodeId other = engine.config().nodes().stream().filter(n -> !n.equals(active)).findFirst().orElseThrow();
                r.feed(new Event.SwitchoverRequested(r.now, other));
            }
        }
        return List.copyOf(r.trace.subList(0, EVENTS));
    }

    private void enqueue(Event e) {
        queue.add(new Queued(e, seq++));
    }

    private void feed(Event e) {
        now = e.at();
        trace.add(e);
        Transition t = engine.apply(state, e);
        state = t.state();
        for (Command c : t.commands()) {
            answer(c);
        }
    }

    private void answer(Command c) {
        Instant at = now.plusMillis(10);
        if (c instanceof Command.ArmTimer a) {
            if (a.timer() == Timer.PROBE) {
                probeTimerId = a.id();
            }
            enqueue(new Event.TimerFired(a.at(), a.id(), a.timer()));
        } else if (c instanceof Command.Probe p) {
            enqueue(new Event.ProbeCompleted(at, p.id(), p.node(), running.get(p.node()) ? ProbeResult.healthy()
                    : ProbeResult.failed(FailureKind.CRASHED, "connection refused")));
        } else if (c instanceof Command.Observe o) {
            Map<NodeId, RunState> services = new HashMap<>();
            Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
            running.forEach((n, r) -> {
                services.put(n, r ? RunState.RUNNING : RunState.STOPPED);
                replicas.put(n, new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, ""));
            });
            enqueue(new Event.Observed(at, o.id(), new Observation(services, replicas, Optional.empty(),
                    Optional.empty())));
        } else if (c instanceof Command.StartService s) {
            running.put(s.node(), true);
            enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
        } else if (c instanceof Command.StopService s) {
            running.put(s.node(), false);
            enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
        } else if (c instanceof Command.KillService s) {
            running.put(s.node(), false);
            enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
        } else if (c instanceof Command.ConfirmStopped s) {
            enqueue(new Event.StateObserved(at, s.id(), s.node(),
                    running.get(s.node()) ? RunState.RUNNING : RunState.STOPPED));
        } else if (c instanceof Command.Fence f) {
            running.put(f.node(), false);
            enqueue(new Event.FenceCompleted(at, f.id(), f.node(), FenceResult.ok(PowerState.OFF, "off")));
        } else if (c instanceof Command.AcquireLease a) {
            enqueue(new Event.LeaseAcquired(at, a.id(), LeaseResult.granted(new Lease(a.node(), Epoch.of(++epoch)))));
        } else if (c instanceof Command.CheckReplica r) {
            enqueue(new Event.ReplicaObserved(at, r.id(), r.node(),
                    new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, "")));
        } else if (!(c instanceof Command.Notify)) {
            enqueue(new Event.ActionCompleted(at, c.id(), OpResult.ok()));
        }
    }
}
