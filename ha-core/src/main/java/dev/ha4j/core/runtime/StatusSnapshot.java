package dev.ha4j.core.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.internal.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A point-in-time view of a runtime for dashboards and ops tools; {@link #toJson()} renders it. It holds no
 * secret: only what the engine knows, which never includes one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cluster the cluster name
 * @param at when the snapshot was taken
 * @param phase the phase
 * @param active the active node
 * @param epoch the lease epoch in force
 * @param roles each node's role, by name
 * @param maintenanceUntil when maintenance ends, if on
 * @param failuresInRow bad probes in a row
 * @param restartsInWindow restarts still counted
 * @param plan the plan in progress, described
 * @param blockedReason why blocked, if blocked
 * @param lastVerdict the last health verdict, described
 * @param lastVerdictAt when it arrived
 * @param lastDecision the reason of the last decision
 * @param decisions how many decisions were made
 */
public record StatusSnapshot(String cluster, Instant at, Phase phase, Optional<String> active, long epoch,
        Map<String, NodeRole> roles, Optional<Instant> maintenanceUntil, int failuresInRow, int restartsInWindow,
        Optional<String> plan, Optional<String> blockedReason, Optional<String> lastVerdict,
        Optional<Instant> lastVerdictAt, String lastDecision, long decisions) {

    static StatusSnapshot of(String cluster, Instant at, ClusterState s, String lastDecision, long decisions) {
        Map<String, NodeRole> roles = new LinkedHashMap<>();
        for (Map.Entry<NodeId, NodeRole> e : s.roles().entrySet()) {
            roles.put(e.getKey().name(), e.getValue());
        }
        Epoch epoch = s.epoch();
        return new StatusSnapshot(cluster, at, s.phase(), s.active().map(NodeId::name), epoch.value(),
                java.util.Collections.unmodifiableMap(roles), s.maintenanceUntil(), s.failuresInRow(), s.restarts().size(),
                s.plan().map(Object::toString), s.blockedReason(), s.lastVerdict().map(Object::toString),
                s.lastVerdictAt(), lastDecision, decisions);
    }

    /** @return the snapshot as a JSON object */
    public String toJson() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status", e);
        }
    }
}
