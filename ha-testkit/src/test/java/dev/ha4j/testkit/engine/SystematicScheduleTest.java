package dev.ha4j.testkit.engine;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.Systematic;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build's systematic check of the real engine: the base run (start, restart, failover, restart, failover
 * back) with each disruption of issue 8's fault class at every second of it, and every ordered pair at 0.5 s and
 * 2 s gaps every 5 s. A failure names the position or pair and prints {@code -Dha4j.systematicRun=N}.
 */
public class SystematicScheduleTest {
    public static ClusterConfig config() {
        return ClusterConfig.custom().name("systematic").nodes("a", "b")
                .policy(RandomConfigs.fast().restarts(1, java.time.Duration.ofMinutes(10))
                        .fencingLevels(List.of("ipmi")).build()).build();
    }

    @Test
    void everyDisruptionAtEveryPositionAndEveryPairAtSmallGaps() {
        Systematic.Report r = Systematic.builder(config())
                .replayCommand("mvn -pl ha-testkit test -Dtest=SystematicScheduleTest").build().check();
        System.out.println("systematic: " + r);
    }

    /**
     * The base run with a slow start on the standby and the old active's outdate not sticking (issue 8's S1
     * needs both), each disruption at every second; pairs too with {@code -Dha4j.systematicSlowPairs=true}.
     */
    @Test
    void everyDisruptionWhileTheFailoversStartIsSlowAndTheOldActivesOutdateDoesNotStick() {
        Systematic.Report r = Systematic.builder(config()).base(Systematic.Base.SLOW_STANDBY_START)
                .pairs(Boolean.getBoolean("ha4j.systematicSlowPairs"))
                .replayCommand("mvn -pl ha-testkit test -Dtest=SystematicScheduleTest").build().check();
        System.out.println("systematic, slow standby start: " + r);
    }
}
