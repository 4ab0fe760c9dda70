package dev.ha4j.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Notification;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.testkit.Fault;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.engine.RandomConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real HaRuntime on virtual time with simulated SPIs. */
class RuntimeSimulationTest {
    @BeforeAll
    static void quietRuntimeLog() {
        System.setProperty("org.slf4j.simpleLogger.log.dev.ha4j.core.runtime", "warn");
    }

    static ClusterConfig twoNodes() {
        return ClusterConfig.custom().name("rt").nodes("a", "b")
                .policy(RandomConfigs.fast().fencingLevels(List.of("bmc")).build()).build();
    }

    @Test
    void aSimulatedHourOfTheRealRuntimeRunsInVirtualTime() {
        FaultSchedule s = new FaultSchedule(7, Duration.ofHours(1), List.of(
                new Fault.ServiceCrash(Duration.ofMinutes(5), "a"),
                new Fault.ServiceCrash(Duration.ofMinutes(7), "a"),
                new Fault.ServiceCrash(Duration.ofMinutes(8), "a"),
                new Fault.PowerLoss(Duration.ofMinutes(20), "b", Duration.ZERO),
                new Fault.DatabaseDown(Duration.ofMinutes(30), false, Duration.ofMinutes(5)),
                new Fault.Recover(Duration.ofMinutes(59))));
        long t0 = System.nanoTime();
        RunResult r = RuntimeSimulator.builder(twoNodes()).build().run(s, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("a simulated " + r.virtualTime() + " of the real runtime took " + ms + " ms wall, "
                + r.events() + " decisions");
        assertThat(r.violations()).as(r.timeline().get().render(80)).isEmpty();
        assertThat(r.virtualTime()).isGreaterThanOrEqualTo(Duration.ofHours(1));
        assertThat(r.notified(Notification.Kind.RESTARTED)).isGreaterThanOrEqualTo(2);
        assertThat(r.notified(Notification.Kind.FAILOVER_COMPLETED)).isGreaterThanOrEqualTo(1);
        assertThat(r.finalPhase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void theRealRuntimeKeepsEveryInvariantOnRandomSchedules() {
        int n = Integer.getInteger("ha4j.runtimeSchedules", 300);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = 5_000L + i;
            ClusterConfig c = RandomConfigs.random(new Random(seed));
            FaultSchedule s = FaultSchedule.generate(seed, c.nodes().stream().map(x -> x.name()).toList(),
                    FaultSchedule.Shape.defaults());
            RunResult r = RuntimeSimulator.builder(c).build().run(s, false);
            if (r.failed()) {
                failures.add("seed " + seed + ": " + r.firstViolation().get() + "\n" + s + "\n"
                        + RuntimeSimulator.builder(c).build().run(s, true).timeline().get().render(50));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aRuntimeRunIsAPureFunctionOfItsSchedule() {
        ClusterConfig c = RandomConfigs.random(new Random(3));
        FaultSchedule s = FaultSchedule.generate(99, c.nodes().stream().map(x -> x.name()).toList(),
                FaultSchedule.Shape.defaults().withFaults(6, 6));
        RunResult a = RuntimeSimulator.builder(c).build().run(s, true);
        RunResult b = RuntimeSimulator.builder(c).build().run(s, true);
        assertThat(a.timeline()).isEqualTo(b.timeline());
        assertThat(a.events()).isGreaterThan(20);
    }
}
