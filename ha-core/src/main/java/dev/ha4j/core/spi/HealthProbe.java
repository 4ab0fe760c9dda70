package dev.ha4j.core.spi;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import java.time.Duration;

/**
 * Checks the health of the service on one node.
 *
 * <p>Implementations must be thread-safe: the runtime may probe several nodes at once from worker threads.
 * A probe must return within {@code timeout} (plus a small scheduling slack) even when the peer accepts a
 * connection and never answers, must return expected failures as a {@link ProbeResult} rather than throw,
 * and must return promptly with an {@link dev.ha4j.core.HealthStatus#UNREACHABLE} or failed verdict when its
 * thread is interrupted.
 */
public interface HealthProbe {
    /**
     * Probes the service on {@code node}.
     *
     * @param node the node whose service to probe
     * @param timeout how long the probe may take in all
     * @return the verdict, never null
     */
    ProbeResult probe(NodeId node, Duration timeout);

    /**
     * The nodes this instance can act on, when it knows them (a probe, control or fencer configured per node);
     * empty when it serves any node. {@code HaRuntime.Builder#build()} refuses a runtime whose cluster has a
     * node that a configured instance does not cover, naming the node, instead of blocking at start.
     *
     * @return the nodes covered, or empty for any
     */
    default java.util.Optional<java.util.Set<dev.ha4j.core.NodeId>> coveredNodes() {
        return java.util.Optional.empty();
    }
}
