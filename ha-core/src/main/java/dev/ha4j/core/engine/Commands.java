package dev.ha4j.core.engine;

import dev.ha4j.core.NodeId;
import java.util.Optional;

/**
 * What the engine needs to know about a command beyond its fields: the node it concerns, the answer it expects
 * and which commands must not overlap on one node, and what an answer says. One exhaustive {@link Command.Visitor}
 * and one {@link Event.Visitor}: a new command or event type does not compile until it is described here.
 */
final class Commands {
    /** Commands that must not overlap on one node: one of a group runs at a time. */
    enum Group {
        /** Starting, stopping, killing, confirming the service: a confirmation is worthless while a start runs. */
        SERVICE,
        /** Promoting, demoting, outdating, checking a replica. */
        DATA,
        /** Routing and unrouting: the router has one target, whatever node the command names. */
        ROUTE,
        /** No overlap rule: reads, fencing (power off supersedes anything in flight), leases, timers. */
        NONE
    }

    /** A command's node, overlap group and the type of the event that answers it (null: none). */
    private record Shape(NodeId node, Group group, Class<? extends Event.Result> answer) {
    }

    private static final Command.Visitor<Shape> SHAPE = new Command.Visitor<>() {
        @Override
        public Shape visitArmTimer(Command.ArmTimer c) {
            return new Shape(null, Group.NONE, Event.TimerFired.class);
        }

        @Override
        public Shape visitProbe(Command.Probe c) {
            return new Shape(c.node(), Group.NONE, Event.ProbeCompleted.class);
        }

        @Override
        public Shape visitObserve(Command.Observe c) {
            return new Shape(null, Group.NONE, Event.Observed.class);
        }

        @Override
        public Shape visitStartService(Command.StartService c) {
            return new Shape(c.node(), Group.SERVICE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitStopService(Command.StopService c) {
            return new Shape(c.node(), Group.SERVICE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitKillService(Command.KillService c) {
            return new Shape(c.node(), Group.SERVICE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitConfirmStopped(Command.ConfirmStopped c) {
            return new Shape(c.node(), Group.SERVICE, Event.StateObserved.class);
        }

        @Override
        public Shape visitFence(Command.Fence c) {
            return new Shape(c.node(), Group.NONE, Event.FenceCompleted.class);
        }

        @Override
        public Shape visitAcquireLease(Command.AcquireLease c) {
            return new Shape(c.node(), Group.NONE, Event.LeaseAcquired.class);
        }

        @Override
        public Shape visitReleaseLease(Command.ReleaseLease c) {
            return new Shape(c.lease().holder(), Group.NONE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitCheckReplica(Command.CheckReplica c) {
            return new Shape(c.node(), Group.DATA, Event.ReplicaObserved.class);
        }

        @Override
        public Shape visitPromote(Command.Promote c) {
            return new Shape(c.node(), Group.DATA, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitDemote(Command.Demote c) {
            return new Shape(c.node(), Group.DATA, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitOutdatePeer(Command.OutdatePeer c) {
            return new Shape(c.peer(), Group.DATA, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitRoute(Command.Route c) {
            return new Shape(c.node(), Group.ROUTE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitUnroute(Command.Unroute c) {
            return new Shape(c.node(), Group.ROUTE, Event.ActionCompleted.class);
        }

        @Override
        public Shape visitNotify(Command.Notify c) {
            return new Shape(null, Group.NONE, null);
        }
    };

    private Commands() {
    }

    static Optional<NodeId> node(Command c) {
        return Optional.ofNullable(c.accept(SHAPE).node());
    }

    /** Whether {@code c} waits for an answer the engine keeps track of (timers and notifications do not). */
    static boolean answered(Command c) {
        return !(c instanceof Command.ArmTimer) && c.accept(SHAPE).answer() != null;
    }

    /** Whether a new command {@code c} must wait until {@code running} has answered. */
    static boolean conflicts(Command c, Command running) {
        Shape a = c.accept(SHAPE);
        Shape b = running.accept(SHAPE);
        if (a.group() == Group.NONE || a.group() != b.group()) {
            return false;
        }
        return a.group() == Group.ROUTE || a.node().equals(b.node());
    }

    /** Whether {@code result} is the type of answer {@code c} gets and, where it names a node, about c's node. */
    static boolean answers(Command c, Event.Result result) {
        Shape s = c.accept(SHAPE);
        if (s.answer() == null || !s.answer().isInstance(result)) {
            return false;
        }
        Optional<NodeId> about = resultNode(result);
        return about.isEmpty() || s.node() == null || about.get().equals(s.node());
    }

    private static Optional<NodeId> resultNode(Event.Result r) {
        return Optional.ofNullable(r.accept(ANSWER).node());
    }

    /**
     * How the engine's reasons describe an answer it records without acting on it ("recorded" when there is
     * nothing to add).
     */
    static String describe(Event.Result r) {
        return r.accept(ANSWER).text();
    }

    /** What an answer says: the node it is about (null: none named) and its text in reasons. */
    private record Answer(NodeId node, String text) {
    }

    private static final Answer RECORDED = new Answer(null, "recorded");

    /** Over every event; those that answer no command answer nothing. */
    private static final Event.Visitor<Answer> ANSWER = new Event.Visitor<>() {
        @Override
        public Answer visitStarted(Event.Started e) {
            return RECORDED;
        }

        @Override
        public Answer visitTimerFired(Event.TimerFired e) {
            return RECORDED;
        }

        @Override
        public Answer visitProbeCompleted(Event.ProbeCompleted e) {
            return new Answer(e.node(), "recorded");
        }

        @Override
        public Answer visitVerdictReported(Event.VerdictReported e) {
            return RECORDED;
        }

        @Override
        public Answer visitActionCompleted(Event.ActionCompleted e) {
            return new Answer(null, e.result().toString());
        }

        @Override
        public Answer visitStateObserved(Event.StateObserved e) {
            return new Answer(e.node(), e.node() + " " + e.state());
        }

        @Override
        public Answer visitFenceCompleted(Event.FenceCompleted e) {
            return new Answer(e.node(), e.result().toString());
        }

        @Override
        public Answer visitReplicaObserved(Event.ReplicaObserved e) {
            return new Answer(e.node(), "replica on " + e.node() + " is " + e.status());
        }

        @Override
        public Answer visitLeaseAcquired(Event.LeaseAcquired e) {
            return new Answer(null, e.result().outcome() + " " + e.result().detail());
        }

        @Override
        public Answer visitObserved(Event.Observed e) {
            return RECORDED;
        }

        @Override
        public Answer visitLeaseLost(Event.LeaseLost e) {
            return RECORDED;
        }

        @Override
        public Answer visitSwitchoverRequested(Event.SwitchoverRequested e) {
            return RECORDED;
        }

        @Override
        public Answer visitMaintenanceRequested(Event.MaintenanceRequested e) {
            return RECORDED;
        }

        @Override
        public Answer visitClearRequested(Event.ClearRequested e) {
            return RECORDED;
        }
    };
}
