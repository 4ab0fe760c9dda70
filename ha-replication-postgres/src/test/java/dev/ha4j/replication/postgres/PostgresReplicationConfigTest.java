package dev.ha4j.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresReplicationConfigTest {
    private static PostgresNode node(String id, int port) {
        return PostgresNode.builder().id(NodeId.of(id)).host("127.0.0.1").port(port)
                .dataDirectory(Path.of("/var/lib/postgresql/15/" + id)).build();
    }

    private static PostgresReplicationConfig.Builder valid() {
        return PostgresReplicationConfig.custom().node(node("a", 5432)).node(node("b", 5433))
                .password(Secret.of("s3cret-pw"));
    }

    @Test
    void invalidValuesAreRefusedNamingTheFieldTheValueAndTheRule() {
        assertThatThrownBy(() -> PostgresReplicationConfig.custom().node(node("a", 1)).build())
                .hasMessageContaining("nodes").hasMessageContaining("need at least 2");
        assertThatThrownBy(() -> valid().maximumLagBytes(-1).build())
                .hasMessageContaining("maximumLagBytes -1").hasMessageContaining("negative");
        assertThatThrownBy(() -> valid().user("bob; drop table x").build()).hasMessageContaining("user '");
        assertThatThrownBy(() -> valid().sslMode("sometimes").build()).hasMessageContaining("sslMode 'sometimes'");
        assertThatThrownBy(() -> valid().epochTable("x y").build()).hasMessageContaining("epochTable 'x y'");
        assertThatThrownBy(() -> valid().streamingTimeout(Duration.ZERO).build())
                .hasMessageContaining("streamingTimeout PT0S");
        assertThatThrownBy(() -> valid().node(node("a", 9)).build()).hasMessageContaining("a is configured twice");
        assertThatThrownBy(() -> PostgresReplicationConfig.custom().node(node("a", 5432)).node(node("b", 5432))
                .build()).hasMessageContaining("127.0.0.1:5432 is used by two nodes");
        assertThatThrownBy(() -> PostgresNode.builder().id(NodeId.of("a")).host("h").dataDirectory(
                Path.of("/tmp/x y")).build()).hasMessageContaining("dataDirectory '/tmp/x y'");
        assertThatThrownBy(() -> PostgresNode.builder().id(NodeId.of("a")).host("h").port(70000)
                .dataDirectory(Path.of("/d")).build()).hasMessageContaining("port 70000");
        assertThatThrownBy(() -> PostgresNode.builder().id(NodeId.of("a")).host("h").osUser("Root!")
                .dataDirectory(Path.of("/d")).build()).hasMessageContaining("osUser 'Root!'");
        assertThatThrownBy(() -> PostgresReplicator.builder().build()).hasMessageContaining("config is missing");
    }

    @Test
    void thePasswordNeverShows() {
        PostgresReplicationConfig c = valid().build();
        assertThat(c.toString()).doesNotContain("s3cret-pw").contains("******");
        try (PostgresReplicator r = PostgresReplicator.builder().config(c).build()) {
            assertThat(r.toString()).doesNotContain("s3cret-pw");
        }
    }

    @Test
    void aNodeThatIsNotConfiguredGivesResultsNotExceptions() {
        try (PostgresReplicator r = PostgresReplicator.builder().config(valid().build()).build()) {
            assertThat(r.status(NodeId.of("c"), Duration.ofSeconds(1)).role()).isEqualTo(ReplicaRole.UNKNOWN);
            assertThat(r.promote(NodeId.of("c"), Epoch.of(1), false, Duration.ofSeconds(1)).outcome())
                    .isEqualTo(Outcome.FAILED);
        }
    }
}
