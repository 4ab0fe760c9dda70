package dev.ha4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.engine.RandomConfigs;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The testkit finds its eight planted bugs: engine variants with one rule broken are each caught — seven within
 * {@link #BOUND} random schedules, forgetting an abandoned start by systematic mode — shrunk, and the shrunk
 * schedule replays to the same violation.
 */
class PlantedBugsTest {
    static final int BOUND = 5_000;

    static ClusterConfig config() {
        return ClusterConfig.custom().name("bugs").nodes("a", "b", "c")
                .policy(RandomConfigs.fast().fencingLevels(List.of("ipmi", "pdu")).build()).build();
    }

    static SimulationFailure caught(DecisionFunction.Factory bug, Set<String> rules) {
        Simulation sim = Simulation.builder(config()).decisions(bug).schedules(BOUND).threads(1).failureDir(null)
                .replayCommand("mvn -pl ha-testkit test -Dtest=PlantedBugsTest").build();
        Simulation.Report report = sim.run();
        assertThat(report.failure()).as("caught within " + BOUND + " schedules").isPresent();
        RunResult failing = report.failure().get();
        assertThat(failing.firstViolation().get().rule()).isIn(rules);
        SimulationFailure f = sim.explain(failing, report.schedules());
        // Shrunk, and the shrunk schedule replays to the same violation, also from its JSON.
        assertThat(f.shrunk().schedule().faults().size()).isLessThanOrEqualTo(failing.schedule().faults().size());
        assertThat(f.shrunk().firstViolation().get().rule()).isEqualTo(failing.firstViolation().get().rule());
        RunResult again = sim.replay(FaultSchedule.fromJson(f.shrunk().schedule().toJson()), true);
        assertThat(again.violations()).isEqualTo(f.shrunk().violations());
        assertThat(again.timeline()).isEqualTo(f.shrunk().timeline());
        assertThat(f.getMessage()).contains("-Dha4j.seed=" + failing.schedule().seed())
                .contains("mvn -pl ha-testkit test -Dtest=PlantedBugsTest").contains("VIOLATION");
        System.out.println("caught after " + report.schedules() + " schedule(s), shrunk to "
                + f.shrunk().schedule().faults().size() + " fault(s): " + f.shrunk().firstViolation().get() + "\n"
                + f.shrunk().schedule());
        return f;
    }

    @Test
    void skippingFencingIsCaught() {
        // The old active keeps running: the world sees two services, or its replica outdated under it.
        caught(PlantedBugs.skipFencing(), Set.of("world-1", "world-7", "safety-1", "safety-2", "safety-7"));
    }

    @Test
    void promotingAStaleReplicaIsCaught() {
        caught(PlantedBugs.promoteStaleReplica(), Set.of("world-3", "safety-3"));
    }

    @Test
    void failingOverOnDatabaseTroubleIsCaught() {
        caught(PlantedBugs.failOverOnDatabaseTrouble(), Set.of("safety-5"));
    }

    @Test
    void failingOverWithoutARestartIsCaught() {
        caught(PlantedBugs.noRestartBeforeFailover(), Set.of("safety-4"));
    }

    @Test
    void ignoringMaintenanceIsCaught() {
        caught(PlantedBugs.ignoreMaintenance(), Set.of("world-6"));
    }

    /**
     * Caught by systematic mode over the base run with a slow start on the standby and the old active's outdate
     * not sticking: a single disruption while that start runs is issue 8's S1. Shrunk, and the shrunk schedule
     * replays to the same violation, also from its JSON.
     */
    @Test
    void forgettingAnAbandonedStartIsCaughtBySystematicMode() {
        Systematic.Report r = Systematic.builder(dev.ha4j.testkit.engine.SystematicScheduleTest.config())
                .base(Systematic.Base.SLOW_STANDBY_START).pairs(false)
                .decisions(PlantedBugs.forgetAbandonedStart()).failureDir(null)
                .replayCommand("mvn -pl ha-testkit test -Dtest=PlantedBugsTest").build().run();
        assertThat(r.failure()).as("caught by systematic mode").isPresent();
        SimulationFailure f = r.failure().get();
        assertThat(f.original().firstViolation().get().rule()).isIn("world-1", "world-7", "safety-1", "safety-2");
        assertThat(f.shrunk().firstViolation().get().rule()).isEqualTo(f.original().firstViolation().get().rule());
        assertThat(f.shrunk().schedule().faults().size()).isLessThanOrEqualTo(f.original().schedule().faults().size());
        Simulation sim = Simulation.builder(dev.ha4j.testkit.engine.SystematicScheduleTest.config())
                .decisions(PlantedBugs.forgetAbandonedStart()).failureDir(null).threads(1).build();
        RunResult again = sim.replay(FaultSchedule.fromJson(f.shrunk().schedule().toJson()), true);
        assertThat(again.violations()).isEqualTo(f.shrunk().violations());
        assertThat(f.getMessage()).contains("-Dha4j.systematicRun=").contains("VIOLATION");
        System.out.println("caught by systematic mode after " + r.runs() + " run(s): "
                + f.getMessage().lines().limit(14).reduce("", (x, y) -> x + "\n" + y));
    }

    @Test
    void usingALeaseReportedLostBeforeItsGrantIsCaught() {
        caught(PlantedBugs.useLeaseLostBeforeGrant(), Set.of("world-10", "safety-10", "safety-3"));
    }

    @Test
    void keepingAnOperatorsForceAfterAnUnforcedPromotionIsCaught() {
        caught(PlantedBugs.keepForceAfterUnforcedPromotion(), Set.of("world-3", "safety-3", "safety-10"));
    }

    @Test
    void aFencerThatLiesIsSeenInTheWorld() {
        Simulation sim = Simulation.builder(config()).schedules(BOUND).threads(1).failureDir(null)
                .weights(FaultWeights.only(FaultWeights.Kind.FENCER_LIES, FaultWeights.Kind.POWER_LOSS,
                        FaultWeights.Kind.PARTITION, FaultWeights.Kind.HANG)).build();
        Simulation.Report report = sim.run();
        assertThat(report.failure()).isPresent();
        assertThat(report.failure().get().firstViolation().get().rule()).isIn("world-1", "world-7");
    }
}
