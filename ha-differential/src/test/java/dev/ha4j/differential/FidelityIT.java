package dev.ha4j.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shows that making crm_simulate behave like a live cluster changes a verdict: without rewriting the wall-clock
 * stamps of injected failures, a failure that expired (W after it happened) still counts, and Pacemaker moves
 * the service where a live cluster restarts it.
 */
class FidelityIT {
    @TempDir
    Path dir;

    @Test
    void wallClockStampsMustBecomeTheStepTimeOrFailuresNeverExpire() throws Exception {
        Path bin = DifferentialIT.crmSimulate();
        Prerequisites.require(bin != null, "crm_simulate not found (Debian package pacemaker-cli-utils)");
        Scenario p05 = Scenarios.all().stream().filter(s -> s.id().equals("P05")).findFirst().orElseThrow();
        Scenario.Step late = p05.steps().get(1);
        assertThat(late.at().toMinutes()).as("P05's second crash comes after W").isEqualTo(12);

        assertThat(playUpTo(new PacemakerDriver(bin, dir.resolve("faithful"), DifferentialSuite.NODES, p05), p05))
                .containsExactly(Decision.restart("n1"));
        assertThat(playUpTo(new PacemakerDriver(bin, dir.resolve("naive"), DifferentialSuite.NODES, p05)
                .withoutRestamping(), p05)).containsExactly(Decision.move("n2"));
    }

    private static List<Decision> playUpTo(PacemakerDriver d, Scenario s) throws Exception {
        Instant t0 = DifferentialSuite.T0;
        d.start(t0);
        d.play(s.steps().get(0), t0.plus(s.steps().get(0).at()));
        return d.play(s.steps().get(1), t0.plus(s.steps().get(1).at()));
    }
}
