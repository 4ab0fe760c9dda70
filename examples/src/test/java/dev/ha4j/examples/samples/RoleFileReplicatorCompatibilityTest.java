package dev.ha4j.examples.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.compat.ReplicatorContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The role-file replicator sample against the real file system. */
class RoleFileReplicatorCompatibilityTest extends ReplicatorContract {
    private static final Duration T = Duration.ofSeconds(1);
    @TempDir
    Path dir;
    private int n;

    @Override
    protected Replicator newReplicator() throws Exception {
        Path root = dir.resolve("volumes-" + n++);
        Files.createDirectories(root.resolve(node().name()));
        Files.createDirectories(root.resolve(peer().name()));
        return new RoleFileReplicator("home", root);
    }

    /** The replica folders are not mounted. */
    @Override
    protected Replicator newUnreachableReplicator() {
        return new RoleFileReplicator("home", dir.resolve("not-mounted"));
    }

    @Test
    void anOutdatedPeerIsPromotedOnlyByForce() throws Exception {
        Replicator r = newReplicator();
        assertThat(r.promote(node(), Epoch.of(1), false, T).isOk()).isTrue();
        assertThat(r.outdatePeer(peer(), Epoch.of(1), T).isOk()).isTrue();
        assertThat(r.status(peer(), T).consistency()).isEqualTo(Consistency.OUTDATED);
        assertThat(r.promote(peer(), Epoch.of(2), false, T).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.promote(peer(), Epoch.of(2), true, T).isOk()).isTrue();
    }
}
