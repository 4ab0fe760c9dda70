package dev.ha4j.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.Simulation;
import dev.ha4j.testkit.SimulationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gaps of the ha-core 0.1 engine that the simulator finds once the world is modelled more strictly than the
 * default build does. Each test searches with the strict model, then replays the minimal schedule the shrinker
 * produced; it asserts that the violation is present (documenting the gap) so the build stays green. When
 * ha-core closes a gap, its test here fails: flip it to expect no violation and drop the flag from the default.
 */
class EngineFindingsTest {
    static ClusterConfig config() {
        return ClusterConfig.custom().name("findings").nodes("a", "b")
                .policy(RandomConfigs.fast().fencingLevels(List.of("ipmi")).build()).build();
    }

    static RunResult findAndReplay(Simulation sim, String rule) {
        Simulation.Report r = sim.run();
        assertThat(r.failure()).as("found").isPresent();
        SimulationFailure f = sim.explain(r.failure().get(), r.schedules());
        System.out.println(f.getMessage());
        assertThat(f.shrunk().firstViolation().get().rule()).isEqualTo(rule);
        return f.shrunk();
    }

    /** F1: after a short power cycle the replica comes back SECONDARY; the restart in place never promotes again. */
    @Test
    void restartInPlaceAfterARebootStartsTheServiceOnAnUnpromotedReplica() {
        Simulation sim = Simulation.of(config()).rebootDemotes(true).schedules(2_000).failureDir(null).build();
        findAndReplay(sim, "world-7");
        RunResult minimal = sim.replay(FaultSchedule.fromJson(F1), true);
        System.out.println(minimal.timeline().get().render(30));
        assertThat(minimal.firstViolation().get().rule()).isEqualTo("world-7");
        assertThat(minimal.firstViolation().get().message()).contains("whose replica is SECONDARY");
    }

    /** F2: operator maintenance lives only in the manager's memory; a restarted manager acts during it. */
    @Test
    void aRestartedManagerForgetsOperatorMaintenance() {
        Simulation sim = Simulation.of(config()).strictMaintenance(true).schedules(5_000).failureDir(null).build();
        findAndReplay(sim, "world-6");
        RunResult minimal = sim.replay(FaultSchedule.fromJson(F2), true);
        System.out.println(minimal.timeline().get().render(30));
        assertThat(minimal.firstViolation().get().rule()).isEqualTo("world-6");
    }

    /**
     * F3: the failover target is the first standby by preference, never checked before it is chosen; when it
     * has died unnoticed, the takeover blocks on its replica check although another healthy standby exists.
     */
    @Test
    void aFailoverBlocksOnADeadStandbyAlthoughAHealthyOneExists() {
        Simulation sim = Simulation.ofRandomConfigs(RandomConfigs::random).strictLiveness(true).failureDir(null)
                .build();
        RunResult minimal = sim.replay(FaultSchedule.fromJson(F3), true);
        System.out.println(minimal.timeline().get().render(12));
        assertThat(minimal.firstViolation().get().rule()).isEqualTo("liveness:failover");
        assertThat(minimal.finalPhase()).isEqualTo(dev.ha4j.core.engine.Phase.BLOCKED);
        // The default precondition (every other node a healthy standby) does not apply the bound here.
        RunResult lenient = Simulation.ofRandomConfigs(RandomConfigs::random).failureDir(null).build()
                .replay(FaultSchedule.fromJson(F3), false);
        assertThat(lenient.violations()).isEmpty();
    }

    /** 3 nodes; n1 dies unnoticed at once; n0 dies later: the failover picks n1 and blocks; n2 is healthy. */
    static final String F3 = "{\"seed\":2000085859,\"horizon\":\"PT3M31.633S\",\"faults\":["
            + "{\"type\":\"PowerLoss\",\"at\":\"PT0S\",\"node\":\"n1\",\"duration\":\"PT0S\"},"
            + "{\"type\":\"PowerLoss\",\"at\":\"PT1M47S\",\"node\":\"n0\",\"duration\":\"PT0S\"}]}";

    /** b runs the service; it loses power for a few seconds; the restart in place starts it on a SECONDARY replica. */
    static final String F1 = "{\"seed\":20260194,\"horizon\":\"PT1M54.008S\",\"faults\":["
            + "{\"type\":\"PowerLoss\",\"at\":\"PT1M29S\",\"node\":\"a\",\"duration\":\"PT0S\"},"
            + "{\"type\":\"PowerLoss\",\"at\":\"PT1M46S\",\"node\":\"b\",\"duration\":\"PT0S\"},"
            + "{\"type\":\"Recover\",\"at\":\"PT1M54S\"}]}";
    /** Maintenance on, the manager crashes at once and restarts 13 s later: it promotes and starts a. */
    static final String F2 = "{\"seed\":20260139,\"horizon\":\"PT1M54.895S\",\"faults\":["
            + "{\"type\":\"Maintenance\",\"at\":\"PT0S\",\"on\":true,\"length\":\"PT53M13S\"},"
            + "{\"type\":\"ManagerCrash\",\"at\":\"PT0S\",\"downtime\":\"PT13S\"}]}";
}
