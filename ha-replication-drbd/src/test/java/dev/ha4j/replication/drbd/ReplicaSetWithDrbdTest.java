package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home directory on DRBD (stand-in) and a database in one {@link ReplicaSet}: when the database refuses,
 * DRBD is demoted again; when DRBD refuses (exit 17), the database is never touched.
 */
class ReplicaSetWithDrbdTest {
    static final NodeId A = StandInReplicatorTest.A;
    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A database that refuses or accepts, in memory (the PostgreSQL replicator is another module). */
    static final class Database implements Replicator {
        volatile boolean refuse;
        volatile ReplicaRole role = ReplicaRole.SECONDARY;

        @Override
        public String name() {
            return "db";
        }

        @Override
        public ReplicaStatus status(NodeId node, Duration timeout) {
            return new ReplicaStatus(role, Consistency.UP_TO_DATE, "");
        }

        @Override
        public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
            if (refuse) {
                return OpResult.refused("replay lag 3 s");
            }
            role = ReplicaRole.PRIMARY;
            return OpResult.ok();
        }

        @Override
        public OpResult demote(NodeId node, Duration timeout) {
            role = ReplicaRole.SECONDARY;
            return OpResult.ok();
        }

        @Override
        public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
            return OpResult.ok();
        }
    }

    @Test
    void aDatabaseRefusalDemotesDrbdAgain() {
        DrbdStandIn drbd = DrbdStandIn.create(dir, "home", "alice", "bob");
        Database db = new Database();
        db.refuse = true;
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(StandInReplicatorTest.replicator(drbd))
                .replicator(db).build();
        OpResult r = data.promote(A, Epoch.of(1), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).contains("db not promoted", "rolled back drbd:home: OK");
        assertThat(drbd.get("alice", "role")).isEqualTo("Secondary");
        assertThat(drbd.log()).anyMatch(l -> l.equals("alice drbdadm primary home"))
                .anyMatch(l -> l.equals("alice drbdadm secondary home"));
        assertThat(data.status(A, T).role()).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void aDrbdRefusalNeverTouchesTheDatabase() {
        DrbdStandIn drbd = DrbdStandIn.create(dir, "home", "alice", "bob");
        drbd.set("alice", "disk", "Outdated");
        Database db = new Database();
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(StandInReplicatorTest.replicator(drbd))
                .replicator(db).build();
        OpResult r = data.promote(A, Epoch.of(1), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).contains("NOT_UP_TO_DATE");
        assertThat(db.role).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(data.status(A, T).consistency()).isEqualTo(Consistency.OUTDATED);
    }

    @Test
    void aHeldOpenHomeDirectoryMakesTheSetsDemoteFailButTheDatabaseIsStillDemoted() {
        DrbdStandIn drbd = DrbdStandIn.create(dir, "home", "alice", "bob");
        Database db = new Database();
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(StandInReplicatorTest.replicator(drbd))
                .replicator(db).build();
        assertThat(data.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        drbd.holdOpen("alice", true);
        OpResult d = data.demote(A, Epoch.of(1), T);
        assertThat(d.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(d.detail()).contains("held open", "db: OK");
        assertThat(db.role).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(data.status(A, T).role()).as("half primary is never a role").isEqualTo(ReplicaRole.UNKNOWN);
    }
}
