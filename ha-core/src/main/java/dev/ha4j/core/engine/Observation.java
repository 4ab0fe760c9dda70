package dev.ha4j.core.engine;

import dev.ha4j.core.Lease;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime could observe of the cluster when reconciling: the service on each node, each node's
 * replica (the worst over all replicators), where requests are routed and who holds the lease.
 *
 * <p>Immutable and thread-safe.
 *
 * @param services the service's run state per node; a missing node counts as UNKNOWN
 * @param replicas the replica status per node; a missing node counts as unknown
 * @param routeTarget where requests go, if anywhere (or unknown)
 * @param lease the current lease, if any is known
 */
public record Observation(Map<NodeId, RunState> services, Map<NodeId, ReplicaStatus> replicas,
        Optional<NodeId> routeTarget, Optional<Lease> lease) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Observation {
        services = Map.copyOf(Objects.requireNonNull(services, "services"));
        replicas = Map.copyOf(Objects.requireNonNull(replicas, "replicas"));
        Objects.requireNonNull(routeTarget, "routeTarget");
        Objects.requireNonNull(lease, "lease");
    }

    /**
     * @param node a node
     * @return its service's run state, UNKNOWN when not observed
     */
    public RunState service(NodeId node) {
        return services.getOrDefault(node, RunState.UNKNOWN);
    }

    /**
     * @param node a node
     * @return its replica's status, unknown when not observed
     */
    public ReplicaStatus replica(NodeId node) {
        ReplicaStatus s = replicas.get(node);
        return s == null ? ReplicaStatus.unknown("not observed") : s;
    }
}
