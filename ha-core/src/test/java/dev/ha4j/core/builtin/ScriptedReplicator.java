package dev.ha4j.core.builtin;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** An in-memory replicator whose answers a test scripts, recording every call (a unit-test double). */
public final class ScriptedReplicator implements Replicator {
    final String name;
    public final Map<NodeId, ReplicaRole> roles = new ConcurrentHashMap<>();
    public volatile Consistency consistency = Consistency.UP_TO_DATE;
    public volatile Supplier<OpResult> promoteAnswer;
    public volatile Supplier<OpResult> demoteAnswer;
    public volatile Supplier<ReplicaStatus> statusAnswer;
    public volatile RuntimeException promoteThrows;
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<Duration> timeouts = new CopyOnWriteArrayList<>();
    public volatile long highestEpoch = Long.MIN_VALUE;

    public ScriptedReplicator(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    public ReplicaRole role(NodeId node) {
        return roles.getOrDefault(node, ReplicaRole.SECONDARY);
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        calls.add("status " + node);
        timeouts.add(timeout);
        Supplier<ReplicaStatus> a = statusAnswer;
        return a != null ? a.get() : new ReplicaStatus(role(node), consistency, "");
    }

    @Override
    public synchronized OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        calls.add("promote " + node + " " + epoch);
        timeouts.add(timeout);
        if (promoteThrows != null) {
            throw promoteThrows;
        }
        if (epoch.value() < highestEpoch) {
            return OpResult.refused("stale epoch " + epoch);
        }
        highestEpoch = epoch.value();
        Supplier<OpResult> a = promoteAnswer;
        if (a != null) {
            return a.get();
        }
        roles.put(node, ReplicaRole.PRIMARY);
        return OpResult.ok();
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        calls.add("demote " + node);
        timeouts.add(timeout);
        Supplier<OpResult> a = demoteAnswer;
        if (a != null) {
            return a.get();
        }
        roles.put(node, ReplicaRole.SECONDARY);
        return OpResult.ok();
    }

    @Override
    public OpResult demote(NodeId node, Epoch epoch, Duration timeout) {
        calls.add("demote-with-epoch " + node + " " + epoch);
        return demote(node, timeout);
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        calls.add("outdate " + peer + " " + epoch);
        return OpResult.ok();
    }

    @Override
    public String toString() {
        return "ScriptedReplicator[" + name + "]";
    }
}
