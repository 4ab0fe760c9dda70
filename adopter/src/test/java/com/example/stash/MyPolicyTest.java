package com.example.stash;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.testkit.junit.PolicyCheck;
import dev.ha4j.testkit.junit.PolicyProperty;
import java.time.Duration;
import java.util.List;

// The README's property test of a custom policy, pasted verbatim below this line.
class MyPolicyTest {
    static ClusterConfig myCluster() {
        Policy policy = Policy.custom()
                .probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(2))
                .firstProbeTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofSeconds(30))
                .stopTimeout(Duration.ofSeconds(20)).restarts(3, Duration.ofMinutes(30))
                .react(FailureKind.ERROR, Reaction.FAILOVER)          // my rule: ERROR fails over at once
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
                .check();
    }
}
