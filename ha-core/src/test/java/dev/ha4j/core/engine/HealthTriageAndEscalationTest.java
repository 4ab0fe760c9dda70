package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.HealthTriage.Health;
import dev.ha4j.core.engine.HealthTriage.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's two pure parts before a reaction: health triage and escalation, each on its own. */
class HealthTriageAndEscalationTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final NodeId A = NodeId.of("a");
    static final Health FRESH = new Health(0, null, null, null, null);

    final Policy policy = Policy.custom().startupGrace(Duration.ofSeconds(20)).failuresBeforeAction(2)
            .maxMaintenance(Duration.ofHours(1)).restarts(2, Duration.ofMinutes(10))
            .maxFailovers(2, Duration.ofMinutes(30)).react(FailureKind.CRASHED, Reaction.RESTART)
            .react(FailureKind.DATABASE_DOWN, Reaction.IGNORE).build();

    HealthTriage.Triage triage(Health h, Instant at, ProbeResult r) {
        return HealthTriage.triage(policy, at, h, A, r, "probe");
    }

    @Test
    void failuresInARowAreCountedThenConfirmed() {
        HealthTriage.Triage first = triage(FRESH, T, ProbeResult.failed(FailureKind.CRASHED, "gone"));
        assertThat(first.outcome()).isEqualTo(Outcome.NO_ACTION);
        assertThat(first.health().failuresInRow()).isEqualTo(1);
        assertThat(first.reason().text()).isEqualTo("probe of a: CRASHED (gone) -> bad probe 1 of 2 in a row before"
                + " acting");
        HealthTriage.Triage second = triage(first.health(), T.plusSeconds(5), ProbeResult.failed(FailureKind.CRASHED,
                ""));
        assertThat(second.outcome()).isEqualTo(Outcome.CONFIRMED);
        assertThat(second.kind()).isEqualTo(FailureKind.CRASHED);
        assertThat(second.health().failuresInRow()).isZero();
        assertThat(second.health().lastFailure()).isEqualTo(FailureKind.CRASHED);
        assertThat(second.reason().text()).isEqualTo("probe of a: CRASHED -> failure confirmed after 2 in a row");
    }

    @Test
    void healthyForgetsTheFailuresAndTheGrace() {
        Health h = new Health(1, FailureKind.CRASHED, T, T.plusSeconds(20), T);
        HealthTriage.Triage t = triage(h, T, ProbeResult.healthy());
        assertThat(t.outcome()).isEqualTo(Outcome.HEALTHY);
        assertThat(t.health()).isEqualTo(new Health(0, FailureKind.CRASHED, null, null, null));
        assertThat(t.reason().text()).isEqualTo("probe of a: HEALTHY again after 1 bad probe(s)");
    }

    @Test
    void startingIsNoFailureWithinTheGraceAndATimeoutAfterIt() {
        HealthTriage.Triage t = triage(FRESH, T, ProbeResult.of(HealthStatus.STARTING, ""));
        assertThat(t.outcome()).isEqualTo(Outcome.NO_ACTION);
        assertThat(t.health().graceDeadline()).isEqualTo(T.plusSeconds(20));
        HealthTriage.Triage late = triage(t.health(), T.plusSeconds(21), ProbeResult.of(HealthStatus.STARTING, ""));
        assertThat(late.health().failuresInRow()).isEqualTo(1);
        assertThat(late.health().lastFailure()).isEqualTo(FailureKind.START_TIMEOUT);
    }

    @Test
    void failuresWithinTheGraceAreNotCountedButAFailedStartIs() {
        Health starting = new Health(0, null, T, T.plusSeconds(20), null);
        assertThat(triage(starting, T.plusSeconds(1), ProbeResult.failed(FailureKind.CRASHED, "")).health())
                .isEqualTo(starting);
        assertThat(triage(starting, T.plusSeconds(1), ProbeResult.failed(FailureKind.START_FAILED, "")).health()
                .failuresInRow()).isEqualTo(1);
    }

    @Test
    void theFailureTablesIgnoreIsNoAction() {
        HealthTriage.Triage t = triage(FRESH, T, ProbeResult.failed(FailureKind.DATABASE_DOWN, "db"));
        assertThat(t.outcome()).isEqualTo(Outcome.NO_ACTION);
        assertThat(t.health()).isEqualTo(FRESH);
        assertThat(t.reason().text()).endsWith("(database trouble: a standby would not help)");
    }

    @Test
    void theServicesOwnMaintenanceIsHonouredUpToTheMaximum() {
        HealthTriage.Triage t = triage(FRESH, T, ProbeResult.of(HealthStatus.MAINTENANCE, ""));
        assertThat(t.outcome()).isEqualTo(Outcome.NO_ACTION);
        assertThat(t.health().serviceMaintenanceSince()).isEqualTo(T);
        HealthTriage.Triage tooLong = triage(t.health(), T.plus(Duration.ofHours(2)),
                ProbeResult.of(HealthStatus.MAINTENANCE, ""));
        assertThat(tooLong.health().lastFailure()).isEqualTo(FailureKind.MAINTENANCE_TOO_LONG);
    }

    @Test
    void restartsWithinTheWindowThenAFailover() {
        Escalation.Decision first = Escalation.decide(policy, T, FailureKind.CRASHED, "gone", List.of());
        assertThat(first.action()).isEqualTo(Escalation.Action.RESTART);
        assertThat(first.cause()).isEqualTo("CRASHED (gone)");
        Escalation.Decision spent = Escalation.decide(policy, T, FailureKind.CRASHED, "",
                List.of(T.minusSeconds(60), T.minusSeconds(30)));
        assertThat(spent.action()).isEqualTo(Escalation.Action.FAILOVER_RESTARTS_SPENT);
        assertThat(spent.failoverCause()).isEqualTo("CRASHED; restart limit reached: 2 restart(s) within PT10M");
        Escalation.Decision expired = Escalation.decide(policy, T, FailureKind.CRASHED, "",
                List.of(T.minus(Duration.ofMinutes(10)), T.minusSeconds(30)));
        assertThat(expired.action()).as("a restart exactly one window ago no longer counts")
                .isEqualTo(Escalation.Action.RESTART);
        assertThat(expired.recentRestarts()).containsExactly(T.minusSeconds(30));
    }

    @Test
    void theFailureTableChoosesTheReaction() {
        Policy p = Policy.custom().react(FailureKind.CRASHED, Reaction.FENCE_AND_FAILOVER)
                .react(FailureKind.START_FAILED, Reaction.BLOCK).build();
        assertThat(Escalation.decide(p, T, FailureKind.CRASHED, "", List.of()).action())
                .isEqualTo(Escalation.Action.FENCE_AND_FAILOVER);
        assertThat(Escalation.decide(p, T, FailureKind.START_FAILED, "", List.of()).action())
                .isEqualTo(Escalation.Action.BLOCK);
    }

    @Test
    void theFailoverBudgetCountsWithinItsWindow() {
        List<Instant> recent = Escalation.within(List.of(T.minus(Duration.ofMinutes(31)), T.minusSeconds(60)), T,
                policy.failoverWindow());
        assertThat(recent).containsExactly(T.minusSeconds(60));
        assertThat(Escalation.failoverBudgetSpent(policy, recent)).isFalse();
        recent.add(T);
        assertThat(Escalation.failoverBudgetSpent(policy, recent)).isTrue();
    }
}
