package dev.ha4j.replication.postgres;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.testkit.Prerequisites;
import dev.ha4j.testkit.postgres.PostgresPair;
import dev.ha4j.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test helpers: a replicator over a {@link PostgresPair}, a server that never answers. */
final class Pg {
    static final NodeId A = NodeId.of("pg-a");
    static final NodeId B = NodeId.of("pg-b");

    private Pg() {
    }

    static void requirePostgres() {
        Prerequisites.require(PostgresPair.available(), PostgresPair.unavailableReason());
    }

    static PostgresNode node(PostgresPair pg, PostgresServer s) {
        PostgresNode.Builder b = PostgresNode.builder().id(NodeId.of(s.name())).host(s.host()).port(s.port())
                .dataDirectory(s.dataDirectory()).logFile(s.logFile()).passfile(pg.passfile());
        if ("root".equals(System.getProperty("user.name"))) {
            b.osUser(pg.osUser());
        }
        return b.build();
    }

    static PostgresReplicationConfig.Builder config(PostgresPair pg) {
        return PostgresReplicationConfig.custom()
                .node(node(pg, pg.primary())).node(node(pg, pg.standby()))
                .database(pg.database()).user(pg.user()).password(Secret.of(pg.password()))
                .mode(pg.synchronous() ? ReplicationMode.SYNCHRONOUS : ReplicationMode.ASYNCHRONOUS)
                .binDirectory(pg.binDirectory());
    }

    static PostgresReplicator replicator(PostgresPair pg) {
        return replicator(pg, c -> c);
    }

    static PostgresReplicator replicator(PostgresPair pg, UnaryOperator<PostgresReplicationConfig.Builder> tweak) {
        return PostgresReplicator.builder().config(tweak.apply(config(pg)).build()).build();
    }

    /** Waits until the standby has replayed all the primary wrote (a freshly created table, say). */
    static void awaitCaughtUp(PostgresPair pg) throws SQLException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            long lag = pg.primary().queryLong("select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(),"
                    + " replay_lsn)), -1)::bigint from pg_stat_replication");
            if (lag == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standby does not catch up with the primary");
    }

    /** Inserts {@code rows} rows of about 1 KiB each in one transaction. */
    static void write(PostgresServer s, String table, int from, int rows) throws SQLException {
        try (Connection c = s.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("insert into " + table
                    + " values (?, repeat('x', 1000))")) {
                for (int i = from; i < from + rows; i++) {
                    p.setInt(1, i);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
    }

    /** A loopback TCP server that accepts connections and never says a word. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            synchronized (accepted) {
                return accepted.size();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
