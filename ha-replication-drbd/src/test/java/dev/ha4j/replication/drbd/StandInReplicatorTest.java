package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DrbdReplicator against the scripted stand-in drbdadm/drbdsetup of ha-testkit-drbd (no DRBD kernel). */
class StandInReplicatorTest {
    static final NodeId A = NodeId.of("alice");
    static final NodeId B = NodeId.of("bob");
    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    DrbdStandIn drbd;
    DrbdReplicator r;

    static DrbdReplicator replicator(DrbdStandIn drbd) {
        return DrbdReplicator.builder().resource(drbd.resource())
                .node(A, LocalCommandRunner.withEnvironment(drbd.environment("alice")))
                .node(B, LocalCommandRunner.withEnvironment(drbd.environment("bob"))).build();
    }

    @BeforeEach
    void setUp() {
        drbd = DrbdStandIn.create(dir, "r0", "alice", "bob");
        r = replicator(drbd);
    }

    @Test
    void promoteAndDemoteReadTheStateBack() {
        ReplicaStatus s = r.status(A, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(s.consistency()).isEqualTo(Consistency.UP_TO_DATE);
        DrbdResult p = r.promoteDetailed(A, Epoch.of(1), false, T);
        assertThat(p.isOk()).as(p.toString()).isTrue();
        assertThat(p.state().orElseThrow().isPrimary()).isTrue();
        assertThat(r.status(B, T).detail()).contains("alice Connected/Primary");
        assertThat(r.demote(A, T).isOk()).isTrue();
        assertThat(drbd.get("alice", "role")).isEqualTo("Secondary");
        assertThat(drbd.log()).anyMatch(l -> l.equals("alice drbdadm primary r0"))
                .anyMatch(l -> l.equals("alice drbdsetup events2 --now r0"));
    }

    @Test
    void promotionOfAnOutdatedDiskIsRefusedBeforeAnyCommand() {
        drbd.set("alice", "disk", "Outdated");
        DrbdResult p = r.promoteDetailed(A, Epoch.of(1), false, T);
        assertThat(p.result().outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(p.refusal()).contains(Refusal.NOT_UP_TO_DATE);
        assertThat(drbd.log()).noneMatch(l -> l.contains("primary"));
        assertThat(r.status(A, T).consistency()).isEqualTo(Consistency.OUTDATED);
    }

    @Test
    void exit17IsATypedRefusal() {
        // DRBD's own check, when the replicator's pre-check passes (a Consistent disk whose peer is proven
        // Outdated) but the kernel disagrees: the stand-in refuses while the peer reads UpToDate.
        drbd.set("alice", "disk", "Inconsistent");
        DrbdResult forced = r.promoteDetailed(A, Epoch.of(1), true, T);
        assertThat(forced.isOk()).as("a forced promotion goes through: %s", forced).isTrue();
        assertThat(forced.result().detail()).contains("FORCED by operator");
        r.demote(A, T);
        drbd.partition();
        drbd.set("bob", "disk", "Outdated");
        drbd.set("alice", "disk", "Consistent");
        drbd.set("alice", "conn", "Connected");
        drbd.set("bob", "conn", "Connected");
        drbd.set("bob", "disk", "UpToDate");
        // Consistent with an UpToDate peer: refused by the pre-check; bypass it with a peer that lies Outdated.
        DrbdResult pre = r.promoteDetailed(A, Epoch.of(2), false, T);
        assertThat(pre.refusal()).contains(Refusal.NOT_UP_TO_DATE);
        CommandResult raw = LocalCommandRunner.withEnvironment(drbd.environment("alice"))
                .run(List.of("drbdadm", "primary", "r0"), T);
        assertThat(raw.exitCode()).isEqualTo(17);
        assertThat(raw.stderr()).contains("State change failed: (-2) Need access to UpToDate data");
        assertThat(Refusal.of(raw)).isEqualTo(Refusal.NO_UP_TO_DATE_DISK);
    }

    @Test
    void aPrimaryPeerIsRefusedAndExit11IsTyped() {
        assertThat(r.promote(B, Epoch.of(1), false, T).isOk()).isTrue();
        DrbdResult p = r.promoteDetailed(A, Epoch.of(1), false, T);
        assertThat(p.refusal()).contains(Refusal.PEER_PRIMARY);
        CommandResult raw = LocalCommandRunner.withEnvironment(drbd.environment("alice"))
                .run(List.of("drbdadm", "primary", "r0"), T);
        assertThat(raw.exitCode()).isEqualTo(11);
        assertThat(Refusal.of(raw)).isEqualTo(Refusal.STATE_CHANGE_REFUSED);
        assertThat(raw.describe()).contains("drbdadm primary r0", "exited 11", "Multiple primaries not allowed");
    }

    @Test
    void demoteFailsWhileTheDeviceIsHeldOpen() {
        assertThat(r.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        drbd.holdOpen("alice", true);
        DrbdResult d = r.demoteDetailed(A, T);
        assertThat(d.result().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(d.refusal()).contains(Refusal.DEVICE_HELD_OPEN);
        assertThat(d.result().detail()).contains("Device is held open by someone", "still Primary");
        drbd.holdOpen("alice", false);
        assertThat(r.demote(A, T).isOk()).isTrue();
    }

    @Test
    void aZeroExitWithoutTheModuleIsNotTrusted() {
        assertThat(r.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        drbd.noModule("alice", true);
        CommandResult raw = LocalCommandRunner.withEnvironment(drbd.environment("alice"))
                .run(List.of("drbdadm", "secondary", "r0"), T);
        assertThat(raw.exitCode()).as("drbd-utils without the module").isZero();
        OpResult d = r.demote(A, T);
        assertThat(d.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(d.detail()).contains("not confirmed", "modprobe");
        ReplicaStatus s = r.status(A, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
        DrbdResult p = r.promoteDetailed(A, Epoch.of(2), false, T);
        assertThat(p.isOk()).isFalse();
    }

    @Test
    void staleEpochsAreRefusedOnPromoteAndDemote() {
        assertThat(r.promote(A, Epoch.of(5), false, T).isOk()).isTrue();
        OpResult d = r.demote(A, Epoch.of(4), T);
        assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(d.detail()).contains("STALE_EPOCH");
        assertThat(drbd.get("alice", "role")).isEqualTo("Primary");
        assertThat(r.demote(A, Epoch.of(5), T).isOk()).isTrue();
        DrbdResult p = r.promoteDetailed(B, Epoch.of(3), false, T);
        assertThat(p.refusal()).contains(Refusal.STALE_EPOCH);
        assertThat(drbd.log()).noneMatch(l -> l.startsWith("bob drbdadm primary"));
    }

    @Test
    void splitBrainAfterAPartitionWithBothSidesForcedIsDetectedAndReported() {
        assertThat(r.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        drbd.partition();
        assertThat(r.status(B, T).detail()).contains("Connecting/Unknown");
        DrbdResult forced = r.promoteDetailed(B, Epoch.of(2), true, T);
        assertThat(forced.isOk()).as(forced.toString()).isTrue();
        ReplicaStatus twoPrimaries = r.status(A, T);
        assertThat(twoPrimaries.consistency()).isEqualTo(Consistency.SPLIT_BRAIN);
        assertThat(twoPrimaries.detail()).contains("bob is Primary too");
        drbd.heal();
        assertThat(drbd.splitBrain("alice")).isTrue();
        assertThat(r.status(B, T).detail()).contains("StandAlone");
        OpResult c = r.connect(A, T);
        assertThat(c.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(c.detail()).contains("SPLIT_BRAIN");
        assertThat(r.status(A, T).consistency()).isEqualTo(Consistency.SPLIT_BRAIN);
        r.demote(A, Epoch.of(2), T);
        DrbdResult again = r.promoteDetailed(A, Epoch.of(3), false, T);
        assertThat(again.refusal()).as("reported, not acted on").contains(Refusal.SPLIT_BRAIN);
    }

    @Test
    void theSplitBrainHelperInEvents2IsDetected() {
        drbd.partition();
        r.promote(A, Epoch.of(1), true, T);
        r.promote(B, Epoch.of(2), true, T);
        drbd.heal();
        List<SyncProgress> seen = new CopyOnWriteArrayList<>();
        OpResult w = r.waitUpToDate(B, Duration.ofSeconds(1), seen::add);
        assertThat(w.isOk()).isFalse();
        assertThat(r.status(B, T).consistency()).isEqualTo(Consistency.SPLIT_BRAIN);
    }

    @Test
    void waitUpToDateFollowsSyncProgress() {
        drbd.startSync("bob", 10, 30);
        assertThat(r.status(B, T).consistency()).isEqualTo(Consistency.INCONSISTENT);
        assertThat(r.status(A, T).detail()).contains("SyncSource", "10.00%");
        List<SyncProgress> seen = new CopyOnWriteArrayList<>();
        OpResult w = r.waitUpToDate(B, Duration.ofSeconds(20), seen::add);
        assertThat(w.isOk()).as(w.toString()).isTrue();
        assertThat(seen).extracting(SyncProgress::percent).containsSubsequence(10.0, 40.0, 70.0);
        assertThat(r.status(B, T).consistency()).isEqualTo(Consistency.UP_TO_DATE);
    }

    @Test
    void waitUpToDateTimesOutWithTheLastProgress() {
        drbd.startSync("bob", 5, 0.01);
        OpResult w = r.waitUpToDate(B, Duration.ofMillis(800), p -> { });
        assertThat(w.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(w.detail()).contains("% synced");
    }

    @Test
    void outdatePeerAsResourceFencing() {
        assertThat(r.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        OpResult connected = r.outdatePeer(B, Epoch.of(1), T);
        assertThat(connected.isOk()).as(connected.toString()).isTrue();
        assertThat(connected.detail()).contains("connected and replicating");
        drbd.partition();
        OpResult o = r.outdatePeer(B, Epoch.of(1), T);
        assertThat(o.isOk()).as(o.toString()).isTrue();
        assertThat(drbd.get("bob", "disk")).isEqualTo("Outdated");
        assertThat(r.status(B, T).consistency()).isEqualTo(Consistency.OUTDATED);
        assertThat(r.promoteDetailed(B, Epoch.of(2), false, T).refusal()).contains(Refusal.NOT_UP_TO_DATE);
        drbd.unreachable("bob", true);
        OpResult gone = r.outdatePeer(B, Epoch.of(2), T);
        assertThat(gone.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(gone.detail()).contains("fence it instead");
    }

    @Test
    void outdateOfAPrimaryPeerIsRefused() {
        assertThat(r.promote(B, Epoch.of(1), false, T).isOk()).isTrue();
        drbd.partition();
        OpResult o = r.outdatePeer(B, Epoch.of(1), T);
        assertThat(o.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(o.detail()).contains("PEER_PRIMARY");
    }

    @Test
    void disconnectAndConnectReadBack() {
        assertThat(r.disconnect(A, T).isOk()).isTrue();
        assertThat(r.status(A, T).detail()).contains("StandAlone");
        assertThat(r.connect(A, T).isOk()).isTrue();
        assertThat(r.status(A, T).detail()).contains("bob Connected");
    }

    @Test
    void noQuorumIsRefused() {
        drbd.set("alice", "quorum", "no");
        assertThat(r.promoteDetailed(A, Epoch.of(1), false, T).refusal()).contains(Refusal.NO_QUORUM);
        assertThat(r.status(A, T).detail()).contains("no quorum");
    }

    @Test
    void aHangingNodeIsCutAtTheDeadline() {
        drbd.hang("alice", true);
        long t0 = System.nanoTime();
        ReplicaStatus s = r.status(A, Duration.ofMillis(500));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
        assertThat(s.detail()).contains("timed out");
        assertThat(ms).as("returned near its deadline (timing is noisy on this machine)").isLessThan(5000);
    }

    @Test
    void aResourceThatIsDownIsNotPrimary() {
        drbd.run("alice", "drbdadm", "down", "r0");
        ReplicaStatus s = r.status(A, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(s.consistency()).isEqualTo(Consistency.UNKNOWN);
        assertThat(r.promote(A, Epoch.of(1), false, T).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.demote(A, T).isOk()).isTrue();
    }
}
