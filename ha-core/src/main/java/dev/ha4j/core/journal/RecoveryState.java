package dev.ha4j.core.journal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Reason;
import dev.ha4j.core.engine.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a restarted manager must not forget, folded from the journal one entry at a time: the highest epoch,
 * operator maintenance, a block waiting for an operator, the restarts that may still count, the next command id,
 * and the nodes the journal talks about. It is the one place that turns journal entries into an
 * {@link Event.Recovered}; a field added to {@code Recovered} is folded here.
 *
 * <p>The fold reads what the journal <em>recorded</em> (the event, the phase after it, the commands and the
 * notifications decided), never re-runs the engine: it does not depend on the configuration the journal was
 * written under, so a journal from before a configuration change folds to what it said, and it is small enough
 * to be written as a checkpoint ({@link Checkpoint}) from which recovery continues. A property test checks that
 * it agrees with replaying the journal through the engine.
 *
 * <p>Not thread-safe: one fold per thread (the journal folds on its writer's thread, the runtime on its loop).
 */
public final class RecoveryState {
    /**
     * The engine counts only the restarts inside its window; keeping more than this many would only grow a
     * checkpoint over months of restarts that no longer count.
     */
    static final int MAX_RESTARTS = 256;

    private long seq;
    private Instant lastAt;
    private long entries;
    private Epoch highestEpoch = Epoch.NONE;
    private long nextCommandId = 1;
    private Instant maintenanceUntil;
    private long maintenanceTimerId;
    private String blockedReason;
    private List<Restart> restarts = new ArrayList<>();
    private SortedSet<NodeId> nodes = new TreeSet<>();
    /** Starts and promotions of the current run not answered yet, by id. */
    private java.util.Map<Long, Command> open = new java.util.LinkedHashMap<>();
    /**
     * Starts and promotions an earlier run never saw answered, by node: the service might run there until the
     * node is seen stopped, fenced or running (adopted). Handed to the engine as outstanding (invariant 9).
     */
    private java.util.Map<NodeId, Command> doubts = new java.util.LinkedHashMap<>();

    /**
     * One restart in place that counts against the escalation window.
     *
     * @param at when it was decided
     * @param node the node restarted, empty when the journal did not say (a restart recovered by an older run)
     */
    public record Restart(Instant at, Optional<NodeId> node) {
        /** @throws NullPointerException if an argument is null */
        public Restart {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
        }
    }

    private RecoveryState() {
    }

    /** @return the state of an empty journal */
    public static RecoveryState empty() {
        return new RecoveryState();
    }

    /**
     * Continues a fold from a checkpoint.
     *
     * @param checkpoint the checkpoint
     * @return the state it recorded
     * @throws NullPointerException if {@code checkpoint} is null
     */
    public static RecoveryState from(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        RecoveryState s = new RecoveryState();
        s.seq = checkpoint.seq();
        s.lastAt = checkpoint.at().orElse(null);
        s.entries = checkpoint.entries();
        s.highestEpoch = checkpoint.highestEpoch();
        s.nextCommandId = checkpoint.nextCommandId();
        s.maintenanceUntil = checkpoint.maintenanceUntil().orElse(null);
        s.maintenanceTimerId = checkpoint.maintenanceTimerId();
        s.blockedReason = checkpoint.blockedReason().orElse(null);
        s.restarts = new ArrayList<>(checkpoint.restarts());
        s.nodes = new TreeSet<>(checkpoint.nodes());
        for (Command c : checkpoint.outstanding()) {
            s.open.put(c.id(), c);
        }
        for (Command c : checkpoint.doubts()) {
            s.doubts.put(nodeOf(c), c);
        }
        return s;
    }

    /** @return an independent copy of this state */
    public RecoveryState copy() {
        return from(toCheckpoint());
    }

    /**
     * Folds the next entry of the journal.
     *
     * @param e the entry after the last one applied
     * @return whether the entry changed what recovery would give ({@link #toRecovered()}): the decisions a
     *     journal must make durable before the next one
     * @throws NullPointerException if {@code e} is null
     */
    public boolean apply(JournalEntry e) {
        Objects.requireNonNull(e, "e");
        Event.Recovered before = durable();
        seq = e.seq();
        lastAt = e.at();
        entries++;
        Event ev = e.event();
        ev.accept(new Fold(e));
        String blockNotified = null;
        for (Command c : e.commands()) {
            fold(c, e);
            if (c instanceof Command.Notify n && n.notification().kind() == Notification.Kind.BLOCKED) {
                blockNotified = n.notification().message();
            }
        }
        if (e.phase() != Phase.BLOCKED) {
            blockedReason = null;
        } else if (blockNotified != null && !(ev instanceof Event.Started)) {
            // Every block is notified with its reason; a Started entry re-notifies the recovered one, reworded.
            blockedReason = blockNotified;
        }
        return !before.equals(durable());
    }

    /**
     * What must survive a crash: recovery without the next command id, which grows with every probe. Ids need
     * not be durable: a dead manager's calls cannot answer its successor.
     */
    private Event.Recovered durable() {
        Event.Recovered r = toRecovered();
        return new Event.Recovered(r.maintenanceUntil(), r.blockedReason(), r.restarts(), r.highestEpoch(), 0,
                r.outstanding());
    }

    private static NodeId nodeOf(Command c) {
        return c instanceof Command.StartService s ? s.node() : ((Command.Promote) c).node();
    }

    private void doubt(Command c) {
        if (c instanceof Command.StartService || c instanceof Command.Promote) {
            doubts.put(nodeOf(c), c);
        }
    }

    /**
     * What one journaled event tells recovery, one method per event type. An answer settles its command first,
     * and a node seen stopped, fenced or running is no longer in doubt.
     */
    private final class Fold implements Event.Visitor<Void> {
        private final JournalEntry e;

        Fold(JournalEntry e) {
            this.e = e;
        }

        @Override
        public Void visitStarted(Event.Started s) {
            // What the previous run left unanswered stays in doubt until a node is seen stopped, fenced or
            // running; answers to it can no longer arrive.
            for (Command c : open.values()) {
                doubt(c);
            }
            open.clear();
            s.recovered().ifPresent(r -> r.outstanding().forEach(RecoveryState.this::doubt));
            // The engine begins every run afresh from what the previous run's journal said.
            maintenanceUntil = null;
            maintenanceTimerId = 0;
            blockedReason = null;
            restarts = new ArrayList<>();
            s.recovered().ifPresent(r -> {
                raise(r.highestEpoch());
                r.restarts().forEach(t -> restarts.add(new Restart(t, Optional.empty())));
                if (e.phase() == Phase.BLOCKED) {
                    blockedReason = r.blockedReason().orElse(null);
                }
            });
            return null;
        }

        @Override
        public Void visitTimerFired(Event.TimerFired t) {
            open.remove(t.commandId());
            if (t.timer() == Timer.MAINTENANCE_END && t.commandId() == maintenanceTimerId && maintenanceUntil != null) {
                endMaintenance();
            }
            return null;
        }

        @Override
        public Void visitProbeCompleted(Event.ProbeCompleted p) {
            open.remove(p.commandId());
            nodes.add(p.node());
            return null;
        }

        @Override
        public Void visitVerdictReported(Event.VerdictReported v) {
            return null;
        }

        @Override
        public Void visitActionCompleted(Event.ActionCompleted a) {
            open.remove(a.commandId());
            return null;
        }

        @Override
        public Void visitStateObserved(Event.StateObserved so) {
            open.remove(so.commandId());
            if (so.state() == dev.ha4j.core.RunState.STOPPED) {
                doubts.remove(so.node());
            }
            return null;
        }

        @Override
        public Void visitFenceCompleted(Event.FenceCompleted f) {
            open.remove(f.commandId());
            if (f.result().isVerifiedOff()) {
                doubts.remove(f.node());
            }
            return null;
        }

        @Override
        public Void visitReplicaObserved(Event.ReplicaObserved r) {
            open.remove(r.commandId());
            return null;
        }

        @Override
        public Void visitLeaseAcquired(Event.LeaseAcquired l) {
            open.remove(l.commandId());
            l.result().lease().ifPresent(RecoveryState.this::raise);
            return null;
        }

        @Override
        public Void visitObserved(Event.Observed o) {
            open.remove(o.commandId());
            o.observation().services().forEach((n, st) -> {
                if (st == dev.ha4j.core.RunState.RUNNING) {
                    doubts.remove(n);
                }
            });
            if (!o.observation().services().isEmpty()) {
                // An observation asks every configured node: it tells the node list the journal was written under.
                nodes = new TreeSet<>(o.observation().services().keySet());
            }
            o.observation().lease().ifPresent(RecoveryState.this::raise);
            return null;
        }

        @Override
        public Void visitLeaseLost(Event.LeaseLost l) {
            raise(l.epoch());
            nodes.add(l.holder());
            return null;
        }

        @Override
        public Void visitSwitchoverRequested(Event.SwitchoverRequested r) {
            return null;
        }

        @Override
        public Void visitMaintenanceRequested(Event.MaintenanceRequested m) {
            if (!m.on() && maintenanceUntil != null) {
                endMaintenance();
            }
            return null;
        }

        @Override
        public Void visitClearRequested(Event.ClearRequested c) {
            boolean refused = e.reasons().isEmpty() ? e.reason().startsWith("clear refused")
                    : e.reasons().get(0).code() == Reason.Code.CLEAR_REFUSED;
            if (!refused) {
                restarts.clear();
            }
            return null;
        }
    }

    private void fold(Command c, JournalEntry e) {
        nextCommandId = Math.max(nextCommandId, c.id() + 1);
        if (c instanceof Command.StartService || c instanceof Command.Promote) {
            // Only these can leave a service running or a replica primary behind an unanswered call.
            open.put(c.id(), c);
        }
        if (c instanceof Command.ArmTimer a && a.timer() == Timer.MAINTENANCE_END) {
            maintenanceUntil = a.at();
            maintenanceTimerId = a.id();
        } else if (c instanceof Command.Notify n) {
            Notification.Kind kind = n.notification().kind();
            if (kind == Notification.Kind.RESTARTED) {
                restarts.add(new Restart(e.at(), n.notification().node()));
                if (restarts.size() > MAX_RESTARTS) {
                    restarts = new ArrayList<>(restarts.subList(restarts.size() - MAX_RESTARTS, restarts.size()));
                }
            } else if (kind == Notification.Kind.FAILOVER_COMPLETED || kind == Notification.Kind.SWITCHOVER_COMPLETED) {
                restarts.clear();
            }
        } else if (c instanceof Command.StartService s) {
            raise(s.epoch());
            nodes.add(s.node());
        } else if (c instanceof Command.Promote p) {
            raise(p.epoch());
            nodes.add(p.node());
        } else if (c instanceof Command.Route r) {
            raise(r.epoch());
            nodes.add(r.node());
        } else if (c instanceof Command.OutdatePeer o) {
            raise(o.epoch());
            nodes.add(o.peer());
        } else if (c instanceof Command.ReleaseLease r) {
            raise(r.lease());
        } else if (c instanceof Command.Fence f) {
            nodes.add(f.node());
        } else if (c instanceof Command.AcquireLease a) {
            nodes.add(a.node());
        }
    }

    private void endMaintenance() {
        maintenanceUntil = null;
        maintenanceTimerId = 0;
    }

    private void raise(Lease lease) {
        raise(lease.epoch());
    }

    private void raise(Epoch epoch) {
        if (epoch.isAfter(highestEpoch)) {
            highestEpoch = epoch;
        }
    }

    /** @return the position of the last entry folded, 0 for none */
    public long seq() {
        return seq;
    }

    /** @return how many entries were folded, including those behind a checkpoint */
    public long entries() {
        return entries;
    }

    /** @return the highest epoch the journal mentions (granted, observed, or carried by a command) */
    public Epoch highestEpoch() {
        return highestEpoch;
    }

    /** @return an id above every command id the journal mentions */
    public long nextCommandId() {
        return nextCommandId;
    }

    /** @return the nodes of the last observation and those talked about since, sorted */
    public SortedSet<NodeId> nodes() {
        return java.util.Collections.unmodifiableSortedSet(nodes);
    }

    /** @return the restarts still remembered, oldest first */
    public List<Restart> restarts() {
        return List.copyOf(restarts);
    }

    /** @return what a restarted manager recovers, as the engine takes it */
    public Event.Recovered toRecovered() {
        List<Instant> times = new ArrayList<>(restarts.size());
        restarts.forEach(r -> times.add(r.at()));
        return new Event.Recovered(Optional.ofNullable(maintenanceUntil), Optional.ofNullable(blockedReason), times,
                highestEpoch, nextCommandId, outstanding());
    }

    /** @return the commands recovery hands to the engine as never answered: this run's and earlier doubts */
    public List<Command> outstanding() {
        List<Command> all = new ArrayList<>(doubts.values());
        all.addAll(open.values());
        return all;
    }

    /**
     * What recovery gives under a configuration whose node list may differ from the one the journal was written
     * under. The highest epoch, maintenance and a block always apply (an operator must clear a block; a block
     * about a node that is gone names it); a restart of a node no longer configured no longer counts. Everything
     * else is observed afresh anyway.
     *
     * @param configured the nodes of the configuration the manager runs now
     * @return the recovery, with what changed
     * @throws NullPointerException if {@code configured} is null
     */
    public Adjusted toRecovered(Collection<NodeId> configured) {
        Objects.requireNonNull(configured, "configured");
        SortedSet<NodeId> now = new TreeSet<>(configured);
        SortedSet<NodeId> removed = new TreeSet<>(nodes);
        removed.removeAll(now);
        SortedSet<NodeId> added = new TreeSet<>(now);
        added.removeAll(nodes);
        if (nodes.isEmpty() || removed.isEmpty() && added.isEmpty()) {
            // A journal that talks about no node yet cannot tell a new node list from the old one.
            return new Adjusted(toRecovered(), List.of(), List.of(), "");
        }
        List<Instant> kept = new ArrayList<>();
        int dropped = 0;
        for (Restart r : restarts) {
            if (r.node().isPresent() && removed.contains(r.node().get())) {
                dropped++;
            } else {
                kept.add(r.at());
            }
        }
        StringBuilder note = new StringBuilder("the node list changed since the journal was written (it talks about ")
                .append(nodes).append(", the configuration has ").append(now).append(')');
        if (!removed.isEmpty()) {
            note.append(": ").append(removed).append(" no longer configured");
        }
        if (!added.isEmpty()) {
            note.append(removed.isEmpty() ? ": " : ", ").append(added).append(" new");
        }
        note.append("; recovered the highest epoch ").append(highestEpoch);
        if (maintenanceUntil != null) {
            note.append(", maintenance until ").append(maintenanceUntil);
        }
        if (blockedReason != null) {
            note.append(", the block (").append(blockedReason).append(')');
        }
        note.append(" and ").append(kept.size()).append(" restart(s)");
        if (dropped > 0) {
            note.append("; dropped ").append(dropped).append(" restart(s) of node(s) no longer configured");
        }
        note.append("; everything else is observed afresh");
        String blocked = blockedReason == null || removed.isEmpty() ? blockedReason
                : blockedReason + " (recorded before the node list changed: " + removed + " no longer configured)";
        Event.Recovered r = new Event.Recovered(Optional.ofNullable(maintenanceUntil), Optional.ofNullable(blocked),
                kept, highestEpoch, nextCommandId, outstanding());
        return new Adjusted(r, List.copyOf(removed), List.copyOf(added), note.toString());
    }

    /**
     * Recovery under the configuration a manager runs now.
     *
     * @param recovered what the engine is given
     * @param removed nodes the journal talks about that are no longer configured
     * @param added configured nodes the journal does not talk about
     * @param note the sentence for the timeline, empty when the node list did not change
     */
    public record Adjusted(Event.Recovered recovered, List<NodeId> removed, List<NodeId> added, String note) {
        /** @return whether the journal was written under another node list */
        public boolean configurationChanged() {
            return !removed.isEmpty() || !added.isEmpty();
        }
    }

    /**
     * @return this state as a checkpoint
     */
    public Checkpoint toCheckpoint() {
        return new Checkpoint(Checkpoint.FORMAT, seq, Optional.ofNullable(lastAt), entries, highestEpoch,
                nextCommandId, Optional.ofNullable(maintenanceUntil), maintenanceTimerId,
                Optional.ofNullable(blockedReason), restarts, List.copyOf(nodes), List.copyOf(open.values()),
                List.copyOf(doubts.values()));
    }

    @Override
    public String toString() {
        return "RecoveryState[seq=" + seq + ", " + toRecovered() + "]";
    }

    /**
     * The serialised {@link RecoveryState}: what recovery needs from every entry up to {@code seq}, so that a
     * restarted manager reads only what follows it.
     *
     * <p>Immutable and thread-safe.
     *
     * @param format the checkpoint format, {@link #FORMAT}
     * @param seq the last entry folded into it
     * @param at when that entry happened
     * @param entries how many entries were folded
     * @param highestEpoch the highest epoch
     * @param nextCommandId an id above every command id
     * @param maintenanceUntil when maintenance ends, if on
     * @param maintenanceTimerId the id of the timer that ends it
     * @param blockedReason why the cluster is blocked, if it is
     * @param restarts the restarts remembered
     * @param nodes the nodes the run talked about
     * @param outstanding the commands of the current run not answered yet
     * @param doubts starts and promotions an earlier run never saw answered, one per node
     */
    public record Checkpoint(int format, long seq, Optional<Instant> at, long entries, Epoch highestEpoch,
            long nextCommandId, Optional<Instant> maintenanceUntil, long maintenanceTimerId,
            Optional<String> blockedReason, List<Restart> restarts, List<NodeId> nodes, List<Command> outstanding,
            List<Command> doubts) {
        /** The format written today. */
        public static final int FORMAT = 1;

        /**
         * @throws IllegalArgumentException if the format is unknown or a field is missing or negative
         */
        @JsonCreator
        public Checkpoint(@JsonProperty("format") int format, @JsonProperty("seq") long seq,
                @JsonProperty("at") Optional<Instant> at, @JsonProperty("entries") long entries,
                @JsonProperty("highestEpoch") Epoch highestEpoch, @JsonProperty("nextCommandId") long nextCommandId,
                @JsonProperty("maintenanceUntil") Optional<Instant> maintenanceUntil,
                @JsonProperty("maintenanceTimerId") long maintenanceTimerId,
                @JsonProperty("blockedReason") Optional<String> blockedReason,
                @JsonProperty("restarts") List<Restart> restarts, @JsonProperty("nodes") List<NodeId> nodes,
                @JsonProperty("outstanding") List<Command> outstanding, @JsonProperty("doubts") List<Command> doubts) {
            if (format != FORMAT) {
                throw new IllegalArgumentException("checkpoint format " + format + " is unknown: expected " + FORMAT);
            }
            if (seq < 0 || entries < 0 || nextCommandId < 1 || maintenanceTimerId < 0) {
                throw new IllegalArgumentException("checkpoint has a negative seq, entries or id: seq " + seq
                        + ", entries " + entries + ", nextCommandId " + nextCommandId);
            }
            this.format = format;
            this.seq = seq;
            this.at = at == null ? Optional.empty() : at;
            this.entries = entries;
            this.highestEpoch = Objects.requireNonNull(highestEpoch, "highestEpoch");
            this.nextCommandId = nextCommandId;
            this.maintenanceUntil = maintenanceUntil == null ? Optional.empty() : maintenanceUntil;
            this.maintenanceTimerId = maintenanceTimerId;
            this.blockedReason = blockedReason == null ? Optional.empty() : blockedReason;
            this.restarts = List.copyOf(Objects.requireNonNull(restarts, "restarts"));
            this.nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
            // Checkpoints written before these were journaled have neither.
            this.outstanding = outstanding == null ? List.of() : List.copyOf(outstanding);
            this.doubts = doubts == null ? List.of() : List.copyOf(doubts);
            for (Command c : this.doubts) {
                if (!(c instanceof Command.StartService) && !(c instanceof Command.Promote)) {
                    throw new IllegalArgumentException("checkpoint doubt " + c + " is not a start or a promotion");
                }
            }
        }
    }
}
