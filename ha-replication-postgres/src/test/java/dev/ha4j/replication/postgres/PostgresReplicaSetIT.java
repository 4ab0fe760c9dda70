package dev.ha4j.replication.postgres;

import static dev.ha4j.replication.postgres.Pg.A;
import static dev.ha4j.replication.postgres.Pg.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.testkit.postgres.PostgresPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database and a home directory promoted as one data set: both or neither. */
class PostgresReplicaSetIT {
    private static final Duration T = Duration.ofSeconds(90);
    private PostgresPair pg;
    private PostgresReplicator postgres;
    private DirectoryReplicator home;
    private Path homeRoot;

    @BeforeAll
    static void needsPostgres() {
        Pg.requirePostgres();
    }

    @BeforeEach
    void startPair() throws Exception {
        pg = PostgresPair.builder().synchronous(false).start();
        pg.awaitStandbyStreaming(Duration.ofSeconds(60));
        pg.primary().execute("create table t (id int primary key, pad text)");
        Pg.awaitCaughtUp(pg);
        postgres = Pg.replicator(pg, c -> c.maximumLagBytes(128 * 1024));
        homeRoot = Files.createTempDirectory("ha4j-home");
        home = new DirectoryReplicator(homeRoot);
    }

    @AfterEach
    void stop() throws Exception {
        postgres.close();
        pg.close();
        try (Stream<Path> s = Files.walk(homeRoot)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theHomeDirectoryRefusesSoTheDatabaseIsRolledBackToAStandby() throws Exception {
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(postgres).replicator(home).build();
        home.refuseOn(B);
        OpResult r = data.promote(B, Epoch.of(1), false, T);
        assertThat(r.isOk()).as(r.toString()).isFalse();
        assertThat(r.detail()).contains("home-dir");
        assertThat(home.role(B)).isEqualTo(ReplicaRole.SECONDARY);
        ReplicaStatus db = postgres.status(B, T);
        assertThat(db.role()).as(db.toString()).isEqualTo(ReplicaRole.SECONDARY);
        pg.awaitStreaming(pg.primary(), pg.standby(), Duration.ofSeconds(60));
        assertThat(postgres.status(B, T).consistency()).isEqualTo(Consistency.UP_TO_DATE);
        assertThat(pg.primary().isPrimary()).isTrue();
        Pg.write(pg.primary(), "t", 0, 5); // the old primary still serves, as before
    }

    @Test
    void theDatabaseRefusesALaggingStandbySoTheHomeDirectoryIsRolledBack() throws Exception {
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(home).replicator(postgres).build();
        pg.standby().execute("select pg_wal_replay_pause()");
        Pg.write(pg.primary(), "t", 0, 2000);
        OpResult r = data.promote(B, Epoch.of(1), false, T);
        assertThat(r.isOk()).as(r.toString()).isFalse();
        assertThat(r.detail()).contains("too far behind");
        assertThat(home.role(B)).as("rolled back").isEqualTo(ReplicaRole.SECONDARY);
        assertThat(pg.standby().isPrimary()).isFalse();
        assertThat(data.status(B, T).role()).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void bothUpToDateBothPromoted() throws Exception {
        ReplicaSet data = ReplicaSet.builder().name("data").replicator(postgres).replicator(home).build();
        assertThat(data.status(B, T).isUpToDate()).isTrue(); // the manager's last check before the failure
        pg.primary().stop();
        OpResult r = data.promote(B, Epoch.of(1), false, T);
        assertThat(r.isOk()).as(r.toString()).isTrue();
        assertThat(data.status(B, T).role()).isEqualTo(ReplicaRole.PRIMARY);
        Pg.write(pg.standby(), "t", 0, 5);
    }
}
