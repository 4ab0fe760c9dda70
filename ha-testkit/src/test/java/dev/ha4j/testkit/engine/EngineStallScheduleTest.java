package dev.ha4j.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.FaultWeights;
import dev.ha4j.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Stalled SPI calls at the engine level. {@link dev.ha4j.testkit.Fault.Stall} has weight 0 in the engine-level
 * defaults; given a weight, a held-back command is answered as HaRuntime's watchdog would (timed out at its
 * deadline + 1 s), the world carries it out when the stall ends, and the later of the two answers is ignored.
 * {@code -Dha4j.schedules=N} scales it, {@code -Dha4j.seed=S} replays one.
 */
class EngineStallScheduleTest {
    @Test
    void theEngineLevelModelsStalledCallsLikeTheRuntimesWatchdog() {
        Simulation sim = Simulation.builder(RandomConfigs::random).schedules(5_000).baseSeed(31_000)
                .weights(FaultWeights.custom().weight(FaultWeights.Kind.STALL, 24).build())
                .replayCommand("mvn -pl ha-testkit test -Dtest=EngineStallScheduleTest").build();
        Simulation.Report r = sim.check();
        System.out.println("engine level with stalls: " + r);
        long late = 0;
        for (long seed = 31_000; seed < 31_050; seed++) {
            late += sim.runSeed(seed, true).timeline().orElseThrow().lines().stream()
                    .filter(l -> l.contains("  LATE ") && l.contains("ignored: its command was answered already"))
                    .count();
        }
        assertThat(late).as("answers that lost the race to the watchdog's").isPositive();
    }
}
