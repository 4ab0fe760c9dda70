package dev.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Reaction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTest {
    @Test
    void defaultsFollowTheDesignTable() {
        Policy p = Policy.ofDefaults();
        assertThat(p.reactionTo(FailureKind.ROUTER_PATH_LOST)).isEqualTo(Reaction.FAILOVER);
        assertThat(p.reactionTo(FailureKind.NODE_UNREACHABLE)).isEqualTo(Reaction.FENCE_AND_FAILOVER);
        assertThat(p.reactionTo(FailureKind.CRASHED)).isEqualTo(Reaction.RESTART);
        assertThat(p.reactionTo(FailureKind.OUT_OF_MEMORY)).isEqualTo(Reaction.RESTART);
        assertThat(p.reactionTo(FailureKind.DATABASE_CONNECTION_LOST)).isEqualTo(Reaction.IGNORE);
        assertThat(p.reactionTo(FailureKind.DATABASE_DOWN)).isEqualTo(Reaction.IGNORE);
        assertThat(p.reactionTo(FailureKind.START_FAILED)).isEqualTo(Reaction.BLOCK);
        assertThat(p.restartLimit()).isGreaterThanOrEqualTo(1);
        assertThat(p.probeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.firstProbeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.fencingRequired()).isTrue();
        assertThat(p.failureTable()).hasSize(FailureKind.values().length);
    }

    @Test
    void probeTimeoutMustBeShorterThanTheInterval() {
        assertThatThrownBy(() -> Policy.custom().probeInterval(Duration.ofSeconds(15))
                .probeTimeout(Duration.ofSeconds(15)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probeTimeout PT15S").hasMessageContaining("probeInterval PT15S");
    }

    @Test
    void stopTimeoutLongerThanTheFailoverBudgetIsRefused() {
        assertThatThrownBy(() -> Policy.custom().stopTimeout(Duration.ofMinutes(20))
                .failoverBudget(Duration.ofMinutes(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stopTimeout PT20M").hasMessageContaining("failoverBudget PT10M");
    }

    @Test
    void worstCaseTakeoverMustFitTheBudget() {
        assertThatThrownBy(() -> Policy.custom().failoverBudget(Duration.ofMinutes(3)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failoverBudget PT3M").hasMessageContaining("worst-case takeover");
    }

    @Test
    void restartLimitZeroWithARestartReactionIsRefused() {
        assertThatThrownBy(() -> Policy.custom().restartLimit(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restartLimit 0").hasMessageContaining("RESTART");
        Policy noRestarts = Policy.custom().restartLimit(0)
                .react(FailureKind.CRASHED, Reaction.FAILOVER).react(FailureKind.OUT_OF_MEMORY, Reaction.FAILOVER)
                .react(FailureKind.HUNG, Reaction.FAILOVER).react(FailureKind.ERROR, Reaction.FAILOVER)
                .react(FailureKind.BAD_RESPONSE, Reaction.FAILOVER).react(FailureKind.START_TIMEOUT, Reaction.FAILOVER)
                .react(FailureKind.MAINTENANCE_TOO_LONG, Reaction.FAILOVER).build();
        assertThat(noRestarts.restartLimit()).isZero();
    }

    @Test
    void fencingRequiredWithoutLevelsIsRefused() {
        assertThatThrownBy(() -> Policy.custom().fencingLevels(List.of()).build())
                .hasMessageContaining("fencingLevels is empty while fencingRequired is true");
        assertThat(Policy.custom().fencingLevels(List.of()).fencingRequired(false).build().fencingLevels()).isEmpty();
    }

    @Test
    void unsafeReactionsAreRefused() {
        assertThatThrownBy(() -> Policy.custom().react(FailureKind.DATABASE_DOWN, Reaction.FAILOVER).build())
                .hasMessageContaining("DATABASE_DOWN").hasMessageContaining("unsafe");
        assertThatThrownBy(() -> Policy.custom().react(FailureKind.START_FAILED, Reaction.RESTART).build())
                .hasMessageContaining("START_FAILED");
        assertThatThrownBy(() -> Policy.custom().react(FailureKind.NODE_UNREACHABLE, Reaction.IGNORE).build())
                .hasMessageContaining("NODE_UNREACHABLE");
    }

    @Test
    void badValuesNameTheField() {
        assertThatThrownBy(() -> Policy.custom().probeInterval(Duration.ZERO).build())
                .hasMessageContaining("probeInterval PT0S must be positive");
        assertThatThrownBy(() -> Policy.custom().failuresBeforeAction(0).build())
                .hasMessageContaining("failuresBeforeAction 0");
        assertThatThrownBy(() -> Policy.custom().restartLimit(-1).build()).hasMessageContaining("restartLimit -1");
        assertThatThrownBy(() -> Policy.custom().fencingLevels(List.of("ipmi", "ipmi")).build())
                .hasMessageContaining("'ipmi' is listed twice");
        assertThatThrownBy(() -> Policy.custom().fencingLevels(List.of("bad level")).build())
                .hasMessageContaining("'bad level'");
        assertThatThrownBy(() -> Policy.custom().fencingDelay(NodeId.of("a"), Duration.ofSeconds(-1)).build())
                .hasMessageContaining("fencingDelays.a");
        assertThatThrownBy(() -> Policy.custom().stopTimeout(null).build()).hasMessageContaining("stopTimeout is missing");
    }

    @Test
    void clusterConfigValidation() {
        assertThatThrownBy(() -> ClusterConfig.custom().build()).hasMessageContaining("nodes is empty");
        assertThatThrownBy(() -> ClusterConfig.custom().nodes("a", "a").build()).hasMessageContaining("'a' is listed twice");
        assertThatThrownBy(() -> ClusterConfig.custom().name("bad name").nodes("a").build())
                .hasMessageContaining("cluster 'bad name'");
        assertThatThrownBy(() -> ClusterConfig.custom().nodes("a")
                .policy(Policy.custom().fencingDelay(NodeId.of("x"), Duration.ofSeconds(1)).build()).build())
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> NodeId.of("a;rm -rf /")).hasMessageContaining("node name 'a;rm -rf /' is invalid");
    }

    @Test
    void toBuilderRoundTrips() {
        Policy p = Policy.custom().restarts(3, Duration.ofMinutes(30)).fencingLevels(List.of("ipmi", "pdu")).build();
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void recheckStandbyAndFailoverBudgetHaveDefaults() {
        Policy p = Policy.ofDefaults();
        assertThat(p.recheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.standbyProbeInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.maxFailovers()).isEqualTo(3);
        assertThat(p.failoverWindow()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void unsetRecheckAndStandbyIntervalsFollowAFastOrSlowProbeInterval() {
        Policy fast = Policy.custom().probeInterval(Duration.ofMillis(50)).probeTimeout(Duration.ofMillis(40))
                .firstProbeTimeout(Duration.ofMillis(40)).build();
        assertThat(fast.recheckInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(fast.standbyProbeInterval()).isEqualTo(Duration.ofSeconds(60));
        Policy slow = Policy.custom().probeInterval(Duration.ofMinutes(2)).build();
        assertThat(slow.recheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(slow.standbyProbeInterval()).isEqualTo(Duration.ofMinutes(2));
        // toBuilder keeps "unset": a faster interval set later still gets a valid recheck
        Policy faster = slow.toBuilder().probeInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofMillis(500))
                .firstProbeTimeout(Duration.ofSeconds(1)).build();
        assertThat(faster.recheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(faster.standbyProbeInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void recheckIntervalMustBePositiveAndNotLongerThanTheProbeInterval() {
        assertThatThrownBy(() -> Policy.custom().recheckInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recheckInterval PT0S").hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Policy.custom().recheckInterval(Duration.ofSeconds(16)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recheckInterval PT16S").hasMessageContaining("probeInterval PT15S");
        assertThat(Policy.custom().recheckInterval(Duration.ofSeconds(15)).build().recheckInterval())
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void standbyProbeIntervalMustNotBeShorterThanTheProbeInterval() {
        assertThatThrownBy(() -> Policy.custom().standbyProbeInterval(Duration.ofSeconds(14)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standbyProbeInterval PT14S").hasMessageContaining("probeInterval PT15S");
        assertThat(Policy.custom().standbyProbeInterval(Duration.ofSeconds(15)).build().standbyProbeInterval())
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void maxFailoversNeedsAtLeastOneAndAPositiveWindow() {
        assertThatThrownBy(() -> Policy.custom().maxFailovers(0, Duration.ofHours(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFailovers 0")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Policy.custom().maxFailovers(2, Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failoverWindow PT0S")
                .hasMessageContaining("must be positive");
        Policy p = Policy.custom().maxFailovers(5, Duration.ofMinutes(30)).build();
        assertThat(p.maxFailovers()).isEqualTo(5);
        assertThat(p.failoverWindow()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void zeroStartupGraceIsRefused() {
        assertThatThrownBy(() -> Policy.custom().startupGrace(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startupGrace PT0S").hasMessageContaining("must be positive");
    }
}
