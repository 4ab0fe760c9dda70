package dev.ha4j.replication.postgres;

import static dev.ha4j.replication.postgres.Pg.A;
import static dev.ha4j.replication.postgres.Pg.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.Secret;
import dev.ha4j.testkit.postgres.PostgresPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replicator against real PostgreSQL servers (Debian's postgresql package). */
class PostgresReplicatorIT {
    private static final Duration T = Duration.ofSeconds(60);
    private PostgresPair pg;
    private PostgresPair other;
    private PostgresReplicator r;

    @BeforeAll
    static void needsPostgres() {
        Pg.requirePostgres();
    }

    @AfterEach
    void cleanUp() {
        if (r != null) {
            r.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private PostgresPair start(boolean synchronous) throws SQLException, InterruptedException {
        pg = PostgresPair.builder().synchronous(synchronous).start();
        pg.awaitStandbyStreaming(T);
        pg.primary().execute("create table t (id int primary key, pad text)");
        Pg.awaitCaughtUp(pg);
        return pg;
    }

    @Test
    void synchronousStandbyIsUpToDateAndPromotedItTakesWritesAndRecordsTheEpoch() throws Exception {
        start(true);
        r = Pg.replicator(pg);
        Pg.write(pg.primary(), "t", 0, 100);
        ReplicaStatus a = r.status(A, T);
        assertThat(a.role()).isEqualTo(ReplicaRole.PRIMARY);
        ReplicaStatus b = r.status(B, T);
        assertThat(b.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(b.consistency()).as(b.toString()).isEqualTo(Consistency.UP_TO_DATE);
        assertThat(b.detail()).contains("synchronous standby of pg-a");

        pg.primary().stop();
        OpResult p = r.promote(B, Epoch.of(3), false, T);
        assertThat(p.outcome()).as(p.toString()).isEqualTo(Outcome.OK);
        assertThat(r.status(B, T).role()).isEqualTo(ReplicaRole.PRIMARY);
        Pg.write(pg.standby(), "t", 100, 10);
        assertThat(pg.standby().queryLong("select count(*) from t")).isEqualTo(110);
        assertThat(pg.standby().queryLong("select epoch from ha4j_epoch")).isEqualTo(3);
        assertThat(r.promote(B, Epoch.of(3), false, T).outcome()).as("idempotent").isEqualTo(Outcome.OK);
        assertThat(r.promote(B, Epoch.of(2), false, T).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.demote(B, Epoch.of(2), T).outcome()).as("a stale demotion").isEqualTo(Outcome.REFUSED);

        // A replicator that has never seen e3 (a restarted manager) reads it from the database.
        try (PostgresReplicator fresh = Pg.replicator(pg)) {
            OpResult stale = fresh.promote(B, Epoch.of(2), false, T);
            assertThat(stale.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(stale.detail()).contains("records e3");
        }
    }

    @Test
    void laggingStandbyIsRefusedUnlessForcedAndTheForceIsRecorded() throws Exception {
        start(false);
        r = Pg.replicator(pg, c -> c.maximumLagBytes(256 * 1024));
        assertThat(r.status(B, T).consistency()).isEqualTo(Consistency.UP_TO_DATE);
        pg.standby().execute("select pg_wal_replay_pause()");
        Pg.write(pg.primary(), "t", 0, 3000); // about 3 MB of WAL that the standby receives but does not replay
        ReplicaStatus b = r.status(B, T);
        assertThat(b.consistency()).as(b.toString()).isEqualTo(Consistency.OUTDATED);
        assertThat(b.detail()).contains("replay lag").contains("replay paused");
        PostgresNodeStatus seen = r.inspect(B, T);
        assertThat(seen.replayPaused()).isTrue();
        assertThat(seen.receiveLsn()).isGreaterThan(seen.replayLsn());

        OpResult refused = r.promote(B, Epoch.of(1), false, T);
        assertThat(refused.outcome()).as(refused.toString()).isEqualTo(Outcome.REFUSED);
        assertThat(refused.detail()).contains("too far behind");
        assertThat(pg.standby().isPrimary()).as("a refused promotion leaves it a standby").isFalse();

        OpResult forced = r.promote(B, Epoch.of(1), true, T);
        assertThat(forced.outcome()).as(forced.toString()).isEqualTo(Outcome.OK);
        assertThat(forced.detail()).contains("FORCED");
        assertThat(pg.standby().queryString("select forced::text from ha4j_epoch")).contains("true");
    }

    @Test
    void anOldPrimaryRejoinsWithPgRewindAndStreamsFromTheNewOne() throws Exception {
        start(false);
        r = Pg.replicator(pg);
        Pg.write(pg.primary(), "t", 0, 10);
        awaitReplayed();
        // Split on purpose: b is promoted while a still takes a write that b never sees.
        assertThat(r.promote(B, Epoch.of(1), false, T).isOk()).isTrue();
        Pg.write(pg.primary(), "t", 1000, 5);
        Pg.write(pg.standby(), "t", 2000, 7);
        ReplicaStatus stale = r.status(A, T);
        assertThat(stale.role()).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(stale.consistency()).as(stale.toString()).isEqualTo(Consistency.OUTDATED);
        assertThat(stale.detail()).contains("stale primary");

        // Restarted as a standby without a rewind, its diverged timeline cannot stream from b.
        pg.primary().stop();
        pg.makeStandbyOf(pg.primary(), pg.standby());
        pg.primary().start();
        ReplicaStatus diverged = r.status(A, T);
        assertThat(diverged.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(diverged.consistency()).as(diverged.toString()).isEqualTo(Consistency.OUTDATED);
        // Either it does not stream at all, or it streams the old timeline up to the fork for a while.
        assertThat(diverged.detail()).containsAnyOf("not streaming from the primary pg-b", "primary pg-b on 2");

        long started = System.nanoTime();
        OpResult d = r.demote(A, Epoch.of(1), T);
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(d.outcome()).as(d.toString()).isEqualTo(Outcome.OK);
        assertThat(d.detail()).contains("rewound from pg-b");
        System.out.println("FIGURE rejoin with pg_rewind (stop, rewind, start as standby): " + ms + " ms");
        pg.awaitStreaming(pg.standby(), pg.primary(), T);
        assertThat(pg.primary().port()).as("a keeps its own configuration").isEqualTo(pg.primary().port());
        long n = 0;
        for (int i = 0; i < 100 && n != 17; i++) {
            n = pg.primary().queryLong("select count(*) from t");
            Thread.sleep(50);
        }
        assertThat(n).as("b's rows, without a's diverged ones").isEqualTo(17);
        assertThat(pg.primary().queryLong("select count(*) from t where id >= 1000 and id < 2000")).isZero();
        ReplicaStatus a = r.status(A, T);
        assertThat(a.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(a.consistency()).as(a.toString()).isEqualTo(Consistency.UP_TO_DATE);
    }

    @Test
    void anOldPrimaryThatComesBackAfterAFailoverAcceptsNoWrites() throws Exception {
        start(true);
        r = Pg.replicator(pg);
        Pg.write(pg.primary(), "t", 0, 10);
        assertThat(r.status(B, T).isUpToDate()).isTrue();
        pg.primary().kill();
        OpResult out = r.outdatePeer(A, Epoch.of(1), T);
        assertThat(out.outcome()).as(out.toString()).isEqualTo(Outcome.OK);
        assertThat(Files.exists(pg.primary().dataDirectory().resolve("standby.signal"))).isTrue();
        assertThat(r.promote(B, Epoch.of(1), false, T).isOk()).isTrue();

        // Someone (a reboot, an operator) starts the old primary again.
        assertThat(pg.primary().tryStart()).as(pg.primary().tailOfLog()).isTrue();
        assertThat(pg.primary().isPrimary()).isFalse();
        assertThatThrownBy(() -> pg.primary().execute("insert into t values (99, 'split brain')"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        assertThat(r.status(A, T).role()).isEqualTo(ReplicaRole.SECONDARY);

        OpResult d = r.demote(A, Epoch.of(1), T);
        assertThat(d.outcome()).as(d.toString()).isEqualTo(Outcome.OK);
        pg.awaitStreaming(pg.standby(), pg.primary(), T);
    }

    @Test
    void aPrimaryDemotedWithNoOtherPrimaryCanBePromotedAgainWithoutForce() throws Exception {
        start(true);
        r = Pg.replicator(pg);
        Pg.write(pg.primary(), "t", 0, 10);
        // The whole data set is stopped (the engine's stop order ends with demote) and started again.
        OpResult d = r.demote(A, Epoch.of(1), T);
        assertThat(d.outcome()).as(d.toString()).isEqualTo(Outcome.OK);
        assertThat(pg.primary().isPrimary()).isFalse();
        ReplicaStatus a = r.status(A, T);
        assertThat(a.consistency()).as(a.toString()).isEqualTo(Consistency.UP_TO_DATE);
        OpResult p = r.promote(A, Epoch.of(2), false, T);
        assertThat(p.outcome()).as(p.toString()).isEqualTo(Outcome.OK);
        Pg.write(pg.primary(), "t", 10, 10);
        assertThat(pg.primary().queryLong("select count(*) from t")).isEqualTo(20);
    }

    @Test
    void aWrongPasswordIsAClearResultAndNoPasswordLeaks() throws Exception {
        start(true);
        String wrong = "not-the-password-42";
        r = Pg.replicator(pg, c -> c.password(Secret.of(wrong)));
        ReplicaStatus s = r.status(B, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
        assertThat(s.detail()).contains("refused the credentials");
        OpResult p = r.promote(B, Epoch.of(1), false, T);
        assertThat(p.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(pg.standby().isPrimary()).isFalse();
        for (Object o : new Object[] {s, p, r, r.config(), r.demote(B, T), r.outdatePeer(A, Epoch.of(1), T)}) {
            assertThat(o.toString()).doesNotContain(wrong).doesNotContain(pg.password());
        }
    }

    @Test
    void aServerThatIsDownIsUnknownAndCannotBePromoted() throws Exception {
        start(true);
        r = Pg.replicator(pg);
        pg.standby().stop();
        ReplicaStatus s = r.status(B, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
        assertThat(s.consistency()).isEqualTo(Consistency.UNKNOWN);
        assertThat(s.detail()).contains("unreachable");
        assertThat(r.promote(B, Epoch.of(1), false, T).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void aDeadlineTooShortToFinishPromotesNothing() throws Exception {
        start(true);
        r = Pg.replicator(pg);
        assertThat(r.status(B, T).isUpToDate()).isTrue();
        for (Duration tiny : new Duration[] {Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(20)}) {
            long t0 = System.nanoTime();
            OpResult p = r.promote(B, Epoch.of(1), false, tiny);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(tiny.plusSeconds(1));
            assertThat(p.isOk()).as(p.toString()).isFalse();
            assertThat(r.status(B, Duration.ofMillis(1)).role()).isEqualTo(ReplicaRole.UNKNOWN);
        }
        assertThat(pg.standby().isPrimary()).isFalse();
        assertThat(r.status(B, T).role()).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void aHangingConnectionHonoursTheDeadline() throws Exception {
        try (Pg.SilentServer silent = new Pg.SilentServer()) {
            Path dir = Files.createTempDirectory("ha4j-pg-hang");
            try (PostgresReplicator h = PostgresReplicator.builder().config(PostgresReplicationConfig.custom()
                    .node(PostgresNode.builder().id(A).host("127.0.0.1").port(silent.port())
                            .dataDirectory(dir.resolve("a")).build())
                    .node(PostgresNode.builder().id(B).host("127.0.0.1").port(silent.port() == 1 ? 2 : 1)
                            .dataDirectory(dir.resolve("b")).build())
                    .password(Secret.of("x")).build()).build()) {
                Duration deadline = Duration.ofMillis(1500);
                long t0 = System.nanoTime();
                ReplicaStatus s = h.status(A, deadline);
                long statusMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
                assertThat(s.detail()).contains("did not answer in time");
                assertThat(statusMs).isLessThan(deadline.toMillis() + 1000);
                t0 = System.nanoTime();
                OpResult p = h.promote(A, Epoch.of(1), false, deadline);
                long promoteMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                assertThat(p.outcome()).isEqualTo(Outcome.TIMED_OUT);
                assertThat(promoteMs).isLessThan(deadline.toMillis() + 1000);
                assertThat(silent.accepted()).isPositive();
            } finally {
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void aStandbyThatReplicatesFromSomewhereElseIsNotUpToDate() throws Exception {
        start(false);
        other = PostgresPair.builder().start();
        other.awaitStandbyStreaming(T);
        // The replicator believes other's primary is the primary of pg's standby.
        r = PostgresReplicator.builder().config(PostgresReplicationConfig.custom()
                .node(PostgresNode.builder().id(NodeId.of("pg-a")).host("127.0.0.1").port(other.primary().port())
                        .dataDirectory(other.primary().dataDirectory()).build())
                .node(Pg.node(pg, pg.standby()))
                .user(pg.user()).password(Secret.of(pg.password())).mode(ReplicationMode.ASYNCHRONOUS)
                .binDirectory(pg.binDirectory()).build()).build();
        // other's servers have their own password: the primary is unreachable for this replicator.
        ReplicaStatus s = r.status(B, T);
        assertThat(s.consistency()).as(s.toString()).isNotEqualTo(Consistency.UP_TO_DATE);

        other.primary().execute("alter role " + other.user() + " password '" + pg.password() + "'");
        ReplicaStatus s2 = r.status(B, T);
        assertThat(s2.consistency()).as(s2.toString()).isEqualTo(Consistency.OUTDATED);
        assertThat(s2.detail()).contains("replicates from 127.0.0.1:" + pg.primary().port());
        assertThat(r.promote(B, Epoch.of(1), false, T).outcome()).isEqualTo(Outcome.REFUSED);
    }

    private void awaitReplayed() throws Exception {
        for (int i = 0; i < 200; i++) {
            long lag = pg.primary().queryLong("select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)),"
                    + " 0)::bigint from pg_stat_replication");
            if (lag == 0) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
