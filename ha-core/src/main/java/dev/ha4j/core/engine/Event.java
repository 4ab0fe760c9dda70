package dev.ha4j.core.engine;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An input of the {@link FailoverEngine}. Time arrives inside every event ({@link #at()}), so the engine never
 * reads a clock. Results of commands carry the id of the {@link Command} they answer; the engine ignores a
 * result whose command it no longer waits for.
 *
 * <p>All events are immutable records.
 */
public sealed interface Event {
    /** @return when the event happened */
    Instant at();

    /**
     * Dispatches on the event's type; every visitor handles every type, so a new event does not compile until
     * each place that must handle it does.
     *
     * @param visitor the visitor
     * @param <R> what the visitor returns
     * @return what the visitor returned
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per event type, for exhaustive dispatch on Java 17 (no pattern matching in switch).
     *
     * @param <R> what each method returns
     */
    interface Visitor<R> {
        /**
         * Handles a {@link Started}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitStarted(Started e);

        /**
         * Handles a {@link TimerFired}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitTimerFired(TimerFired e);

        /**
         * Handles a {@link ProbeCompleted}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitProbeCompleted(ProbeCompleted e);

        /**
         * Handles a {@link VerdictReported}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitVerdictReported(VerdictReported e);

        /**
         * Handles a {@link ActionCompleted}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitActionCompleted(ActionCompleted e);

        /**
         * Handles a {@link StateObserved}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitStateObserved(StateObserved e);

        /**
         * Handles a {@link FenceCompleted}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitFenceCompleted(FenceCompleted e);

        /**
         * Handles a {@link ReplicaObserved}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitReplicaObserved(ReplicaObserved e);

        /**
         * Handles a {@link LeaseAcquired}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitLeaseAcquired(LeaseAcquired e);

        /**
         * Handles a {@link Observed}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitObserved(Observed e);

        /**
         * Handles a {@link LeaseLost}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitLeaseLost(LeaseLost e);

        /**
         * Handles a {@link SwitchoverRequested}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitSwitchoverRequested(SwitchoverRequested e);

        /**
         * Handles a {@link MaintenanceRequested}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitMaintenanceRequested(MaintenanceRequested e);

        /**
         * Handles a {@link ClearRequested}.
         *
         * @param e the event
         * @return the visitor's answer
         */
        R visitClearRequested(ClearRequested e);
    }

    /** An event that answers a command. */
    sealed interface Result extends Event {
        /** @return the id of the command this answers */
        long commandId();
    }

    /**
     * The manager started (or restarted after a crash): it assumes nothing about the cluster and reconciles
     * from what it observes, except what only its journal can tell: operator maintenance, a block that waits
     * for an operator, the restarts that still count, and the highest epoch seen.
     *
     * @param at when
     * @param recovered what the journal of the previous run says, if there was one
     */
    record Started(Instant at, Optional<Recovered> recovered) implements Event {
        /** @throws NullPointerException if an argument is null */
        public Started {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(recovered, "recovered");
        }

        /**
         * A first start, with no journal to recover from.
         *
         * @param at when
         */
        public Started(Instant at) {
            this(at, Optional.empty());
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStarted(this);
        }
    }

    /**
     * What a restarted manager takes over from its previous run's journal (see
     * {@link Recovered#from(ClusterState)}): everything else it observes afresh.
     *
     * @param maintenanceUntil when operator maintenance ends, if it was on
     * @param blockedReason why the cluster was blocked, if it was
     * @param restarts the restarts decided, for the escalation window
     * @param highestEpoch the highest epoch granted so far
     * @param nextCommandId the id the previous run would have given its next command: a restarted engine
     *     continues from it, so that a late answer to the previous run's command is never taken for the
     *     answer to a new one (0 when unknown)
     * @param outstanding the commands the previous run sent and never saw answered; a start or promotion among
     *     them makes its node one that might be running the service until it is confirmed stopped or fenced
     */
    record Recovered(Optional<Instant> maintenanceUntil, Optional<String> blockedReason, List<Instant> restarts,
            Epoch highestEpoch, long nextCommandId, List<Command> outstanding) {
        /** @throws NullPointerException if an argument is null */
        public Recovered {
            Objects.requireNonNull(maintenanceUntil, "maintenanceUntil");
            Objects.requireNonNull(blockedReason, "blockedReason");
            restarts = List.copyOf(restarts);
            Objects.requireNonNull(highestEpoch, "highestEpoch");
            // Journals of earlier versions carry neither of these.
            outstanding = outstanding == null ? List.of() : List.copyOf(outstanding);
        }

        /**
         * What an earlier version recorded: no command ids, nothing outstanding.
         *
         * @param maintenanceUntil when operator maintenance ends, if it was on
         * @param blockedReason why the cluster was blocked, if it was
         * @param restarts the restarts decided
         * @param highestEpoch the highest epoch granted so far
         */
        public Recovered(Optional<Instant> maintenanceUntil, Optional<String> blockedReason, List<Instant> restarts,
                Epoch highestEpoch) {
            this(maintenanceUntil, blockedReason, restarts, highestEpoch, 0, List.of());
        }

        /**
         * What a manager must remember of {@code last}, the state after the last journaled decision.
         *
         * @param last the state
         * @return what to recover
         */
        public static Recovered from(ClusterState last) {
            List<Command> open = new java.util.ArrayList<>(last.outstanding().size());
            for (Outstanding o : last.outstanding()) {
                open.add(o.command());
            }
            return new Recovered(last.maintenanceUntil(), last.blockedReason(), last.restarts(), last.highestEpoch(),
                    last.nextCommandId(), open);
        }
    }

    /**
     * A timer armed by {@link Command.ArmTimer} fired.
     *
     * @param at when
     * @param commandId the id of the ArmTimer command
     * @param timer which timer
     */
    record TimerFired(Instant at, long commandId, Timer timer) implements Result {
        /** @throws NullPointerException if an argument is null */
        public TimerFired {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(timer, "timer");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitTimerFired(this);
        }
    }

    /**
     * A {@link Command.Probe} finished.
     *
     * @param at when
     * @param commandId the probe command's id
     * @param node the probed node
     * @param result the verdict
     */
    record ProbeCompleted(Instant at, long commandId, NodeId node, ProbeResult result) implements Result {
        /** @throws NullPointerException if an argument is null */
        public ProbeCompleted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitProbeCompleted(this);
        }
    }

    /**
     * A verdict from outside the engine's own probe loop: a router-side path check, a database monitor, an
     * out-of-memory log watcher. It counts like a probe verdict of {@code node} when that node is active.
     *
     * @param at when
     * @param node the node it concerns
     * @param result the verdict
     * @param source who reported it, for the timeline
     */
    record VerdictReported(Instant at, NodeId node, ProbeResult result, String source) implements Event {
        /** @throws NullPointerException if an argument is null */
        public VerdictReported {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(source, "source");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitVerdictReported(this);
        }
    }

    /**
     * A start, stop, kill, promote, demote, outdate, route, unroute or release finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param result how it ended
     */
    record ActionCompleted(Instant at, long commandId, OpResult result) implements Result {
        /** @throws NullPointerException if an argument is null */
        public ActionCompleted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitActionCompleted(this);
        }
    }

    /**
     * A {@link Command.ConfirmStopped} finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param node the node
     * @param state what was observed
     */
    record StateObserved(Instant at, long commandId, NodeId node, RunState state) implements Result {
        /** @throws NullPointerException if an argument is null */
        public StateObserved {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStateObserved(this);
        }
    }

    /**
     * A {@link Command.Fence} finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param node the fenced node
     * @param result the fencing result
     */
    record FenceCompleted(Instant at, long commandId, NodeId node, FenceResult result) implements Result {
        /** @throws NullPointerException if an argument is null */
        public FenceCompleted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFenceCompleted(this);
        }
    }

    /**
     * A {@link Command.CheckReplica} finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param node the node
     * @param status the replica status (the worst over all replicators)
     */
    record ReplicaObserved(Instant at, long commandId, NodeId node, ReplicaStatus status) implements Result {
        /** @throws NullPointerException if an argument is null */
        public ReplicaObserved {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitReplicaObserved(this);
        }
    }

    /**
     * A {@link Command.AcquireLease} finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param result granted or not
     */
    record LeaseAcquired(Instant at, long commandId, LeaseResult result) implements Result {
        /** @throws NullPointerException if an argument is null */
        public LeaseAcquired {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitLeaseAcquired(this);
        }
    }

    /**
     * An {@link Command.Observe} finished.
     *
     * @param at when
     * @param commandId the command's id
     * @param observation what was seen
     */
    record Observed(Instant at, long commandId, Observation observation) implements Result {
        /** @throws NullPointerException if an argument is null */
        public Observed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(observation, "observation");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitObserved(this);
        }
    }

    /**
     * The coordinator says a lease was lost or expired.
     *
     * @param at when
     * @param holder the node that held it
     * @param epoch its epoch
     * @param reason why
     */
    record LeaseLost(Instant at, NodeId holder, Epoch epoch, String reason) implements Event {
        /** @throws NullPointerException if an argument is null */
        public LeaseLost {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(holder, "holder");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitLeaseLost(this);
        }
    }

    /**
     * An operator asks for a planned switchover to {@code target}.
     *
     * @param at when
     * @param target the node to make active
     */
    record SwitchoverRequested(Instant at, NodeId target) implements Event {
        /** @throws NullPointerException if an argument is null */
        public SwitchoverRequested {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(target, "target");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitSwitchoverRequested(this);
        }
    }

    /**
     * An operator switches maintenance on or off. During maintenance nothing is started, stopped or moved.
     *
     * @param at when
     * @param on whether maintenance starts ({@code true}) or ends
     * @param duration how long, at most the policy's maximum; zero means the maximum
     */
    record MaintenanceRequested(Instant at, boolean on, Duration duration) implements Event {
        /**
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code duration} is negative
         */
        public MaintenanceRequested {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("maintenance duration " + duration + " is negative");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitMaintenanceRequested(this);
        }
    }

    /**
     * An operator clears the failure history and any block; optionally allows promoting a replica that is not
     * up to date on one node (recorded in the journal).
     *
     * @param at when
     * @param forcePromote the node whose replica may be promoted although not up to date
     */
    record ClearRequested(Instant at, Optional<NodeId> forcePromote) implements Event {
        /** @throws NullPointerException if an argument is null */
        public ClearRequested {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(forcePromote, "forcePromote");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitClearRequested(this);
        }
    }
}
