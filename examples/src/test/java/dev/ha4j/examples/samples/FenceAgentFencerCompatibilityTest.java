package dev.ha4j.examples.samples;

import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.testkit.compat.FencerContract;
import dev.ha4j.testkit.peers.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The fence-agent sample against a real agent process (a stand-in script speaking the same protocol). */
class FenceAgentFencerCompatibilityTest extends FencerContract {
    @TempDir
    static Path dir;
    private static Path agent;

    @BeforeAll
    static void installAgent() throws IOException {
        Prerequisites.require(Prerequisites.onPath("sh") && Prerequisites.onPath("sleep"), "a POSIX shell");
        agent = dir.resolve("fence_standin");
        try (InputStream in = FenceAgentFencerCompatibilityTest.class.getResourceAsStream("/samples/stand-in-fence-agent.sh")) {
            Files.copy(in, agent);
        }
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    protected Fencer newFencer() {
        return new FenceAgentFencer(agent, Map.of("statedir", dir.toString()), Secret.of("agent-s3cret"));
    }

    /** An agent that never answers: the fencer must kill it at the deadline and say so. */
    @Override
    protected Fencer newUnreachableFencer() {
        return new FenceAgentFencer(agent, Map.of("statedir", dir.toString(), "hang", "1"), Secret.of("agent-s3cret"));
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(3);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of("agent-s3cret");
    }
}
