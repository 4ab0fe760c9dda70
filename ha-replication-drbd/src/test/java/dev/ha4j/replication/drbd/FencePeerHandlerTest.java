package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.replication.drbd.FencePeerHandler.Exit;
import dev.ha4j.replication.drbd.FencePeerHandler.Fencing;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fence-peer entry point: each exit code DRBD's kernel understands, against the stand-in peer. */
class FencePeerHandlerTest {
    static final NodeId BOB = NodeId.of("bob");
    static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    DrbdStandIn drbd;
    CommandRunner bob;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);

    /** A fencer that powers bob off in the stand-in's world, or fails. */
    static final class TestFencer implements Fencer {
        final boolean works;
        final AtomicInteger calls = new AtomicInteger();

        TestFencer(boolean works) {
            this.works = works;
        }

        @Override
        public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
            calls.incrementAndGet();
            return works ? FenceResult.ok(PowerState.OFF, "off") : FenceResult.failed(Outcome.TIMED_OUT,
                    PowerState.UNKNOWN, "BMC silent");
        }

        @Override
        public PowerState status(NodeId node, Duration timeout) {
            return works ? PowerState.OFF : PowerState.UNKNOWN;
        }
    }

    /** The provider main() loads by name in the subprocess test: the stand-in's bob and a working fencer. */
    public static final class StandInProvider implements FencePeerHandler.Provider {
        @Override
        public Optional<Fencer> fencer(String resource, NodeId peer) {
            return Optional.of(new TestFencer(true));
        }

        @Override
        public CommandRunner peerRunner(String resource, NodeId peer) {
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv("HA4J_TEST_PEER_PATH"));
            env.put("DRBD_STANDIN_STATE", System.getenv("HA4J_TEST_PEER_STATE"));
            env.put("DRBD_STANDIN_NODE", peer.name());
            return LocalCommandRunner.withEnvironment(env);
        }
    }

    @BeforeEach
    void setUp() {
        drbd = DrbdStandIn.create(dir, "r0", "alice", "bob");
        bob = LocalCommandRunner.withEnvironment(drbd.environment("bob"));
        drbd.partition();
    }

    private Exit decide(Optional<Fencer> fencer, Fencing fencing) {
        return FencePeerHandler.decide("r0", BOB, bob, fencer, fencing, T, log);
    }

    @Test
    void anOutdatedPeerIs4() {
        assertThat(decide(Optional.empty(), Fencing.RESOURCE_AND_STONITH)).isEqualTo(Exit.PEER_OUTDATED);
        assertThat(Exit.PEER_OUTDATED.code()).isEqualTo(4);
        assertThat(drbd.get("bob", "disk")).isEqualTo("Outdated");
    }

    @Test
    void anInconsistentPeerIs3() {
        drbd.set("bob", "disk", "Inconsistent");
        assertThat(decide(Optional.empty(), Fencing.RESOURCE_AND_STONITH).code()).isEqualTo(3);
    }

    @Test
    void aPrimaryPeerIs6() {
        drbd.set("bob", "role", "Primary");
        assertThat(decide(Optional.empty(), Fencing.RESOURCE_AND_STONITH).code()).isEqualTo(6);
    }

    @Test
    void anUnreachablePeerIsFencedAndIs7() {
        drbd.unreachable("bob", true);
        TestFencer f = new TestFencer(true);
        assertThat(decide(Optional.of(f), Fencing.RESOURCE_AND_STONITH).code()).isEqualTo(7);
        assertThat(f.calls).hasValue(1);
    }

    @Test
    void anUnreachablePeerThatCannotBeFencedKeepsIoFrozen() {
        drbd.unreachable("bob", true);
        assertThat(decide(Optional.of(new TestFencer(false)), Fencing.RESOURCE_AND_STONITH).code()).isEqualTo(1);
        assertThat(decide(Optional.empty(), Fencing.RESOURCE_AND_STONITH).code()).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("keeping I/O frozen");
    }

    @Test
    void resourceOnlyAssumesAnUnreachablePeerDeadAs5() {
        drbd.unreachable("bob", true);
        assertThat(decide(Optional.empty(), Fencing.RESOURCE_ONLY).code()).isEqualTo(5);
    }

    @Test
    void aHangingPeerIsCutAtTheDeadlineAndFenced() {
        drbd.hang("bob", true);
        Exit e = FencePeerHandler.decide("r0", BOB, bob, Optional.of(new TestFencer(true)),
                Fencing.RESOURCE_AND_STONITH, Duration.ofMillis(500), log);
        assertThat(e).isEqualTo(Exit.PEER_FENCED);
    }

    @Test
    void aPeerThatAnswersButRefusesIsNotGuessedAt() {
        drbd.heal();
        // connected again: drbdadm outdate refuses with exit 11; nothing is proven
        assertThat(decide(Optional.of(new TestFencer(true)), Fencing.RESOURCE_AND_STONITH)).isEqualTo(Exit.BROKEN);
    }

    @Test
    void runReadsDrbdsEnvironmentAndRefusesBadInput() {
        Map<String, String> env = Map.of("DRBD_RESOURCE", "r0", "DRBD_PEER_NODE_ID", "1", "DRBD_NODE_ID_1",
                "bob; rm -rf /");
        assertThat(FencePeerHandler.run(new String[0], env, log)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("not a host name");
        assertThat(FencePeerHandler.run(new String[] {"--fencing", "sometimes"}, Map.of(), log)).isEqualTo(1);
        assertThat(FencePeerHandler.run(new String[] {"--resource", "r0"}, Map.of(), log)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("no peer");
    }

    @Test
    void mainExitsWithTheCodeAsAProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FencePeerHandler.class.getName(), "--provider", StandInProvider.class.getName());
        pb.environment().put("DRBD_RESOURCE", "r0");
        pb.environment().put("DRBD_PEER_NODE_ID", "1");
        pb.environment().put("DRBD_NODE_ID_1", "bob");
        pb.environment().put("HA4J_TEST_PEER_PATH", drbd.environment("bob").get("PATH"));
        pb.environment().put("HA4J_TEST_PEER_STATE", drbd.environment("bob").get("DRBD_STANDIN_STATE"));
        pb.redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "handler.out"));
        for (var c : List.of(new Object[] {false, 4}, new Object[] {true, 7})) {
            drbd.unreachable("bob", (Boolean) c[0]);
            drbd.set("bob", "disk", "UpToDate");
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("unreachable=" + c[0]).isEqualTo(c[1]);
        }
    }
}
