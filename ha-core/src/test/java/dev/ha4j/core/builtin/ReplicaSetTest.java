package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplicaSetTest {
    private static final NodeId A = NodeId.of("alice");
    private static final Duration T = Duration.ofSeconds(2);

    private final ScriptedReplicator home = new ScriptedReplicator("drbd:home");
    private final ScriptedReplicator db = new ScriptedReplicator("postgres");
    private final ReplicaSet set = ReplicaSet.builder().name("data").replicator(home).replicator(db).build();

    @Test
    void promotesEveryMemberInOrder() {
        OpResult r = set.promote(A, Epoch.of(3), false, T);
        assertThat(r.isOk()).as(r.toString()).isTrue();
        assertThat(home.role(A)).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(db.role(A)).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(set.status(A, T).role()).isEqualTo(ReplicaRole.PRIMARY);
        assertThat(r.detail()).contains("drbd:home", "postgres");
    }

    @Test
    void refusalOfTheSecondRollsTheFirstBackAndKeepsTheOutcome() {
        db.promoteAnswer = () -> OpResult.refused("not up to date");
        OpResult r = set.promote(A, Epoch.of(3), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).contains("postgres not promoted", "not up to date", "rolled back drbd:home");
        assertThat(home.role(A)).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(home.calls).containsExactly("promote alice e3", "demote-with-epoch alice e3", "demote alice");
        assertThat(set.status(A, T).role()).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void failureOfTheFirstTouchesNoOtherMember() {
        home.promoteAnswer = () -> OpResult.failed("device busy");
        OpResult r = set.promote(A, Epoch.of(1), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("nothing to roll back");
        assertThat(db.calls).isEmpty();
    }

    @Test
    void nullAndExceptionsCountAsFailuresAndAreRolledBack() {
        db.promoteAnswer = () -> null;
        assertThat(set.promote(A, Epoch.of(1), false, T).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(home.role(A)).isEqualTo(ReplicaRole.SECONDARY);
        db.promoteAnswer = null;
        db.promoteThrows = new IllegalStateException("boom");
        OpResult r = set.promote(A, Epoch.of(1), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("boom");
        assertThat(home.role(A)).isEqualTo(ReplicaRole.SECONDARY);
    }

    @Test
    void aRollbackThatFailsSaysWhichMemberMayStillBePrimary() {
        ScriptedReplicator third = new ScriptedReplicator("etc");
        ReplicaSet three = ReplicaSet.builder().name("data").replicator(home).replicator(db).replicator(third).build();
        third.promoteAnswer = () -> OpResult.refused("stale");
        db.demoteAnswer = () -> OpResult.timedOut("no answer");
        OpResult r = three.promote(A, Epoch.of(2), false, T);
        assertThat(r.outcome()).as("a refusal is no longer 'nothing happened'").isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("MAY STILL BE PRIMARY: postgres").doesNotContain("PRIMARY: postgres, drbd");
        assertThat(home.role(A)).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(three.status(A, T).role()).as("half primary is never reported as a role")
                .isEqualTo(ReplicaRole.UNKNOWN);
    }

    @Test
    void rollbackRunsEvenWhenTheThreadWasInterruptedAndKeepsTheInterrupt() {
        db.promoteAnswer = () -> Thread.currentThread().isInterrupted() ? OpResult.failed("interrupted")
                : OpResult.ok();
        home.demoteAnswer = () -> Thread.currentThread().isInterrupted() ? OpResult.failed("interrupted")
                : OpResult.ok();
        Thread.currentThread().interrupt();
        try {
            OpResult r = set.promote(A, Epoch.of(1), false, T);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).doesNotContain("MAY STILL BE PRIMARY");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void staleEpochIsRefusedBeforeAnyMemberIsTouched() {
        assertThat(set.promote(A, Epoch.of(5), false, T).isOk()).isTrue();
        assertThat(set.demote(A, T).isOk()).isTrue();
        home.calls.clear();
        OpResult r = set.promote(A, Epoch.of(4), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(home.calls).isEmpty();
        assertThat(set.promote(A, Epoch.of(5), false, T).isOk()).as("the same epoch again is not stale").isTrue();
    }

    @Test
    void epochSeenOnDemoteOrOutdateAlsoCounts() {
        assertThat(set.outdatePeer(NodeId.of("bob"), Epoch.of(7), T).isOk()).isTrue();
        assertThat(set.promote(A, Epoch.of(6), false, T).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(set.demote(A, Epoch.of(9), T).isOk()).isTrue();
        assertThat(home.calls).contains("demote-with-epoch alice e9");
        assertThat(set.promote(A, Epoch.of(8), false, T).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void statusIsTheWorstConsistencyWithEachMembersDetail() {
        db.consistency = Consistency.OUTDATED;
        ReplicaStatus s = set.status(A, T);
        assertThat(s.consistency()).isEqualTo(Consistency.OUTDATED);
        assertThat(s.role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(s.detail()).contains("drbd:home=SECONDARY/UP_TO_DATE", "postgres=SECONDARY/OUTDATED");
        home.consistency = Consistency.SPLIT_BRAIN;
        db.consistency = Consistency.UNKNOWN;
        assertThat(set.status(A, T).consistency()).isEqualTo(Consistency.SPLIT_BRAIN);
        home.consistency = Consistency.INCONSISTENT;
        assertThat(set.status(A, T).consistency()).isEqualTo(Consistency.INCONSISTENT);
    }

    @Test
    void roleIsPrimaryOnlyWhenEveryMemberIs() {
        home.roles.put(A, ReplicaRole.PRIMARY);
        assertThat(set.status(A, T).role()).isEqualTo(ReplicaRole.UNKNOWN);
        db.roles.put(A, ReplicaRole.PRIMARY);
        assertThat(set.status(A, T).role()).isEqualTo(ReplicaRole.PRIMARY);
        db.statusAnswer = () -> null;
        ReplicaStatus s = set.status(A, T);
        assertThat(s.role()).isEqualTo(ReplicaRole.UNKNOWN);
        assertThat(s.consistency()).isEqualTo(Consistency.UNKNOWN);
        db.statusAnswer = () -> {
            throw new IllegalStateException("agent gone");
        };
        assertThat(set.status(A, T).detail()).contains("agent gone");
    }

    @Test
    void demoteAndOutdateReachEveryMemberEvenAfterAFailure() {
        set.promote(A, Epoch.of(1), false, T);
        home.demoteAnswer = () -> OpResult.failed("device is held open");
        OpResult r = set.demote(A, T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("device is held open", "postgres: OK");
        assertThat(db.role(A)).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(set.outdatePeer(NodeId.of("bob"), Epoch.of(1), T).isOk()).isTrue();
        assertThat(home.calls).contains("outdate bob e1");
        assertThat(db.calls).contains("outdate bob e1");
    }

    @Test
    void membersShareOneDeadline() {
        AtomicLong now = new AtomicLong();
        ReplicaSet timed = ReplicaSet.builder().name("data").replicator(home).replicator(db)
                .ticker(now::get).rollbackTimeout(Duration.ofMillis(300)).build();
        home.promoteAnswer = () -> {
            now.addAndGet(Duration.ofMillis(1500).toNanos());
            home.roles.put(A, ReplicaRole.PRIMARY);
            return OpResult.ok();
        };
        assertThat(timed.promote(A, Epoch.of(1), false, T).isOk()).isTrue();
        assertThat(db.timeouts.get(0)).isEqualTo(Duration.ofMillis(500));

        home.promoteAnswer = () -> {
            now.addAndGet(T.toNanos());
            return OpResult.ok();
        };
        db.calls.clear();
        OpResult r = timed.promote(A, Epoch.of(1), false, T);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(db.calls).as("no time left: not asked").isEmpty();
        assertThat(home.timeouts.get(home.timeouts.size() - 1)).as("rollback gets at least its own timeout")
                .isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void builderNamesTheFieldItRefuses() {
        assertThatThrownBy(() -> ReplicaSet.builder().replicator(home).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> ReplicaSet.builder().name(" x").replicator(home).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> ReplicaSet.builder().name("data").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicator");
        assertThatThrownBy(() -> ReplicaSet.builder().name("data").replicator(home).replicator(home).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ReplicaSet.builder().name("data").replicator(home)
                .rollbackTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rollbackTimeout");
        assertThat(set.toString()).isEqualTo("ReplicaSet[data: drbd:home, postgres]");
    }
}
