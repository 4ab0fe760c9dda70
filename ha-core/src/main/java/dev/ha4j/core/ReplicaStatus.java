package dev.ha4j.core;

import java.util.Objects;

/**
 * A replica's role and consistency as a {@link dev.ha4j.core.spi.Replicator} observed them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param role the role
 * @param consistency the consistency
 * @param detail what was seen, for the timeline
 */
public record ReplicaStatus(ReplicaRole role, Consistency consistency, String detail) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public ReplicaStatus {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * @param detail why it is unknown
     * @return a status of unknown role and consistency
     */
    public static ReplicaStatus unknown(String detail) {
        return new ReplicaStatus(ReplicaRole.UNKNOWN, Consistency.UNKNOWN, detail);
    }

    /** @return whether the replica may be promoted without force */
    public boolean isUpToDate() {
        return consistency == Consistency.UP_TO_DATE;
    }

    @Override
    public String toString() {
        return role + "/" + consistency + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
