package dev.ha4j.replication.postgres;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.compat.ReplicatorContract;
import dev.ha4j.testkit.postgres.PostgresPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's compatibility kit against a real primary (pg-a, the peer) and its standby (pg-b, the node). */
class PostgresReplicatorContractIT extends ReplicatorContract {
    private PostgresPair pg;

    @BeforeAll
    static void needsPostgres() {
        Pg.requirePostgres();
    }

    @AfterEach
    void stopServers() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected Replicator newReplicator() {
        pg = PostgresPair.builder().synchronous(true).start();
        pg.awaitStandbyStreaming(Duration.ofSeconds(60));
        return Pg.replicator(pg);
    }

    @Override
    protected Replicator newUnreachableReplicator() {
        return PostgresReplicator.builder().config(PostgresReplicationConfig.custom()
                .node(PostgresNode.builder().id(node()).host("127.0.0.1").port(1)
                        .dataDirectory(Path.of("/nonexistent/ha4j/b")).build())
                .node(PostgresNode.builder().id(peer()).host("127.0.0.1").port(2)
                        .dataDirectory(Path.of("/nonexistent/ha4j/a")).build())
                .password(Secret.of("unreachable-secret")).build()).build();
    }

    @Override
    protected NodeId node() {
        return Pg.B;
    }

    @Override
    protected NodeId peer() {
        return Pg.A;
    }

    @Override
    protected Duration timeout() {
        // A demotion stops, rewinds and starts a real server: seconds on a loaded two-core machine.
        return Duration.ofSeconds(60);
    }

    @Override
    protected Set<String> secrets() {
        return pg == null ? Set.of("unreachable-secret") : Set.of(pg.password(), "unreachable-secret");
    }
}
