package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls that take most of their deadline: nothing state-changing starts without time left. */
class DeadlineTest {
    static final NodeId A = StandInReplicatorTest.A;
    static final NodeId B = StandInReplicatorTest.B;

    @TempDir
    Path dir;

    /** Runs through the stand-in and makes every state read look as if it took {@code cost} of the clock. */
    static final class SlowReads implements CommandRunner {
        final CommandRunner inner;
        final AtomicLong clock;
        final Duration cost;

        SlowReads(CommandRunner inner, AtomicLong clock, Duration cost) {
            this.inner = inner;
            this.clock = clock;
            this.cost = cost;
        }

        @Override
        public CommandResult run(List<String> command, Duration timeout) {
            CommandResult r = inner.run(command, timeout);
            if (command.contains("events2")) {
                clock.addAndGet(cost.toNanos());
            }
            return r;
        }

        @Override
        public CommandResult stream(List<String> command, Duration timeout, Predicate<String> line) {
            return inner.stream(command, timeout, line);
        }

        @Override
        public String where() {
            return "slow";
        }
    }

    @Test
    void aPromotionWhoseStateReadUsedTheDeadlineRunsNoCommand() {
        DrbdStandIn drbd = DrbdStandIn.create(dir, "r0", "alice", "bob");
        AtomicLong clock = new AtomicLong();
        DrbdReplicator r = DrbdReplicator.builder().resource("r0").ticker(clock::get)
                .node(A, new SlowReads(LocalCommandRunner.withEnvironment(drbd.environment("alice")), clock,
                        Duration.ofSeconds(5)))
                .node(B, LocalCommandRunner.withEnvironment(drbd.environment("bob"))).build();
        OpResult p = r.promote(A, Epoch.of(1), false, Duration.ofSeconds(5));
        assertThat(p.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(drbd.log()).noneMatch(l -> l.contains("primary"));
        assertThat(drbd.get("alice", "role")).isNotEqualTo("Primary");
    }

    @Test
    void aCutOffPrimaryAsksAnUnreachablePeerWithHalfTheTimeLeft() {
        DrbdStandIn drbd = DrbdStandIn.create(dir, "r0", "alice", "bob");
        DrbdReplicator r = StandInReplicatorTest.replicator(drbd);
        assertThat(r.promote(A, Epoch.of(1), false, Duration.ofSeconds(10)).isOk()).isTrue();
        drbd.partition();
        drbd.hang("bob", true);
        long t0 = System.nanoTime();
        ReplicaStatus s = r.status(A, Duration.ofSeconds(2));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(s.role()).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(ms).as("noisy machine; the peer's read is cut at about 1 s").isLessThan(2500);
    }
}
