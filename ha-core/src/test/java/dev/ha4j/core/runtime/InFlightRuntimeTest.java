package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reported two-writer runs (issue 8, S1 and S2) through the real {@link HaRuntime} with SPIs that keep
 * their contracts but take time: a start that takes 2 s of its 3 s deadline, a replica status that is slow on
 * the node that is starting (so the runtime delivers a partial observation), an operator toggling maintenance
 * or the coordinator revoking the lease while the start runs, a coordinator whose listener reports a loss
 * before the grant returns. The world keeps a record of every moment two nodes ran the service at once.
 */
class InFlightRuntimeTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    HaRuntime runtime;
    final List<String> twoWriters = new CopyOnWriteArrayList<>();

    /** The service on each node, the replicas, and a slow start on b once armed. */
    final class SlowWorld extends FakeInfra {
        final ConcurrentHashMap<NodeId, ReplicaRole> replicaRoles = new ConcurrentHashMap<>();
        volatile boolean slowStartOnB;
        volatile boolean bStarting;
        final CountDownLatch bStartBegun = new CountDownLatch(1);

        SlowWorld() {
            super(Secret.of("unused-password"));
        }

        @Override
        public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
            if (node.equals(B) && slowStartOnB) {
                bStarting = true;
                bStartBegun.countDown();
                sleep(Duration.ofSeconds(2));
                bStarting = false;
            }
            running.put(node, true);
            if (running.getOrDefault(A, false) && running.getOrDefault(B, false)) {
                twoWriters.add("both run after start(" + node + ") under " + epoch);
            }
            return OpResult.ok();
        }

        final Replicator data = new Replicator() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public ReplicaStatus status(NodeId node, Duration timeout) {
                if (node.equals(B) && bStarting) {
                    // Slower than the observation's deadline while b starts: the runtime gives up on it.
                    sleep(timeout.plusSeconds(2));
                }
                return new ReplicaStatus(replicaRoles.getOrDefault(node, ReplicaRole.SECONDARY),
                        Consistency.UP_TO_DATE, "");
            }

            @Override
            public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
                replicaRoles.put(node, ReplicaRole.PRIMARY);
                return OpResult.ok();
            }

            @Override
            public OpResult demote(NodeId node, Duration timeout) {
                replicaRoles.put(node, ReplicaRole.SECONDARY);
                return OpResult.ok();
            }

            @Override
            public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
                return OpResult.ok();
            }
        };
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ClusterConfig config() {
        return ClusterConfig.custom().name("inflight").nodes("a", "b").policy(Policy.custom()
                .probeInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofMillis(80))
                .firstProbeTimeout(Duration.ofMillis(80)).startupGrace(Duration.ofSeconds(5))
                .startTimeout(Duration.ofSeconds(3)).replicaTimeout(Duration.ofMillis(500))
                .confirmTimeout(Duration.ofMillis(500)).leaseTimeout(Duration.ofMillis(500))
                .routeTimeout(Duration.ofMillis(500)).stopTimeout(Duration.ofSeconds(1))
                .killTimeout(Duration.ofMillis(500)).fenceTimeout(Duration.ofSeconds(1))
                .restarts(1, Duration.ofMinutes(10)).failuresBeforeAction(1)
                .fencingLevels(List.of("bmc")).build()).build();
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** a runs, crashes once (restart), crashes again: the failover to b starts b slowly. */
    private SlowWorld failoverToASlowB(Coordinator coordinator) throws InterruptedException {
        SlowWorld w = new SlowWorld();
        w.running.put(A, true);
        runtime = HaRuntime.builder().config(config()).probe(w).serviceControl(w).fencer("bmc", w)
                .replicator(w.data).router(w).coordinator(coordinator).deadlineSlack(Duration.ofMillis(200))
                .build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        List<RuntimeEvent.CommandFinished> starts = new CopyOnWriteArrayList<>();
        runtime.events().onCommandFinished(f -> {
            if (f.command() instanceof Command.StartService) {
                starts.add(f);
            }
        });
        w.running.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !starts.isEmpty()
                && runtime.status().phase() == Phase.RUNNING && w.running.getOrDefault(A, false));
        w.slowStartOnB = true;
        w.running.put(A, false);
        assertThat(w.bStartBegun.await(10, TimeUnit.SECONDS)).as("b's start began").isTrue();
        return w;
    }

    private void settle(SlowWorld w) {
        // Long enough for b's start to answer, for everything that follows it, and for a second writer to show.
        sleep(Duration.ofSeconds(6));
        assertThat(twoWriters).as("moments when a and b both ran the service").isEmpty();
        assertThat(w.running.getOrDefault(A, false) && w.running.getOrDefault(B, false)).isFalse();
    }

    @Test
    void maintenanceOnAndOffWhileAStartIsSlowGivesNoSecondWriter() throws Exception {
        SlowWorld w = failoverToASlowB(InMemoryCoordinator.builder().build());
        runtime.maintenance(true, Duration.ZERO);
        runtime.maintenance(false, Duration.ZERO);
        settle(w);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
    }

    @Test
    void aLeaseRevokedWhileAStartIsSlowGivesNoSecondWriter() throws Exception {
        InMemoryCoordinator coordinator = InMemoryCoordinator.builder().build();
        SlowWorld w = failoverToASlowB(coordinator);
        coordinator.revoke("operator revoked the lease");
        settle(w);
    }

    @Test
    void aLeaseReportedLostBeforeItsGrantReturnsIsNeverUsed() {
        SlowWorld w = new SlowWorld();
        InMemoryCoordinator inner = InMemoryCoordinator.builder().build();
        List<Coordinator.LeaseListener> listeners = new CopyOnWriteArrayList<>();
        Coordinator dropsRightAfterTheFirstGrant = new Coordinator() {
            boolean dropped;

            @Override
            public synchronized LeaseResult acquire(NodeId node, Duration timeout) {
                LeaseResult r = inner.acquire(node, timeout);
                if (!dropped && r.isGranted()) {
                    dropped = true;
                    Lease l = r.lease().orElseThrow();
                    inner.release(l, timeout);
                    // The session drops right after the grant; the listener fires before acquire returns.
                    listeners.forEach(x -> x.leaseLost(l.holder(), l.epoch(), "session expired"));
                }
                return r;
            }

            @Override
            public OpResult release(Lease lease, Duration timeout) {
                return inner.release(lease, timeout);
            }

            @Override
            public Optional<Lease> current(Duration timeout) {
                return inner.current(timeout);
            }

            @Override
            public void addListener(LeaseListener listener) {
                listeners.add(listener);
            }
        };
        List<Command> acts = new CopyOnWriteArrayList<>();
        runtime = HaRuntime.builder().config(config()).probe(w).serviceControl(w).fencer("bmc", w)
                .replicator(w.data).router(w).coordinator(dropsRightAfterTheFirstGrant)
                .deadlineSlack(Duration.ofMillis(200)).build();
        runtime.events().onCommandFinished(f -> {
            if (f.command().acts()) {
                acts.add(f.command());
            }
        });
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        assertThat(acts).filteredOn(c -> c instanceof Command.Promote p && p.epoch().equals(Epoch.of(1))
                || c instanceof Command.StartService s && s.epoch().equals(Epoch.of(1))
                || c instanceof Command.Route r && r.epoch().equals(Epoch.of(1))).isEmpty();
        assertThat(runtime.status().epoch()).isEqualTo(2);
        assertThat(inner.current(Duration.ofSeconds(1)).map(Lease::epoch)).contains(Epoch.of(2));
    }
}
