package dev.ha4j.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What holds without crm_simulate: the README carries the suite's table, the scenarios are well formed, and the
 * engine side plays on its own.
 */
class SuiteShapeTest {
    @Test
    void theReadmeCarriesTheTableTheSuiteWrote() throws Exception {
        String table = DifferentialSuite.read(DifferentialSuite.tableFile());
        String block = DifferentialSuite.readmeBlock(DifferentialSuite.read(DifferentialSuite.readme()));
        assertThat(block).as("the README section between " + DifferentialSuite.BEGIN + " and "
                + DifferentialSuite.END + " must equal ha-differential/pacemaker-vs-ha4j.md; regenerate with: "
                + DifferentialSuite.REGENERATE).isEqualTo(table);
        for (Differences.Difference d : Differences.ALL) {
            assertThat(table).contains("| " + d.id() + " |");
        }
    }

    @Test
    void atLeastTwentyScenariosWithUniqueIdsAndOrderedSteps() {
        List<Scenario> all = Scenarios.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(20);
        Set<String> ids = new HashSet<>();
        for (Scenario s : all) {
            assertThat(ids.add(s.id())).as("duplicate id " + s.id()).isTrue();
            Duration last = Duration.ZERO;
            for (Scenario.Step st : s.steps()) {
                assertThat(st.at()).as(s.id() + " steps in order").isGreaterThan(last);
                last = st.at();
                if (st.expected() != Scenario.Verdict.MATCH) {
                    assertThat(st.note()).as(s.id() + " a difference says why").isNotBlank();
                }
            }
        }
        assertThat(all).anyMatch(s -> s.stack() == Scenario.Stack.STASH)
                .anyMatch(s -> s.stack() == Scenario.Stack.PRIMITIVE);
    }

    @Test
    void theEngineSideMovesAtFailureNPlusOne() {
        EngineDriver ha = new EngineDriver(DifferentialSuite.NODES, 1, Duration.ofMinutes(10));
        Instant t0 = DifferentialSuite.T0;
        assertThat(ha.start(t0, t0.plusSeconds(59))).containsExactly(Decision.start("n1"));
        Scenario.Step crash = new Scenario.Step(Duration.ofMinutes(1), Scenario.Act.CRASH_ACTIVE, null,
                Scenario.Verdict.MATCH, null);
        assertThat(ha.play(crash, t0.plusSeconds(60), t0.plusSeconds(119))).containsExactly(Decision.restart("n1"));
        assertThat(ha.play(crash, t0.plusSeconds(120), t0.plusSeconds(179))).containsExactly(Decision.move("n2"));
    }
}
