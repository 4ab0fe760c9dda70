package dev.ha4j.testkit;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Variants of the real engine with one safety rule broken, built by wrapping it and rewriting what goes in
 * or comes out. They prove that a set of checks catches what it should: run them through a
 * {@link Simulation} and expect a failure. Each is a {@link DecisionFunction.Factory}.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlantedBugs {
    private PlantedBugs() {
    }

    /** @return every planted bug, by name */
    public static Map<String, DecisionFunction.Factory> all() {
        return Map.of("skip fencing", skipFencing(), "promote a stale replica", promoteStaleReplica(),
                "fail over on database trouble", failOverOnDatabaseTrouble(), "no restart before failover",
                noRestartBeforeFailover(), "ignore maintenance", ignoreMaintenance(), "forget an abandoned start",
                forgetAbandonedStart(), "use a lease reported lost before its grant", useLeaseLostBeforeGrant(),
                "keep an operator force after an unforced promotion", keepForceAfterUnforcedPromotion());
    }

    /**
     * When a plan is abandoned (maintenance, a lease loss, a clear, a switchover) its outstanding starts and
     * promotions are answered at once as failed, so the engine forgets them, and a node that the next observation
     * shows STOPPED (its start has not launched yet) is taken as confirmed stopped: the stop, kill and
     * confirmation the engine would send it are answered by the wrapper itself as done, so the node becomes a
     * standby again, and the real answer of its start, when it comes, is "no such command". Issue 8's S1.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory forgetAbandonedStart() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                Transition t = engine.apply(state, event);
                if (event instanceof Event.Observed o) {
                    return trustStopped(engine, t, o);
                }
                if (!(event instanceof Event.MaintenanceRequested || event instanceof Event.LeaseLost
                        || event instanceof Event.ClearRequested || event instanceof Event.SwitchoverRequested)) {
                    return t;
                }
                List<Command> out = new ArrayList<>(t.commands());
                StringBuilder reason = new StringBuilder(t.reason());
                ClusterState s = t.state();
                for (dev.ha4j.core.engine.Outstanding o : s.outstanding()) {
                    if ((o.command() instanceof Command.StartService || o.command() instanceof Command.Promote)
                            && o.id() != s.pendingCommandId()) {
                        Transition next = engine.apply(s, new Event.ActionCompleted(event.at(), o.id(),
                                dev.ha4j.core.OpResult.failed("forgotten with its plan")));
                        s = next.state();
                        out.addAll(next.commands());
                        reason.append("; ").append(next.reason());
                    }
                }
                return new Transition(s, out, reason.toString());
            }
        };
    }

    /**
     * A lease reported lost before its grant arrived is not recorded: the grant, when it comes, is used. Issue
     * 8's S2.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory useLeaseLostBeforeGrant() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                if (event instanceof Event.LeaseLost l
                        && state.lease().map(x -> !x.epoch().equals(l.epoch())).orElse(true)) {
                    return new Transition(state, List.of(), "loss of lease " + l.epoch() + " ignored: not ours yet");
                }
                return engine.apply(state, event);
            }
        };
    }

    /**
     * An operator's force survives the promotion it was given for: when a promotion of the forced node uses it
     * up, it is given again. Issue 8's S3.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory keepForceAfterUnforcedPromotion() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                Transition t = engine.apply(state, event);
                if (state.forcePromote().isPresent() && t.state().forcePromote().isEmpty()
                        && event instanceof Event.ActionCompleted) {
                    Transition again = engine.apply(t.state(), new Event.ClearRequested(event.at(),
                            state.forcePromote()));
                    List<Command> out = new ArrayList<>(t.commands());
                    out.addAll(again.commands());
                    return new Transition(again.state(), out, t.reason() + "; force kept: " + again.reason());
                }
                return t;
            }
        };
    }

    /**
     * Fence commands are dropped and answered at once as if the node were verified off: a takeover goes ahead
     * while the old active may still run.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory skipFencing() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                Transition t = engine.apply(state, event);
                List<Command> out = new ArrayList<>();
                StringBuilder reason = new StringBuilder(t.reason());
                ClusterState s = t.state();
                List<Command> todo = new ArrayList<>(t.commands());
                for (int i = 0; i < todo.size(); i++) {
                    Command c = todo.get(i);
                    if (c instanceof Command.Fence f) {
                        Transition next = engine.apply(s, new Event.FenceCompleted(event.at(), f.id(), f.node(),
                                FenceResult.ok(PowerState.OFF, "assumed off (fencing skipped)")));
                        s = next.state();
                        reason.append("; ").append(next.reason());
                        todo.addAll(next.commands());
                    } else {
                        out.add(c);
                    }
                }
                return new Transition(s, out, reason.toString());
            }
        };
    }

    /**
     * The replica check always reads "up to date" and every promotion is forced: a lagging, inconsistent or
     * split-brained replica gets promoted.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory promoteStaleReplica() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                Event in = event;
                if (event instanceof Event.ReplicaObserved r && !r.status().isUpToDate()) {
                    in = new Event.ReplicaObserved(r.at(), r.commandId(), r.node(),
                            new ReplicaStatus(r.status().role(), Consistency.UP_TO_DATE, "check skipped"));
                }
                Transition t = engine.apply(state, in);
                List<Command> out = new ArrayList<>(t.commands().size());
                for (Command c : t.commands()) {
                    out.add(c instanceof Command.Promote p
                            ? new Command.Promote(p.id(), p.node(), p.epoch(), true, p.timeout()) : c);
                }
                return new Transition(t.state(), out, t.reason());
            }
        };
    }

    /**
     * Database trouble reaches the engine as a lost router path, whose reaction is a failover.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory failOverOnDatabaseTrouble() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                Event in = event;
                if (event instanceof Event.ProbeCompleted p && isDatabase(p.result())) {
                    in = new Event.ProbeCompleted(p.at(), p.commandId(), p.node(), rewrite(p.result()));
                } else if (event instanceof Event.VerdictReported v && isDatabase(v.result())) {
                    in = new Event.VerdictReported(v.at(), v.node(), rewrite(v.result()), v.source());
                }
                return engine.apply(state, in);
            }

            private boolean isDatabase(ProbeResult r) {
                return r.failure().map(k -> k == FailureKind.DATABASE_DOWN || k == FailureKind.DATABASE_CONNECTION_LOST)
                        .orElse(false);
            }

            private ProbeResult rewrite(ProbeResult r) {
                return ProbeResult.failed(FailureKind.ROUTER_PATH_LOST, r.detail() + " (taken for a lost path)");
            }
        };
    }

    /**
     * Every failure whose reaction is RESTART fails over at once instead (restart limit 0 semantics).
     *
     * @return the factory
     */
    public static DecisionFunction.Factory noRestartBeforeFailover() {
        return config -> {
            Policy.Builder b = config.policy().toBuilder();
            for (Map.Entry<FailureKind, Reaction> e : config.policy().failureTable().entrySet()) {
                if (e.getValue() == Reaction.RESTART) {
                    b.react(e.getKey(), Reaction.FAILOVER);
                }
            }
            ClusterConfig.Builder cb = ClusterConfig.custom().name(config.name()).policy(b.build());
            config.nodes().forEach(cb::node);
            return DecisionFunction.of(new FailoverEngine(cb.build()));
        };
    }

    /**
     * Operator maintenance requests never reach the engine: it goes on starting, stopping and moving.
     *
     * @return the factory
     */
    public static DecisionFunction.Factory ignoreMaintenance() {
        return config -> new Wrapper(new FailoverEngine(config)) {
            @Override
            public Transition apply(ClusterState state, Event event) {
                if (event instanceof Event.MaintenanceRequested) {
                    return new Transition(state, List.of(), "maintenance request ignored");
                }
                return engine.apply(state, event);
            }
        };
    }

    /**
     * Answers the stops, kills and confirmations of nodes that observation {@code o} shows STOPPED as done, at
     * once, instead of sending them (the old engine's S1: an observed STOPPED taken as confirmed stopped).
     */
    private static Transition trustStopped(FailoverEngine engine, Transition t, Event.Observed o) {
        java.util.ArrayDeque<Command> work = new java.util.ArrayDeque<>(t.commands());
        List<Command> out = new ArrayList<>();
        StringBuilder reason = new StringBuilder(t.reason());
        ClusterState s = t.state();
        int faked = 0;
        while (!work.isEmpty()) {
            Command c = work.poll();
            dev.ha4j.core.NodeId n = c instanceof Command.StopService x ? x.node()
                    : c instanceof Command.KillService x ? x.node() : c instanceof Command.ConfirmStopped x ? x.node() : null;
            if (n == null || faked > 10 || o.observation().services().get(n) != dev.ha4j.core.RunState.STOPPED) {
                out.add(c);
                continue;
            }
            faked++;
            Event answer = c instanceof Command.ConfirmStopped
                    ? new Event.StateObserved(o.at(), c.id(), n, dev.ha4j.core.RunState.STOPPED)
                    : new Event.ActionCompleted(o.at(), c.id(), dev.ha4j.core.OpResult.ok("observed stopped"));
            Transition next = engine.apply(s, answer);
            s = next.state();
            reason.append("; ").append(next.reason());
            java.util.ArrayDeque<Command> more = new java.util.ArrayDeque<>(next.commands());
            while (!more.isEmpty()) {
                work.addFirst(more.pollLast());
            }
        }
        return new Transition(s, out, reason.toString());
    }

    private abstract static class Wrapper implements DecisionFunction {
        final FailoverEngine engine;

        Wrapper(FailoverEngine engine) {
            this.engine = engine;
        }

        @Override
        public ClusterState initialState() {
            return engine.initialState();
        }
    }
}
