package dev.ha4j.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message for the operator: every failover, block and fence produces one (invariant 8 of {@code docs/design.md}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param at when the engine decided it
 * @param kind what happened
 * @param node the node concerned, if one
 * @param epoch the epoch in force
 * @param message a readable sentence with the reason
 */
public record Notification(Instant at, Kind kind, Optional<NodeId> node, Epoch epoch, String message) {
    /** What a notification is about. */
    public enum Kind {
        /** A failover started. */
        FAILOVER_STARTED,
        /** A failover completed: the new active is healthy and routed. */
        FAILOVER_COMPLETED,
        /** A planned switchover started. */
        SWITCHOVER_STARTED,
        /** A planned switchover completed. */
        SWITCHOVER_COMPLETED,
        /** A switchover request was refused. */
        SWITCHOVER_REFUSED,
        /** The service was restarted in place. */
        RESTARTED,
        /** A node was fenced and verified off. */
        FENCED,
        /** A fencing level failed. */
        FENCE_FAILED,
        /** The cluster is blocked and waits for an operator. */
        BLOCKED,
        /** The service was started and routed for the first time by this manager. */
        SERVICE_STARTED,
        /** Maintenance mode was switched on or off, or ran out. */
        MAINTENANCE,
        /** The coordinator's lease was lost. */
        LEASE_LOST,
        /** Failure history or a block was cleared by an operator. */
        CLEARED,
        /**
         * The service might be running, or a replica might be primary, on a node that is not the active one (a
         * start answered after its plan was abandoned, a service seen on a standby): a finding, secured at once.
         */
        STRAY_SERVICE,
        /** A standby cannot take over (unreachable, its replica not up to date): it is never a failover target. */
        STANDBY_UNHEALTHY,
        /** A standby that could not take over can again. */
        STANDBY_HEALTHY
    }

    /**
     * @throws NullPointerException if an argument is null
     */
    public Notification {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return kind + node.map(n -> " " + n).orElse("") + " " + epoch + ": " + message;
    }
}
