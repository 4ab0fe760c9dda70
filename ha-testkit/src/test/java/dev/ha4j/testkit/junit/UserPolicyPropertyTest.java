package dev.ha4j.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.testkit.FaultWeights;
import dev.ha4j.testkit.PlantedBugs;
import dev.ha4j.testkit.SimulationFailure;
import java.time.Duration;
import java.util.List;

/** The README's example: a user's property test of a custom policy, end to end. */
class UserPolicyPropertyTest {
    /** My policy: three restarts in 30 minutes, an ERROR state fails over at once, two fencing levels. */
    static ClusterConfig myCluster() {
        Policy policy = Policy.custom()
                .probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(2))
                .firstProbeTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofSeconds(30))
                .stopTimeout(Duration.ofSeconds(20)).restarts(3, Duration.ofMinutes(30))
                .react(FailureKind.ERROR, Reaction.FAILOVER)
                .fencingLevels(List.of("ipmi", "pdu"))
                .build();
        return ClusterConfig.custom().name("stash").nodes("stash-a", "stash-b").policy(policy).build();
    }

    @PolicyProperty(schedules = 2_000)
    void anErrorStateNeverCausesARestartInPlace(PolicyCheck check) {
        check.of(myCluster())
                .property("no restart on ERROR", step -> step.startedRestart()
                        && step.transition().state().lastFailure().orElse(null) == FailureKind.ERROR
                        ? "restarted in place on ERROR: " + step.transition().reason() : null)
                .property("at most one node runs the service", step -> step.world().runningCount() > 1
                        ? "two services run" : null)
                .check();
    }

    @PolicyProperty(schedules = 500)
    void failsOverWhenTheActiveNodeDies(PolicyCheck check) {
        // Only hardware trouble: every failover must complete (liveness) and fence first.
        check.of(myCluster())
                .weights(FaultWeights.only(FaultWeights.Kind.POWER_LOSS, FaultWeights.Kind.CRASH))
                .property("failover completes or blocks with a reason", step ->
                        step.transition().state().phase() == Phase.BLOCKED
                                && step.transition().state().blockedReason().isEmpty() ? "blocked without reason" : null)
                .check();
    }

    @PolicyProperty(schedules = 2_000)
    void aBrokenEngineFailsTheCheckWithTheSeedAndTheReplayCommand(PolicyCheck check) {
        assertThatThrownBy(() -> check.of(myCluster()).decisions(PlantedBugs.skipFencing()).failureDir(null).check())
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("-Dha4j.seed=")
                .hasMessageContaining("mvn test -Dtest=" + UserPolicyPropertyTest.class.getName()
                        + "#aBrokenEngineFailsTheCheckWithTheSeedAndTheReplayCommand")
                .hasMessageContaining("timeline of the shrunk run")
                .satisfies(t -> assertThat(((SimulationFailure) t).shrunk().failed()).isTrue());
    }
}
