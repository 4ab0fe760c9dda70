package dev.ha4j.replication.drbd;

import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.compat.ReplicatorContract;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The replicator kit against a ReplicaSet of two DRBD resources (home and data) over the stand-in. */
class ReplicaSetWithDrbdCompatibilityTest extends ReplicatorContract {
    @TempDir
    Path dir;

    @Override
    protected dev.ha4j.core.NodeId node() {
        return StandInReplicatorTest.A;
    }

    @Override
    protected dev.ha4j.core.NodeId peer() {
        return StandInReplicatorTest.B;
    }

    private Replicator set(String name, boolean reachable) {
        DrbdStandIn home = DrbdStandIn.create(dir.resolve(name + "-home"), "home", "alice", "bob");
        DrbdStandIn db = DrbdStandIn.create(dir.resolve(name + "-db"), "db", "alice", "bob");
        if (!reachable) {
            db.unreachable("alice", true);
        }
        return ReplicaSet.builder().name("data").replicator(StandInReplicatorTest.replicator(home))
                .replicator(StandInReplicatorTest.replicator(db)).build();
    }

    @Override
    protected Replicator newReplicator() {
        return set("ok", true);
    }

    @Override
    protected Replicator newUnreachableReplicator() {
        return set("gone", false);
    }
}
