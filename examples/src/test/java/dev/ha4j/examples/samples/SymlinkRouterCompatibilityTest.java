package dev.ha4j.examples.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.testkit.compat.RequestRouterContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The symlink router sample against the real file system. */
class SymlinkRouterCompatibilityTest extends RequestRouterContract {
    @TempDir
    Path dir;
    private int n;

    @Override
    protected RequestRouter newRouter() throws Exception {
        Path d = dir.resolve("proxy-" + n++);
        Files.createDirectories(d.resolve("nodes").resolve(a().name()));
        Files.createDirectories(d.resolve("nodes").resolve(b().name()));
        return new SymlinkRouter(d);
    }

    /** A folder that is gone, as a proxy configuration on an unmounted share. */
    @Override
    protected RequestRouter newUnreachableRouter() {
        return new SymlinkRouter(dir.resolve("not-mounted"));
    }

    @Test
    void aRestartedRouterStillRefusesTheOldEpochAndTheLinkIsRelative() throws Exception {
        SymlinkRouter first = (SymlinkRouter) newRouter();
        Path d = dir.resolve("proxy-" + (n - 1));
        assertThat(first.route(a(), Epoch.of(5), Duration.ofSeconds(1)).isOk()).isTrue();
        SymlinkRouter again = new SymlinkRouter(d);
        assertThat(again.route(b(), Epoch.of(4), Duration.ofSeconds(1)).outcome().name()).isEqualTo("REFUSED");
        assertThat(Files.readSymbolicLink(d.resolve("current")).isAbsolute()).isFalse();
    }
}
