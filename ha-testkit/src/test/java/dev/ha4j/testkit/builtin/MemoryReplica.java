package dev.ha4j.testkit.builtin;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory replica pair for kit runs of the composites: roles per node, refuses a stale epoch, and, when
 * unreachable, answers nothing useful. A test double, not a model of any real replication.
 */
final class MemoryReplica implements Replicator {
    private final String name;
    private final boolean reachable;
    private final Map<NodeId, ReplicaRole> roles = new HashMap<>();
    private long highestEpoch = Long.MIN_VALUE;

    MemoryReplica(String name, boolean reachable) {
        this.name = name;
        this.reachable = reachable;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized ReplicaStatus status(NodeId node, Duration timeout) {
        if (!reachable) {
            return ReplicaStatus.unknown(node + " does not answer");
        }
        return new ReplicaStatus(roles.getOrDefault(node, ReplicaRole.SECONDARY), Consistency.UP_TO_DATE, "");
    }

    @Override
    public synchronized OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        if (!reachable) {
            return OpResult.timedOut(node + " does not answer");
        }
        if (epoch.value() < highestEpoch) {
            return OpResult.refused("epoch " + epoch + " is older than e" + highestEpoch);
        }
        highestEpoch = epoch.value();
        roles.put(node, ReplicaRole.PRIMARY);
        return OpResult.ok();
    }

    @Override
    public synchronized OpResult demote(NodeId node, Duration timeout) {
        if (!reachable) {
            return OpResult.timedOut(node + " does not answer");
        }
        roles.put(node, ReplicaRole.SECONDARY);
        return OpResult.ok();
    }

    @Override
    public synchronized OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        return reachable ? OpResult.ok() : OpResult.timedOut(peer + " does not answer");
    }

    @Override
    public String toString() {
        return "MemoryReplica[" + name + "]";
    }
}
