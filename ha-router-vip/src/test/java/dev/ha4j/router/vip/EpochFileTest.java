package dev.ha4j.router.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.router.vip.internal.EpochFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochFileTest {
    @TempDir
    Path dir;

    @Test
    void missingFileMeansNoEpochYetAndWritesRoundTrip() throws IOException {
        EpochFile f = new EpochFile(dir.resolve("epoch"));
        assertThat(f.read()).isZero();
        f.write(41);
        f.write(42);
        assertThat(new EpochFile(dir.resolve("epoch")).read()).isEqualTo(42);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("epoch");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ha4j-vip-epoch 1\nepoch=4", "ha4j-vip-epoch 1\nepoch=42\ncrc32=00000000\n",
        "garbage", "ha4j-vip-epoch 1\nepoch=x\ncrc32=00000000\n"})
    void corruptFilesAreRefusedNamingThePath(String content) throws IOException {
        Path p = dir.resolve("epoch");
        Files.writeString(p, content);
        assertThatThrownBy(() -> new EpochFile(p).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("corrupt")
                .hasMessageContaining("Refusing to start from epoch 0");
    }

    @Test
    void aFlippedDigitIsCaughtByTheChecksum() throws IOException {
        Path p = dir.resolve("epoch");
        new EpochFile(p).write(42);
        Files.writeString(p, Files.readString(p).replace("epoch=42", "epoch=12"));
        assertThatThrownBy(() -> new EpochFile(p).read()).hasMessageContaining("checksum");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("epoch");
        new EpochFile(p).write(7);
        // a directory where the file should go makes the rename fail
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("child"));
        assertThatThrownBy(() -> new EpochFile(blocked).write(8)).isInstanceOf(IOException.class);
        assertThat(new EpochFile(p).read()).isEqualTo(7);
        try (var files = Files.list(dir)) {
            assertThat(files.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("epoch", "blocked");
        }
    }
}
