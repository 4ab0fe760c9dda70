package dev.ha4j.core.spi;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaStatus;
import java.time.Duration;

/**
 * Replicates one part of the data set (a file system, a database) between the nodes. The runtime promotes
 * every replicator of a data set or none (promote all, and on any failure demote those already promoted).
 *
 * <p>Implementations must be thread-safe, honour deadlines, return expected failures as results and be
 * idempotent (promoting a primary succeeds).
 */
public interface Replicator {
    /**
     * @return a short name for this replicator in timelines ("drbd:r0", "postgres")
     */
    String name();

    /**
     * Observes the role and consistency of the replica on {@code node}.
     *
     * @param node the node
     * @param timeout the deadline
     * @return the status; UNKNOWN parts when it cannot be told
     */
    ReplicaStatus status(NodeId node, Duration timeout);

    /**
     * Makes the replica on {@code node} writable.
     *
     * @param node the node that holds the lease
     * @param epoch the lease's epoch; an implementation that can check it refuses a stale one
     * @param force promote even when not up to date (an operator's explicit choice, recorded in the journal)
     * @param timeout the deadline
     * @return OK when promoted; REFUSED when not up to date and not forced, or the epoch is stale
     */
    OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout);

    /**
     * Makes the replica on {@code node} read-only again.
     *
     * @param node the node
     * @param timeout the deadline
     * @return OK when demoted or already secondary
     */
    OpResult demote(NodeId node, Duration timeout);

    /**
     * Makes the replica on {@code node} read-only again on behalf of the lease holder of {@code epoch}. The
     * engine demotes with the epoch in force, so that an implementation that records epochs can refuse a
     * demotion (or a late promotion) carrying an older one than it has seen. The default ignores the epoch.
     *
     * @param node the node
     * @param epoch the epoch of the decision that demotes
     * @param timeout the deadline
     * @return OK when demoted or already secondary; REFUSED when the epoch is older than one already seen
     */
    default OpResult demote(NodeId node, Epoch epoch, Duration timeout) {
        return demote(node, timeout);
    }

    /**
     * Resource fencing: marks the replica on {@code peer} as outdated so that it cannot be promoted with stale
     * data (DRBD's {@code outdate-peer}).
     *
     * @param peer the node whose replica to outdate
     * @param epoch the epoch of the lease holder doing it
     * @param timeout the deadline
     * @return OK when the peer is outdated or unreachable-and-fenced as the implementation can tell
     */
    OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout);
}
