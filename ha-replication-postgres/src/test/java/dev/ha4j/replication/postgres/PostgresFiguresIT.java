package dev.ha4j.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.testkit.postgres.PostgresPair;
import dev.ha4j.testkit.postgres.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repeated failovers back and forth on one synchronous pair, the way the engine drives them (status, SIGKILL the
 * primary, outdate it, promote the standby, write, rejoin the old primary with pg_rewind), timing promote and
 * rejoin. One cycle each way by default; more with {@code -Dha4j.pg.cycles=N}. Prints the figures of the README.
 */
class PostgresFiguresIT {
    private static final Duration T = Duration.ofSeconds(90);

    @BeforeAll
    static void needsPostgres() {
        Pg.requirePostgres();
    }

    @Test
    void failoverBackAndForthWithRewind() throws Exception {
        int cycles = Integer.getInteger("ha4j.pg.cycles", 2);
        List<Long> promote = new ArrayList<>();
        List<Long> rejoin = new ArrayList<>();
        try (PostgresPair pg = PostgresPair.builder().synchronous(true).start();
                PostgresReplicator r = Pg.replicator(pg)) {
            pg.awaitStandbyStreaming(T);
            pg.primary().execute("create table t (id int primary key, pad text)");
            PostgresServer primary = pg.primary();
            PostgresServer standby = pg.standby();
            int row = 0;
            for (int i = 1; i <= cycles; i++) {
                NodeId p = NodeId.of(primary.name());
                NodeId s = NodeId.of(standby.name());
                Pg.write(primary, "t", row, 100);
                row += 100;
                assertThat(r.status(s, T).isUpToDate()).as("cycle " + i).isTrue();
                primary.kill();
                assertThat(r.outdatePeer(p, Epoch.of(i), T).isOk()).isTrue();
                long t0 = System.nanoTime();
                OpResult pr = r.promote(s, Epoch.of(i), false, T);
                promote.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
                assertThat(pr.isOk()).as(pr.toString()).isTrue();
                Pg.write(standby, "t", row, 100);
                row += 100;
                t0 = System.nanoTime();
                OpResult d = r.demote(p, Epoch.of(i), T);
                rejoin.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
                assertThat(d.isOk()).as(d.toString()).isTrue();
                System.out.println("FIGURE cycle " + i + ": " + pr.detail().replaceAll(";.*", "") + "; " + d.detail());
                pg.awaitStreaming(standby, primary, T);
                assertThat(standby.queryLong("select count(*) from t")).isEqualTo(row);
                PostgresServer x = primary;
                primary = standby;
                standby = x;
            }
        }
        System.out.println("FIGURE promote (pg_promote + epoch record + checkpoint) ms: " + summary(promote));
        System.out.println("FIGURE rejoin (stop, pg_rewind, start as standby) ms: " + summary(rejoin));
    }

    private static String summary(List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return "median " + s.get(s.size() / 2) + ", min " + s.get(0) + ", max " + s.get(s.size() - 1) + " over "
                + s.size() + " " + s;
    }
}
