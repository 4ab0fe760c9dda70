package dev.ha4j.core.engine;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An output of the {@link FailoverEngine}: something the runtime must do through an SPI, with a deadline.
 * Each command has an id unique within one engine's run; the runtime answers every command except
 * {@link Notify} with an {@link Event.Result} carrying that id.
 *
 * <p>All commands are immutable records.
 */
public sealed interface Command {
    /** @return the command's id */
    long id();

    /**
     * Whether this command changes what runs where (start, stop, kill, fence, promote, demote, outdate, route,
     * unroute). None of these may be issued during maintenance.
     *
     * @return true for commands that act on the cluster
     */
    default boolean acts() {
        return false;
    }

    /**
     * Dispatches on the command's type; every visitor handles every type, so a new command does not compile
     * until each place that must handle it does.
     *
     * @param visitor the visitor
     * @param <R> what the visitor returns
     * @return what the visitor returned
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per command type, for exhaustive dispatch on Java 17 (no pattern matching in switch).
     *
     * @param <R> what each method returns
     */
    interface Visitor<R> {
        /**
         * Handles a {@link ArmTimer}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitArmTimer(ArmTimer c);

        /**
         * Handles a {@link Probe}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitProbe(Probe c);

        /**
         * Handles a {@link Observe}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitObserve(Observe c);

        /**
         * Handles a {@link StartService}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitStartService(StartService c);

        /**
         * Handles a {@link StopService}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitStopService(StopService c);

        /**
         * Handles a {@link KillService}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitKillService(KillService c);

        /**
         * Handles a {@link ConfirmStopped}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitConfirmStopped(ConfirmStopped c);

        /**
         * Handles a {@link Fence}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitFence(Fence c);

        /**
         * Handles a {@link AcquireLease}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitAcquireLease(AcquireLease c);

        /**
         * Handles a {@link ReleaseLease}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitReleaseLease(ReleaseLease c);

        /**
         * Handles a {@link CheckReplica}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitCheckReplica(CheckReplica c);

        /**
         * Handles a {@link Promote}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitPromote(Promote c);

        /**
         * Handles a {@link Demote}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitDemote(Demote c);

        /**
         * Handles a {@link OutdatePeer}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitOutdatePeer(OutdatePeer c);

        /**
         * Handles a {@link Route}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitRoute(Route c);

        /**
         * Handles a {@link Unroute}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitUnroute(Unroute c);

        /**
         * Handles a {@link Notify}.
         *
         * @param c the command
         * @return the visitor's answer
         */
        R visitNotify(Notify c);
    }

    /**
     * Fire {@link Event.TimerFired} at {@code at}; replaces an earlier timer of the same kind.
     *
     * @param id the command id
     * @param timer which timer
     * @param at when to fire
     */
    record ArmTimer(long id, Timer timer, Instant at) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitArmTimer(this);
        }

        /** @throws NullPointerException if an argument is null */
        public ArmTimer {
            Objects.requireNonNull(timer, "timer");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Probe the service on {@code node}; answered by {@link Event.ProbeCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record Probe(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitProbe(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Probe {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Observe everything (service per node, replicas, route, lease); answered by {@link Event.Observed}.
     *
     * @param id the command id
     * @param timeout the deadline
     */
    record Observe(long id, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitObserve(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Observe {
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Start the service; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param epoch the lease epoch
     * @param timeout the deadline
     */
    record StartService(long id, NodeId node, Epoch epoch, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStartService(this);
        }

        /** @throws NullPointerException if an argument is null */
        public StartService {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Stop the service gracefully; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the graceful-stop timeout
     */
    record StopService(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitStopService(this);
        }

        /** @throws NullPointerException if an argument is null */
        public StopService {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Kill the service's process tree; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record KillService(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitKillService(this);
        }

        /** @throws NullPointerException if an argument is null */
        public KillService {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Observe whether the service is gone; answered by {@link Event.StateObserved}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record ConfirmStopped(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitConfirmStopped(this);
        }

        /** @throws NullPointerException if an argument is null */
        public ConfirmStopped {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Fence {@code node} off with the devices of fencing level {@code level}; answered by
     * {@link Event.FenceCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param level the fencing level's name
     * @param timeout the deadline, verification included
     */
    record Fence(long id, NodeId node, String level, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitFence(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Fence {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Acquire the lease for {@code node}; answered by {@link Event.LeaseAcquired}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record AcquireLease(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitAcquireLease(this);
        }

        /** @throws NullPointerException if an argument is null */
        public AcquireLease {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Release a lease; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param lease the lease
     * @param timeout the deadline
     */
    record ReleaseLease(long id, Lease lease, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitReleaseLease(this);
        }

        /** @throws NullPointerException if an argument is null */
        public ReleaseLease {
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Observe the replica on {@code node}; answered by {@link Event.ReplicaObserved}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record CheckReplica(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCheckReplica(this);
        }

        /** @throws NullPointerException if an argument is null */
        public CheckReplica {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * Promote every replicator of the data set on {@code node}, or none; answered by
     * {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param epoch the lease epoch
     * @param force whether an operator forced a replica that is not up to date
     * @param timeout the deadline
     */
    record Promote(long id, NodeId node, Epoch epoch, boolean force, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitPromote(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Promote {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Demote the replicas on {@code node}; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param epoch the epoch of the decision that demotes (the highest seen); a replicator that records epochs
     *     refuses a later, orphaned promotion carrying an older one
     * @param timeout the deadline
     */
    record Demote(long id, NodeId node, Epoch epoch, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitDemote(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Demote {
            Objects.requireNonNull(node, "node");
            // Journals written before the epoch was part of a demotion have none: read them as Epoch.NONE.
            epoch = epoch == null ? Epoch.NONE : epoch;
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Resource fencing: outdate the replicas on {@code peer}; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param peer the node whose replicas to outdate
     * @param epoch the lease epoch
     * @param timeout the deadline
     */
    record OutdatePeer(long id, NodeId peer, Epoch epoch, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitOutdatePeer(this);
        }

        /** @throws NullPointerException if an argument is null */
        public OutdatePeer {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Route requests to {@code node}; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param epoch the lease epoch
     * @param timeout the deadline
     */
    record Route(long id, NodeId node, Epoch epoch, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitRoute(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Route {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Stop routing requests to {@code node}; answered by {@link Event.ActionCompleted}.
     *
     * @param id the command id
     * @param node the node
     * @param timeout the deadline
     */
    record Unroute(long id, NodeId node, Duration timeout) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitUnroute(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Unroute {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public boolean acts() {
            return true;
        }
    }

    /**
     * Tell the operator; not answered.
     *
     * @param id the command id
     * @param notification what to tell
     */
    record Notify(long id, Notification notification) implements Command {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitNotify(this);
        }

        /** @throws NullPointerException if an argument is null */
        public Notify {
            Objects.requireNonNull(notification, "notification");
        }
    }
}
