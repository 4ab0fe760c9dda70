package dev.ha4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.engine.RandomConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultScheduleTest {
    static final List<String> NODES = List.of("a", "b", "c");

    static FaultWeights everyKind() {
        FaultWeights.Builder b = FaultWeights.custom();
        for (FaultWeights.Kind k : FaultWeights.Kind.values()) {
            b.weight(k, 1);
        }
        return b.build();
    }

    @Test
    void generationIsAPureFunctionOfTheSeed() {
        FaultSchedule.Shape shape = FaultSchedule.Shape.ofDefaults();
        assertThat(FaultSchedule.generate(42, NODES, shape)).isEqualTo(FaultSchedule.generate(42, NODES, shape));
        assertThat(FaultSchedule.generate(42, NODES, shape)).isNotEqualTo(FaultSchedule.generate(43, NODES, shape));
    }

    @Test
    void everyKindOfFaultSurvivesAJsonRoundTrip(@TempDir Path dir) {
        Set<Class<?>> seen = new HashSet<>();
        FaultSchedule.Shape shape = FaultSchedule.Shape.ofDefaults().withWeights(everyKind()).withFaults(30, 30);
        for (long seed = 0; seed < 40; seed++) {
            FaultSchedule s = FaultSchedule.generate(seed, NODES, shape);
            assertThat(FaultSchedule.fromJson(s.toJson())).isEqualTo(s);
            s.faults().forEach(f -> seen.add(f.getClass()));
        }
        assertThat(seen).hasSize(Fault.class.getPermittedSubclasses().length);
        FaultSchedule s = FaultSchedule.generate(7, NODES, shape);
        s.save(dir.resolve("s.json"));
        assertThat(FaultSchedule.load(dir.resolve("s.json"))).isEqualTo(s);
    }

    @Test
    void theJsonIsReadable() {
        FaultSchedule s = new FaultSchedule(42, Duration.ofMinutes(3), List.of(
                new Fault.PowerLoss(Duration.ofSeconds(40), "a", Duration.ZERO), new Fault.Recover(Duration.ofMinutes(3))));
        assertThat(s.toJson()).isEqualTo("{\"seed\":42,\"horizon\":\"PT3M\",\"faults\":[{\"type\":\"PowerLoss\","
                + "\"at\":\"PT40S\",\"node\":\"a\",\"duration\":\"PT0S\"},{\"type\":\"Recover\",\"at\":\"PT3M\"}]}");
        assertThat(s.toString()).contains("+40s a loses power until recovered");
    }

    @Test
    void invalidInputIsRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> FaultSchedule.fromJson("{\"seed\":1,\"horizon\":\"PT1M\",\"faults\":[{\"type\":\"Nope\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid fault schedule");
        assertThatThrownBy(() -> new Fault.Partition(Duration.ZERO, "manager", "moon", Duration.ZERO))
                .hasMessageContaining("endpoint 'moon'");
        assertThatThrownBy(() -> FaultWeights.custom().none().build()).hasMessageContaining("every weight is zero");
        assertThatThrownBy(() -> new Fault.MessageDrop(Duration.ZERO, 101, Duration.ZERO)).hasMessageContaining("101");
        assertThatThrownBy(() -> new Fault.Stall(Duration.ZERO, "manager", Duration.ZERO))
                .hasMessageContaining("endpoint 'manager' cannot stall");
    }

    @Test
    void callsThatTakeTimeComeWithDisruptionsWhileTheyAreOutstanding() {
        // Both levels draw stalls by default now: the engine-level simulator answers an overrun call as the
        // runtime's watchdog does, and that fault class is where two writers hid (issue 8).
        assertThat(FaultWeights.ofDefaults().weight(FaultWeights.Kind.STALL)).isPositive();
        assertThat(FaultWeights.ofRuntimeDefaults().weight(FaultWeights.Kind.STALL)).isPositive();
        long stalls = 0;
        long short_ = 0;
        long disrupted = 0;
        for (long seed = 0; seed < 300; seed++) {
            List<Fault> faults = FaultSchedule.generate(seed, NODES, FaultSchedule.Shape.ofDefaults()).faults();
            for (int i = 0; i < faults.size(); i++) {
                if (faults.get(i) instanceof Fault.Stall st) {
                    stalls++;
                    if (!st.duration().isZero() && st.duration().compareTo(Duration.ofSeconds(8)) <= 0) {
                        short_++;
                    }
                    if (i + 1 < faults.size() && !(faults.get(i + 1) instanceof Fault.Recover)) {
                        Fault next = faults.get(i + 1);
                        Duration gap = next.at().minus(st.at());
                        if (!gap.isNegative() && gap.compareTo(Duration.ofSeconds(3)) <= 0
                                && (next instanceof Fault.Maintenance || next instanceof Fault.SessionLost
                                        || next instanceof Fault.ManagerCrash || next instanceof Fault.OperatorClear
                                        || next instanceof Fault.Switchover)) {
                            disrupted++;
                        }
                    }
                }
            }
        }
        assertThat(stalls).isGreaterThan(50);
        assertThat(short_).as("calls that end around their deadline").isGreaterThan(stalls / 4);
        assertThat(disrupted).as("stalls with a disruption while the call is outstanding").isGreaterThan(stalls / 4);
        Fault.Stall s = new Fault.Stall(Duration.ofSeconds(5), "bmc:a", Duration.ofSeconds(30));
        assertThat(s.concerns()).contains("a");
        assertThat(s.describe()).isEqualTo("calls to the BMC of a stall (answered only when the stall ends) for 30s");
    }

    @Test
    void aRunIsAPureFunctionOfItsScheduleAndReplaysFromJson() {
        ClusterConfig c = ClusterConfig.custom().name("d").nodes("a", "b", "c")
                .policy(RandomConfigs.fast().fencingLevels(List.of("ipmi")).build()).build();
        Simulation sim = Simulation.builder(c).shape(FaultSchedule.Shape.ofDefaults().withWeights(everyKind()
                .toBuilder().weight(FaultWeights.Kind.FENCER_LIES, 0).build())).build();
        for (long seed = 1; seed < 30; seed++) {
            RunResult a = sim.runSeed(seed, true);
            RunResult b = sim.replay(FaultSchedule.fromJson(sim.generate(seed).toJson()), true);
            assertThat(b.timeline()).isEqualTo(a.timeline());
            assertThat(b.events()).isEqualTo(a.events());
            assertThat(a.violations()).isEmpty();
        }
    }
}
