package dev.ha4j.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three gaps the simulator found in an earlier engine, each kept as a minimal replayable schedule and as a search
 * over the strict world model (now the default): a restart in place after a reboot that left the replica
 * secondary (F1), operator maintenance forgotten by a restarted manager (F2, and F4: while also blocked), and a
 * failover that blocked on a dead standby although a healthy one existed (F3). The engine closes all three; these tests fail if one
 * comes back.
 */
class EngineFindingsTest {
    static ClusterConfig config() {
        return ClusterConfig.custom().name("findings").nodes("a", "b")
                .policy(RandomConfigs.fast().fencingLevels(List.of("ipmi")).build()).build();
    }

    static void holds(Simulation sim, String schedule) {
        RunResult minimal = sim.replay(FaultSchedule.fromJson(schedule), true);
        assertThat(minimal.violations()).as(minimal.timeline().map(t -> t.render(40)).orElse("")).isEmpty();
        Simulation.Report r = sim.run();
        assertThat(r.failure()).as("a search over the strict model finds nothing").isEmpty();
    }

    /** F1: after a short power cycle the replica comes back SECONDARY; the restart in place promotes it again. */
    @Test
    void restartInPlaceAfterARebootPromotesTheReplicaAgain() {
        holds(Simulation.builder(config()).rebootDemotes(true).schedules(2_000).failureDir(null).build(), F1);
    }

    /** F2: operator maintenance survives a manager crash through the journal. */
    @Test
    void aRestartedManagerKeepsOperatorMaintenance() {
        holds(Simulation.builder(config()).strictMaintenance(true).schedules(5_000).failureDir(null).build(), F2);
    }

    /** F3: a failover passes over a dead standby and takes the healthy one. */
    @Test
    void aFailoverPassesOverADeadStandby() {
        Simulation sim = Simulation.builder(RandomConfigs::random).strictLiveness(true).failureDir(null)
                .build();
        RunResult minimal = sim.replay(FaultSchedule.fromJson(F3), true);
        assertThat(minimal.violations()).as(minimal.timeline().map(t -> t.render(40)).orElse("")).isEmpty();
        assertThat(minimal.finalPhase()).isNotEqualTo(dev.ha4j.core.engine.Phase.BLOCKED);
    }

    /** F4: a manager restarted while blocked and in maintenance keeps both; clearing the block starts nothing. */
    @Test
    void aRestartedManagerKeepsMaintenanceWhileBlocked() {
        Simulation sim = Simulation.builder(RandomConfigs::random).failureDir(null).build();
        RunResult minimal = sim.replay(FaultSchedule.fromJson(F4), true);
        assertThat(minimal.violations()).as(minimal.timeline().map(t -> t.render(40)).orElse("")).isEmpty();
    }

    /** Found by the first million-schedule search after F2's fix (seed 777037234). */
    static final String F4 = "{\"seed\":777037234,\"horizon\":\"PT3M35.098S\",\"faults\":["
            + "{\"type\":\"PowerLoss\",\"at\":\"PT0S\",\"node\":\"n0\",\"duration\":\"PT51S\"},"
            + "{\"type\":\"Maintenance\",\"at\":\"PT2M54S\",\"on\":true,\"length\":\"PT1H16M29S\"},"
            + "{\"type\":\"ManagerCrash\",\"at\":\"PT2M54S\",\"downtime\":\"PT3S\"},"
            + "{\"type\":\"OperatorClear\",\"at\":\"PT3M35S\",\"forcePromote\":null}]}";

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
