package dev.ha4j.testkit.sim;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import java.time.Duration;
import java.util.List;

/** Short readable forms of events and commands for timelines. Stateless. */
final class Describe {
    private Describe() {
    }

    static String event(Event e) {
        if (e instanceof Event.ProbeCompleted p) {
            return "probe of " + p.node() + " -> " + p.result();
        } else if (e instanceof Event.VerdictReported v) {
            return v.source() + " reports " + v.node() + " " + v.result();
        } else if (e instanceof Event.TimerFired t) {
            return "timer " + t.timer() + " fired";
        } else if (e instanceof Event.ActionCompleted a) {
            return "command " + a.commandId() + " -> " + a.result();
        } else if (e instanceof Event.StateObserved s) {
            return "command " + s.commandId() + ": " + s.node() + " is " + s.state();
        } else if (e instanceof Event.FenceCompleted f) {
            return "command " + f.commandId() + ": fencing " + f.node() + " -> " + f.result();
        } else if (e instanceof Event.ReplicaObserved r) {
            return "command " + r.commandId() + ": replica on " + r.node() + " is " + r.status();
        } else if (e instanceof Event.LeaseAcquired l) {
            return "command " + l.commandId() + ": lease " + (l.result().isGranted()
                    ? "granted " + l.result().lease().orElseThrow() : l.result().outcome() + " " + l.result().detail());
        } else if (e instanceof Event.Observed o) {
            return "observed services " + o.observation().services() + ", replicas " + o.observation().replicas()
                    + ", route " + o.observation().routeTarget().map(Object::toString).orElse("none") + ", lease "
                    + o.observation().lease().map(Object::toString).orElse("none");
        } else if (e instanceof Event.LeaseLost l) {
            return "lease " + l.holder() + "@" + l.epoch() + " lost: " + l.reason();
        } else if (e instanceof Event.Started) {
            return "manager started";
        } else if (e instanceof Event.SwitchoverRequested s) {
            return "operator: switchover to " + s.target();
        } else if (e instanceof Event.MaintenanceRequested m) {
            return "operator: maintenance " + (m.on() ? "on for " + m.duration() : "off");
        } else if (e instanceof Event.ClearRequested c) {
            return "operator: clear" + c.forcePromote().map(n -> " forcing " + n).orElse("");
        }
        return e.toString();
    }

    /** @return the command's own deadline, or null for a command without one (a timer, a notification) */
    static Duration timeout(Command c) {
        if (c instanceof Command.Probe p) {
            return p.timeout();
        } else if (c instanceof Command.Observe o) {
            return o.timeout();
        } else if (c instanceof Command.StartService s) {
            return s.timeout();
        } else if (c instanceof Command.StopService s) {
            return s.timeout();
        } else if (c instanceof Command.KillService k) {
            return k.timeout();
        } else if (c instanceof Command.ConfirmStopped s) {
            return s.timeout();
        } else if (c instanceof Command.Fence f) {
            return f.timeout();
        } else if (c instanceof Command.AcquireLease a) {
            return a.timeout();
        } else if (c instanceof Command.ReleaseLease r) {
            return r.timeout();
        } else if (c instanceof Command.CheckReplica r) {
            return r.timeout();
        } else if (c instanceof Command.Promote p) {
            return p.timeout();
        } else if (c instanceof Command.Demote d) {
            return d.timeout();
        } else if (c instanceof Command.OutdatePeer o) {
            return o.timeout();
        } else if (c instanceof Command.Route r) {
            return r.timeout();
        } else if (c instanceof Command.Unroute u) {
            return u.timeout();
        }
        return null;
    }

    static String commands(List<Command> cs) {
        if (cs.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" => ");
        for (int i = 0; i < cs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(command(cs.get(i)));
        }
        return b.toString();
    }

    static String command(Command c) {
        if (c instanceof Command.ArmTimer a) {
            return "#" + a.id() + " timer " + a.timer();
        } else if (c instanceof Command.Probe p) {
            return "#" + p.id() + " probe " + p.node();
        } else if (c instanceof Command.Observe o) {
            return "#" + o.id() + " observe";
        } else if (c instanceof Command.StartService s) {
            return "#" + s.id() + " START " + s.node() + "@" + s.epoch();
        } else if (c instanceof Command.StopService s) {
            return "#" + s.id() + " STOP " + s.node();
        } else if (c instanceof Command.KillService k) {
            return "#" + k.id() + " KILL " + k.node();
        } else if (c instanceof Command.ConfirmStopped s) {
            return "#" + s.id() + " confirm-stopped " + s.node();
        } else if (c instanceof Command.Fence f) {
            return "#" + f.id() + " FENCE " + f.node() + " level " + f.level();
        } else if (c instanceof Command.AcquireLease a) {
            return "#" + a.id() + " acquire-lease " + a.node();
        } else if (c instanceof Command.ReleaseLease r) {
            return "#" + r.id() + " release-lease " + r.lease();
        } else if (c instanceof Command.CheckReplica r) {
            return "#" + r.id() + " check-replica " + r.node();
        } else if (c instanceof Command.Promote p) {
            return "#" + p.id() + " PROMOTE " + p.node() + "@" + p.epoch() + (p.force() ? " forced" : "");
        } else if (c instanceof Command.Demote d) {
            return "#" + d.id() + " DEMOTE " + d.node();
        } else if (c instanceof Command.OutdatePeer o) {
            return "#" + o.id() + " OUTDATE " + o.peer();
        } else if (c instanceof Command.Route r) {
            return "#" + r.id() + " ROUTE " + r.node() + "@" + r.epoch();
        } else if (c instanceof Command.Unroute u) {
            return "#" + u.id() + " UNROUTE " + u.node();
        } else if (c instanceof Command.Notify n) {
            return "notify " + n.notification().kind();
        }
        return c.toString();
    }
}
