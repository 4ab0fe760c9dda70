package dev.ha4j.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * The default build's check of the real engine: 1,000,000 fault schedules of at least 50 engine events each,
 * over random policies of 1 to 3 nodes, every decision checked against the eight invariants (command stream
 * and simulated world) and liveness. {@code -Dha4j.schedules=N} scales it, {@code -Dha4j.seed=S} replays one.
 */
class DefaultEngineScheduleTest {
    @Test
    void theRealEngineKeepsEveryInvariantOnAMillionSchedules() {
        Simulation.Report r = Simulation.builder(RandomConfigs::random).schedules(1_000_000)
                .replayCommand("mvn -pl ha-testkit test -Dtest=DefaultEngineScheduleTest").check();
        System.out.println("real engine: " + r);
        if (System.getProperty("ha4j.seed") == null && System.getProperty("ha4j.schedule") == null
                && System.getProperty("ha4j.schedules") == null) {
            assertThat(r.schedules()).isEqualTo(1_000_000);
            assertThat(r.fewestEvents()).as("every schedule has at least 50 events").isGreaterThanOrEqualTo(50);
        }
    }
}
