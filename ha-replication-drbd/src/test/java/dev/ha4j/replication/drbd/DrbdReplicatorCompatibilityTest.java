package dev.ha4j.replication.drbd;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.compat.ReplicatorContract;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The replicator kit against DrbdReplicator over the stand-in drbdadm/drbdsetup (no DRBD kernel here). */
class DrbdReplicatorCompatibilityTest extends ReplicatorContract {
    @TempDir
    Path dir;

    @Override
    protected NodeId node() {
        return StandInReplicatorTest.A;
    }

    @Override
    protected NodeId peer() {
        return StandInReplicatorTest.B;
    }

    @Override
    protected Replicator newReplicator() {
        return StandInReplicatorTest.replicator(DrbdStandIn.create(dir.resolve("ok"), "r0", "alice", "bob"));
    }

    @Override
    protected Replicator newUnreachableReplicator() {
        DrbdStandIn drbd = DrbdStandIn.create(dir.resolve("gone"), "r0", "alice", "bob");
        drbd.unreachable("alice", true);
        return StandInReplicatorTest.replicator(drbd);
    }
}
