package dev.ha4j.replication.postgres;

import static dev.ha4j.replication.postgres.Pg.A;
import static dev.ha4j.replication.postgres.Pg.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.testkit.postgres.PostgresPair;
import dev.ha4j.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client commits rows one by one on the primary; the primary is killed with SIGKILL mid-stream; the standby is
 * promoted through the replicator. In synchronous mode every row the client saw committed is there. In
 * asynchronous mode rows are lost, and the maximum-lag rule refuses the promotion that would lose them.
 */
class NoAcknowledgedWriteLostIT {
    private static final Duration T = Duration.ofSeconds(60);
    private PostgresPair pg;
    private PostgresReplicator r;
    private Thread writer;
    private Thread monitor;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean monitorStop = new AtomicBoolean();
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private Long stoppedReceiver;

    @BeforeAll
    static void needsPostgres() {
        Pg.requirePostgres();
    }

    @AfterEach
    void cleanUp() throws Exception {
        stop.set(true);
        for (Thread t : new Thread[] {writer, monitor}) {
            if (t != null) {
                t.join(30_000);
            }
        }
        if (stoppedReceiver != null) {
            signal("CONT", stoppedReceiver);
        }
        if (r != null) {
            r.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private void startWriting(PostgresServer primary) {
        writer = new Thread(() -> {
            try (Connection c = primary.connect();
                    PreparedStatement p = c.prepareStatement("insert into t values (?, repeat('x', 1000))")) {
                for (int i = 0; !stop.get(); i++) {
                    p.setInt(1, i);
                    p.executeUpdate(); // autocommit: returning normally is the acknowledgement
                    acknowledged.add(i);
                }
            } catch (SQLException e) {
                // the primary died under the client: that is the point
            }
        }, "client");
        writer.start();
    }

    private void startMonitoring() {
        // What the manager does between failovers: it keeps checking the replicas.
        monitor = new Thread(() -> {
            while (!stop.get() && !monitorStop.get()) {
                r.status(B, Duration.ofSeconds(2));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "monitor");
        monitor.start();
    }

    private void awaitSeenBehind() throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        // Wait for the lag rule's own verdict, not just any OUTDATED: a poll that catches the stalled WAL receiver
        // outside "streaming" is judged by another rule (not streaming), and if that were the last sighting the
        // refusal below would not be the maximum-lag rule's (seen once in CI).
        ReplicaStatus b = r.status(B, Duration.ofSeconds(2));
        while (!b.detail().contains("too far behind") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            b = r.status(B, Duration.ofSeconds(2));
        }
        assertThat(b.consistency()).as("the standby seen behind while the primary lives: " + b)
                .isEqualTo(Consistency.OUTDATED);
        assertThat(b.detail()).as("the standby seen behind while the primary lives").contains("too far behind");
        // The manager's last sighting of the primary is this one: stop the background poll so that a later one
        // cannot replace it before the primary dies.
        monitorStop.set(true);
        monitor.join(30_000);
    }

    private void awaitAcknowledged(int n) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (acknowledged.size() < n && System.nanoTime() < deadline && writer.isAlive()) {
            Thread.sleep(10);
        }
        assertThat(acknowledged.size()).as("rows acknowledged").isGreaterThanOrEqualTo(n);
    }

    private Set<Integer> rowsOn(PostgresServer s) throws SQLException {
        Set<Integer> ids = new HashSet<>();
        try (Connection c = s.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select id from t")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private void killPrimaryMidStream() throws InterruptedException {
        pg.primary().kill();
        writer.join(30_000);
        stop.set(true);
        monitor.join(30_000);
    }

    @Test
    void synchronousModeLosesNoAcknowledgedCommit() throws Exception {
        pg = PostgresPair.builder().synchronous(true).start();
        pg.awaitStandbyStreaming(T);
        pg.primary().execute("create table t (id int primary key, pad text)");
        r = Pg.replicator(pg);
        startMonitoring();
        startWriting(pg.primary());
        awaitAcknowledged(500);
        killPrimaryMidStream();
        int acked = acknowledged.size();

        ReplicaStatus b = r.status(B, T);
        assertThat(b.consistency()).as(b.toString()).isEqualTo(Consistency.UP_TO_DATE);
        assertThat(b.detail()).contains("was the synchronous standby of pg-a").contains("unreachable");
        long t0 = System.nanoTime();
        OpResult p = r.promote(B, Epoch.of(1), false, T);
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertThat(p.outcome()).as(p.toString()).isEqualTo(Outcome.OK);
        System.out.println("FIGURE time to promote (synchronous standby, primary SIGKILLed, through promote()): "
                + ms + " ms; " + p.detail());

        Set<Integer> present = rowsOn(pg.standby());
        Set<Integer> lost = new HashSet<>(acknowledged);
        lost.removeAll(present);
        System.out.println("FIGURE synchronous: " + acked + " commits acknowledged, " + present.size()
                + " rows on the promoted standby, " + lost.size() + " acknowledged rows lost");
        assertThat(lost).as("acknowledged rows missing on the promoted standby").isEmpty();
    }

    @Test
    void asynchronousModeLosesCommitsAndTheMaximumLagRuleRefusesThatPromotion() throws Exception {
        pg = PostgresPair.builder().synchronous(false).start();
        pg.awaitStandbyStreaming(T);
        pg.primary().execute("create table t (id int primary key, pad text)");
        r = Pg.replicator(pg, c -> c.maximumLagBytes(64 * 1024));
        startMonitoring();
        startWriting(pg.primary());
        awaitAcknowledged(200);
        // The network to the standby stalls: its WAL receiver stops taking data while the primary acknowledges.
        stoppedReceiver = pg.standby().queryLong("select pid from pg_stat_wal_receiver");
        signal("STOP", stoppedReceiver);
        int before = acknowledged.size();
        awaitAcknowledged(before + 300); // about 400 KB of WAL, more than the maximum lag, well within wal_sender_timeout
        // The manager must have seen the lag while the primary lived (its monitor polls every 100 ms; on a loaded
        // machine a poll can come late): only then does the rule have a last known position to hold it against.
        awaitSeenBehind();
        killPrimaryMidStream();
        // What the stalled network still held (socket buffers: megabytes on loopback) never arrives: the WAL
        // receiver dies with it. Its standby restarts its processes (crash recovery) and stays a standby.
        signal("KILL", stoppedReceiver);
        stoppedReceiver = null;
        awaitAnswering(pg.standby());
        int acked = acknowledged.size();

        ReplicaStatus b = r.status(B, T);
        assertThat(b.consistency()).as(b.toString()).isEqualTo(Consistency.OUTDATED);
        assertThat(b.detail()).contains("behind the last known position of pg-a");
        OpResult refused = r.promote(B, Epoch.of(1), false, T);
        assertThat(refused.outcome()).as(refused.toString()).isEqualTo(Outcome.REFUSED);
        assertThat(pg.standby().isPrimary()).isFalse();

        OpResult forced = r.promote(B, Epoch.of(1), true, T);
        assertThat(forced.outcome()).as(forced.toString()).isEqualTo(Outcome.OK);
        Set<Integer> present = rowsOn(pg.standby());
        Set<Integer> lost = new HashSet<>(acknowledged);
        lost.removeAll(present);
        System.out.println("FIGURE asynchronous: " + acked + " commits acknowledged, " + lost.size()
                + " lost by the forced promotion that the maximum-lag rule (64 KiB) refused: " + refused.detail());
        assertThat(lost).as("what an asynchronous failover loses").isNotEmpty();
    }

    private static void awaitAnswering(PostgresServer s) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                s.queryLong("select 1");
                return;
            } catch (SQLException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError(s + " does not answer after its WAL receiver was killed:\n" + s.tailOfLog());
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
