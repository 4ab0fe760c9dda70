package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCoordinatorTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final Duration T = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void epochsAndTheLeaseSurviveARestart() {
        Path file = dir.resolve("sub/coordinator.json");
        FileCoordinator c = FileCoordinator.open(file);
        c.acquire(A, T);
        Lease b = c.acquire(B, T).lease().orElseThrow();
        assertThat(b.epoch()).isEqualTo(Epoch.of(2));

        FileCoordinator again = FileCoordinator.open(file);
        assertThat(again.current(T)).contains(b);
        assertThat(again.acquire(A, T).lease().orElseThrow().epoch()).isEqualTo(Epoch.of(3));
        assertThat(FileCoordinator.open(file).lastEpoch()).isEqualTo(Epoch.of(3));
        assertThat(Files.exists(dir.resolve("sub/coordinator.json.tmp"))).as("no temporary file left").isFalse();
    }

    @Test
    void aReleaseIsRemembered() {
        Path file = dir.resolve("coordinator.json");
        FileCoordinator c = FileCoordinator.open(file);
        Lease a = c.acquire(A, T).lease().orElseThrow();
        c.release(a, T);
        assertThat(FileCoordinator.open(file).current(T)).isEmpty();
    }

    @Test
    void aFloorFromTheJournalIsPersisted() {
        Path file = dir.resolve("coordinator.json");
        FileCoordinator.open(file).continueAfter(Epoch.of(41));
        assertThat(FileCoordinator.open(file).acquire(A, T).lease().map(Lease::epoch)).contains(Epoch.of(42));
    }

    @Test
    void aCorruptFileIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("coordinator.json");
        FileCoordinator.open(file).acquire(A, T);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains("\"lastEpoch\":1");
        Files.writeString(file, text.replace("\"lastEpoch\":1", "\"lastEpoch\":5"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FileCoordinator.open(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("corrupt").hasMessageContaining("CRC");
        Files.writeString(file, "{\"format\":1,\"lastEp", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FileCoordinator.open(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aGrantThatCannotBePersistedIsNotGranted() throws Exception {
        Path sub = dir.resolve("sub");
        FileCoordinator c = FileCoordinator.open(sub.resolve("coordinator.json"));
        // Make the temporary file's path a directory: the next write fails.
        Files.createDirectories(sub.resolve("coordinator.json.tmp"));
        var r = c.acquire(A, T);
        assertThat(r.isGranted()).isFalse();
        assertThat(r.detail()).contains("cannot persist");
        assertThat(c.current(T)).isEqualTo(Optional.empty());
    }
}
