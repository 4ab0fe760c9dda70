package dev.ha4j.replication.drbd;

import dev.ha4j.core.NodeId;
import java.util.Objects;

/**
 * One progress report while a resource resynchronises, for {@link DrbdReplicator#waitUpToDate}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param node the node whose state was read
 * @param percent the lowest resync progress of any peer volume, 0 to 100
 * @param detail the state's summary
 */
public record SyncProgress(NodeId node, double percent, String detail) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public SyncProgress {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(detail, "detail");
    }
}
