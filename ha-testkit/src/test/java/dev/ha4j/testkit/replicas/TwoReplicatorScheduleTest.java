package dev.ha4j.testkit.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.runtime.HaRuntime;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.core.spi.ServiceControl;
import dev.ha4j.testkit.sim.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded schedules against the real {@link HaRuntime} on the testkit's {@link VirtualScheduler} with a data set of
 * two replicators (home directory on DRBD, database), two power feeds on the one fencing level, and faults that
 * make one member refuse to promote, fail to demote or not report, a feed not turn off, the active node lose
 * power, or an operator ask for a switchover.
 *
 * <p>The testkit's {@code RuntimeSimulator} builds its runtime with one {@code SimulatedReplicator} and offers
 * no way to add a second one (nor to wrap the one it has), so this class brings its own small world; see the
 * report of issue 12. The members behave like DRBD without {@code allow-two-primaries}: a promotion is refused
 * while the peer's copy is primary. Checked after every task: the service never runs on a node unless both
 * members are primary there; a promotion that reported OK left both members primary, and one that failed left
 * neither (unless its rollback said which member may still be primary); no member is ever primary on two
 * nodes.
 */
class TwoReplicatorScheduleTest {
    static {
        // 300 runtimes' INFO timelines drown the build log; takes effect when this class runs first in its JVM.
        System.setProperty("org.slf4j.simpleLogger.log.dev.ha4j.core.runtime.HaRuntime", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.dev.ha4j.core.builtin.InMemoryCoordinator", "warn");
    }

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final List<NodeId> NODES = List.of(A, B);

    enum FaultKind { REFUSE_PROMOTE, FAIL_DEMOTE, NO_REPORT, FEED_STUCK, POWER_LOSS, SWITCHOVER }

    /** The simulated world of one run: two nodes, their service, power feeds and the two members. */
    static final class World implements HealthProbe, ServiceControl, RequestRouter {
    /** Serves every node it is asked about: no coverage to check. */
    @Override
    public java.util.Optional<java.util.Set<dev.ha4j.core.NodeId>> coveredNodes() {
        return java.util.Optional.empty();
    }

        final VirtualScheduler clock;
        final Map<NodeId, Boolean> power = new HashMap<>(Map.of(A, true, B, true));
        final Map<NodeId, Boolean> running = new HashMap<>(Map.of(A, false, B, false));
        final List<String> violations = new ArrayList<>();
        Optional<NodeId> route = Optional.empty();
        Member home;
        Member db;

        World(VirtualScheduler clock) {
            this.clock = clock;
        }

        boolean on(NodeId n) {
            return power.get(n);
        }

        void violation(String what) {
            violations.add("+" + Duration.between(T0, clock.now()) + " " + what);
        }

        void check() {
            for (NodeId n : NODES) {
                if (running.get(n) && on(n) && (home.role(n) != ReplicaRole.PRIMARY || db.role(n) != ReplicaRole.PRIMARY)) {
                    violation("service runs on " + n + " with home=" + home.role(n) + " db=" + db.role(n));
                }
            }
            for (Member m : List.of(home, db)) {
                if (m.role(A) == ReplicaRole.PRIMARY && m.role(B) == ReplicaRole.PRIMARY && on(A) && on(B)) {
                    violation(m.name + " is primary on both nodes");
                }
            }
        }

        void powerOff(NodeId n) {
            power.put(n, false);
            running.put(n, false);
            // A node that loses power comes back as Secondary, as DRBD and a restarted database do.
            home.roles.put(n, ReplicaRole.SECONDARY);
            db.roles.put(n, ReplicaRole.SECONDARY);
        }

        private void took(long ms) {
            clock.sleep(Duration.ofMillis(ms));
        }

        @Override
        public ProbeResult probe(NodeId node, Duration timeout) {
            took(20);
            if (!on(node)) {
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host");
            }
            return running.get(node) ? ProbeResult.healthy() : ProbeResult.failed(FailureKind.CRASHED, "refused");
        }

        @Override
        public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
            took(200);
            if (!on(node)) {
                return OpResult.timedOut(node + " is off");
            }
            running.put(node, true);
            return OpResult.ok();
        }

        @Override
        public OpResult stop(NodeId node, Duration timeout) {
            took(100);
            if (!on(node)) {
                return OpResult.timedOut(node + " is off");
            }
            running.put(node, false);
            return OpResult.ok();
        }

        @Override
        public OpResult kill(NodeId node, Duration timeout) {
            return stop(node, timeout);
        }

        @Override
        public RunState state(NodeId node, Duration timeout) {
            took(10);
            return !on(node) ? RunState.UNKNOWN : running.get(node) ? RunState.RUNNING : RunState.STOPPED;
        }

        @Override
        public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
            route = Optional.of(node);
            return OpResult.ok();
        }

        @Override
        public OpResult unroute(NodeId node, Duration timeout) {
            if (route.equals(Optional.of(node))) {
                route = Optional.empty();
            }
            return OpResult.ok();
        }

        @Override
        public Optional<NodeId> currentTarget(Duration timeout) {
            return route;
        }
    }

    /** One member of the data set: per-node roles, DRBD-like refusal while the peer is primary, one-shot faults. */
    static final class Member implements Replicator {
        final String name;
        final World w;
        final Map<NodeId, ReplicaRole> roles = new HashMap<>(Map.of(A, ReplicaRole.SECONDARY, B, ReplicaRole.SECONDARY));
        final Map<NodeId, EnumMap<FaultKind, Boolean>> faults = new HashMap<>();
        long noReportUntil;

        Member(String name, World w) {
            this.name = name;
            this.w = w;
            for (NodeId n : NODES) {
                faults.put(n, new EnumMap<>(FaultKind.class));
            }
        }

        ReplicaRole role(NodeId n) {
            return roles.get(n);
        }

        boolean take(NodeId n, FaultKind k) {
            return Boolean.TRUE.equals(faults.get(n).remove(k));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ReplicaStatus status(NodeId node, Duration timeout) {
            w.took(30);
            if (!w.on(node) || w.clock.now().toEpochMilli() < noReportUntil) {
                return ReplicaStatus.unknown(node + " does not answer");
            }
            return new ReplicaStatus(role(node), Consistency.UP_TO_DATE, "");
        }

        @Override
        public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
            w.took(300);
            if (!w.on(node)) {
                return OpResult.timedOut(node + " is off");
            }
            if (take(node, FaultKind.REFUSE_PROMOTE)) {
                return OpResult.refused("State change failed: (-2) Need access to UpToDate data");
            }
            NodeId peer = node.equals(A) ? B : A;
            if (w.on(peer) && role(peer) == ReplicaRole.PRIMARY) {
                return OpResult.refused("peer " + peer + " is primary");
            }
            roles.put(node, ReplicaRole.PRIMARY);
            return OpResult.ok();
        }

        @Override
        public OpResult demote(NodeId node, Duration timeout) {
            w.took(200);
            if (!w.on(node)) {
                return OpResult.timedOut(node + " is off");
            }
            if (take(node, FaultKind.FAIL_DEMOTE)) {
                return OpResult.failed("device is held open");
            }
            roles.put(node, ReplicaRole.SECONDARY);
            return OpResult.ok();
        }

        @Override
        public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
            w.took(50);
            return OpResult.ok();
        }
    }

    /** One power feed of every node; a stuck feed claims success but reads back ON. */
    static final class Feed implements Fencer {
        final World w;
        final boolean second;
        boolean stuck;

        Feed(World w, boolean second) {
            this.w = w;
            this.second = second;
        }

        @Override
        public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
            w.took(500);
            if (action != FenceAction.OFF) {
                return FenceResult.failed(Outcome.REFUSED, PowerState.UNKNOWN, "only OFF here");
            }
            if (stuck) {
                stuck = false;
                return FenceResult.ok(PowerState.ON, "relay stuck");
            }
            if (second) {
                w.powerOff(node);
            }
            return FenceResult.ok(PowerState.OFF, "off");
        }

        @Override
        public PowerState status(NodeId node, Duration timeout) {
            w.took(50);
            return w.on(node) ? PowerState.ON : PowerState.OFF;
        }
    }

    static ClusterConfig config() {
        return ClusterConfig.custom().name("two-replicas").nodes("a", "b")
                .policy(Policy.custom().fencingLevels(List.of("bmc")).build()).build();
    }

    /** Runs one seeded schedule; returns the violations and the kinds of fault that were applied. */
    static List<String> run(long seed, List<String> applied) {
        Random rnd = new Random(seed);
        VirtualScheduler s = new VirtualScheduler(T0);
        World w = new World(s);
        w.home = new Member("drbd:home", w);
        w.db = new Member("postgres", w);
        Feed feed1 = new Feed(w, false);
        Feed feed2 = new Feed(w, true);
        InMemoryCoordinator coordinator = InMemoryCoordinator.builder().clock(s.clock()).build();
        HaRuntime rt = HaRuntime.builder().config(config()).scheduler(s).probe(w).serviceControl(w).router(w)
                .replicator(w.home).replicator(w.db).fencer("bmc", feed1).fencer("bmc", feed2)
                .coordinator(coordinator).deadlineSlack(Duration.ofSeconds(1)).build();
        List<Command.Promote> promotes = new ArrayList<>();
        rt.events().onCommandFinished(f -> {
            if (f.command() instanceof Command.Promote p) {
                promotes.add(p);
                String result = f.result().toString();
                boolean ok = result.contains("result=OK");
                ReplicaRole h = w.home.role(p.node());
                ReplicaRole d = w.db.role(p.node());
                if (ok && (h != ReplicaRole.PRIMARY || d != ReplicaRole.PRIMARY)) {
                    w.violation("promote of " + p.node() + " reported OK with home=" + h + " db=" + d);
                }
                if (!ok && w.on(p.node()) && !result.contains("MAY STILL BE PRIMARY")
                        && (h == ReplicaRole.PRIMARY || d == ReplicaRole.PRIMARY)) {
                    w.violation("failed promote of " + p.node() + " left home=" + h + " db=" + d + ": " + result);
                }
            }
        });
        int faults = 1 + rnd.nextInt(4);
        long at = 0;
        for (int i = 0; i < faults; i++) {
            at += 60_000 + rnd.nextInt(240_000);
            FaultKind k = FaultKind.values()[rnd.nextInt(FaultKind.values().length)];
            Member m = rnd.nextBoolean() ? w.home : w.db;
            NodeId n = NODES.get(rnd.nextInt(2));
            applied.add("+" + Duration.ofMillis(at) + " " + k + " " + m.name + " " + n);
            s.schedule(T0.plusMillis(at), () -> {
                switch (k) {
                    case REFUSE_PROMOTE, FAIL_DEMOTE -> m.faults.get(n).put(k, true);
                    case NO_REPORT -> m.noReportUntil = s.now().toEpochMilli() + 120_000;
                    case FEED_STUCK -> feed2.stuck = true;
                    case POWER_LOSS -> rt.status().active().map(NodeId::of).ifPresent(w::powerOff);
                    case SWITCHOVER -> rt.status().active().map(NodeId::of)
                            .ifPresent(act -> rt.switchover(act.equals(A) ? B : A));
                }
            });
        }
        rt.start();
        Instant end = T0.plusMillis(at + 600_000);
        while (w.violations.isEmpty() && s.nextAt() != null && !s.nextAt().isAfter(end)) {
            s.runNext();
            w.check();
        }
        rt.close();
        s.shutdown();
        applied.add("ended in " + rt.status().phase() + ", active " + rt.status().active().orElse("none")
                + ", " + promotes.size() + " promotion(s)");
        return w.violations;
    }

    @Test
    void oneMemberFailingNeverLeavesHalfADataSetPrimary() {
        long base = Long.getLong("ha4j.seed", 20261202L);
        for (long seed = base; seed < base + 100; seed++) {
            List<String> applied = new ArrayList<>();
            List<String> v;
            try {
                v = run(seed, applied);
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " (rerun with -Dha4j.seed=" + seed + "): " + applied, ex);
            }
            if (!v.isEmpty()) {
                fail("seed " + seed + " (rerun with -Dha4j.seed=" + seed + "): " + v + "\nschedule: " + applied);
            }
        }
    }

    @Test
    void aRefusedSecondPromotionBlocksTheFailoverWithNeitherPrimary() {
        VirtualScheduler s = new VirtualScheduler(T0);
        List<String> applied = new ArrayList<>();
        // Found by the schedule above's generator: a refusal by the database on the target during a failover.
        assertEquals(List.of(), runScripted(s, applied), () -> "schedule: " + applied);
    }

    private static List<String> runScripted(VirtualScheduler s, List<String> log) {
        World w = new World(s);
        w.home = new Member("drbd:home", w);
        w.db = new Member("postgres", w);
        InMemoryCoordinator coordinator = InMemoryCoordinator.builder().clock(s.clock()).build();
        HaRuntime rt = HaRuntime.builder().config(config()).scheduler(s).probe(w).serviceControl(w).router(w)
                .replicator(w.home).replicator(w.db).fencer("bmc", new Feed(w, false)).fencer("bmc", new Feed(w, true))
                .coordinator(coordinator).deadlineSlack(Duration.ofSeconds(1)).build();
        rt.start();
        s.runUntil(T0.plusSeconds(120));
        if (!rt.status().active().equals(Optional.of("a")) || rt.status().phase() != Phase.RUNNING) {
            return List.of("not running on a: " + rt.status().phase());
        }
        w.db.faults.get(B).put(FaultKind.REFUSE_PROMOTE, true);
        w.powerOff(A);
        while (w.violations.isEmpty() && s.nextAt() != null && !s.nextAt().isAfter(T0.plusSeconds(900))) {
            s.runNext();
            w.check();
        }
        log.add("phase " + rt.status().phase() + ", home on b " + w.home.role(B) + ", db on b " + w.db.role(B));
        List<String> v = new ArrayList<>(w.violations);
        if (w.home.role(B) != ReplicaRole.SECONDARY || w.db.role(B) != ReplicaRole.SECONDARY) {
            v.add("b ended with home=" + w.home.role(B) + " db=" + w.db.role(B));
        }
        if (w.running.get(B)) {
            v.add("the service started on b");
        }
        if (rt.status().phase() != Phase.BLOCKED) {
            v.add("the failover did not block: " + rt.status().phase());
        }
        rt.close();
        s.shutdown();
        return v;
    }
}
