package dev.ha4j.core.runtime;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.core.spi.ServiceControl;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** In-memory infrastructure for runtime tests (a unit test of the shell, not of any real peer). */
class FakeInfra implements HealthProbe, ServiceControl, Fencer, RequestRouter {
    /** Serves every node it is asked about: no coverage to check. */
    @Override
    public java.util.Optional<java.util.Set<dev.ha4j.core.NodeId>> coveredNodes() {
        return java.util.Optional.empty();
    }

    final Replicator replicator = new Replicator() {
    @Override
        public String name() {
            return "fake";
        }

        @Override
        public ReplicaStatus status(NodeId node, Duration timeout) {
            return new ReplicaStatus(roles.getOrDefault(node, ReplicaRole.SECONDARY), Consistency.UP_TO_DATE, "");
        }

        @Override
        public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
            roles.put(node, ReplicaRole.PRIMARY);
            return OpResult.ok();
        }

        @Override
        public OpResult demote(NodeId node, Duration timeout) {
            roles.put(node, ReplicaRole.SECONDARY);
            return OpResult.ok();
        }

        @Override
        public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
            return OpResult.ok();
        }

    };

    final Map<NodeId, Boolean> running = new ConcurrentHashMap<>();
    final Map<NodeId, Boolean> power = new ConcurrentHashMap<>();
    final Map<NodeId, ReplicaRole> roles = new ConcurrentHashMap<>();
    final AtomicReference<Optional<NodeId>> route = new AtomicReference<>(Optional.empty());
    final Secret bmcPassword;
    volatile boolean probeHangs;
    volatile boolean probeThrows;
    volatile boolean probeWasInterrupted;

    FakeInfra(Secret bmcPassword) {
        this.bmcPassword = bmcPassword;
    }

    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        if (probeThrows) {
            throw new IllegalStateException("bug in probe");
        }
        if (probeHangs) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                probeWasInterrupted = true;
                return ProbeResult.failed(FailureKind.HUNG, "interrupted");
            }
        }
        if (!power.getOrDefault(node, true)) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route");
        }
        return running.getOrDefault(node, false) ? ProbeResult.healthy()
                : ProbeResult.failed(FailureKind.CRASHED, "connection refused");
    }

    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        running.put(node, true);
        return OpResult.ok();
    }

    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        running.put(node, false);
        return OpResult.ok();
    }

    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        running.put(node, false);
        return OpResult.ok();
    }

    @Override
    public RunState state(NodeId node, Duration timeout) {
        return running.getOrDefault(node, false) && power.getOrDefault(node, true) ? RunState.RUNNING : RunState.STOPPED;
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        power.put(node, action != FenceAction.OFF);
        running.put(node, false);
        return FenceResult.ok(action == FenceAction.OFF ? PowerState.OFF : PowerState.ON, "verified");
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        return power.getOrDefault(node, true) ? PowerState.ON : PowerState.OFF;
    }

    @Override
    public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        route.set(Optional.of(node));
        return OpResult.ok();
    }

    @Override
    public OpResult unroute(NodeId node, Duration timeout) {
        route.compareAndSet(Optional.of(node), Optional.empty());
        return OpResult.ok();
    }

    @Override
    public Optional<NodeId> currentTarget(Duration timeout) {
        return route.get();
    }

    @Override
    public String toString() {
        return "FakeInfra{bmc password=" + bmcPassword + "}";
    }
}
