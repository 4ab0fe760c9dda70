package dev.ha4j.core.spi;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends client requests to the active node: a virtual IP, a load balancer pool, a DNS record.
 *
 * <p>Implementations must be thread-safe, honour deadlines, return expected failures as results and be
 * idempotent.
 */
public interface RequestRouter {
    /**
     * Routes requests to {@code node}, away from any other node.
     *
     * @param node the new active node
     * @param epoch the lease epoch; a router that can check it refuses a stale one
     * @param timeout the deadline
     * @return OK when requests now reach {@code node}
     */
    OpResult route(NodeId node, Epoch epoch, Duration timeout);

    /**
     * Stops routing requests to {@code node}; nothing is routed afterwards.
     *
     * @param node the node to take out
     * @param timeout the deadline
     * @return OK when no request reaches {@code node} through this router any more
     */
    OpResult unroute(NodeId node, Duration timeout);

    /**
     * @param timeout the deadline
     * @return the node requests go to now, or empty when none (or unknown: then a failed observation is
     *     reported as an exception-free empty result and the engine treats it as unknown)
     */
    Optional<NodeId> currentTarget(Duration timeout);
}
