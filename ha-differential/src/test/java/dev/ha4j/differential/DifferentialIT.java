package dev.ha4j.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The living differential suite: every scenario through Pacemaker's {@code crm_simulate} and through the
 * engine, compared step by step. Writes {@code pacemaker-vs-ha4j.md}; fails on a new difference, on a deliberate
 * difference that is gone, and when the README's copy of the table is stale. Skips without {@code crm_simulate}
 * unless {@code HA4J_IT_REQUIRED=1}.
 */
class DifferentialIT {
    @TempDir
    Path work;

    static Path crmSimulate() {
        String override = System.getProperty("ha4j.differential.crmSimulate", "");
        if (!override.isBlank()) {
            Path p = Path.of(override);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/sbin", "/usr/bin"))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s, "crm_simulate")).filter(Files::isExecutable).findFirst().orElse(null);
    }

    @Test
    void ha4jHeldAgainstPacemakerDecisionByDecision() throws Exception {
        Path bin = crmSimulate();
        Prerequisites.require(bin != null, "crm_simulate not found (Debian package pacemaker-cli-utils)");
        long t0 = System.nanoTime();
        List<DifferentialSuite.StepResult> results = DifferentialSuite.run(bin, work);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String table = DifferentialSuite.render(results, PacemakerDriver.version(bin));
        System.out.println(table);
        System.out.printf("differential suite: %d scenarios, %d steps, %d crm_simulate runs in %d ms"
                + " (noisy: shared machine)%n", Scenarios.all().size(), results.size(), DifferentialSuite.LAST_RUNS.get(), ms);
        Files.writeString(DifferentialSuite.tableFile(), table, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("ha4j.differential.updateReadme")) {
            Path readme = DifferentialSuite.readme();
            Files.writeString(readme, DifferentialSuite.withReadmeBlock(DifferentialSuite.read(readme), table),
                    StandardCharsets.UTF_8);
        }

        assertThat(Scenarios.all()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(DifferentialSuite.problems(results)).as("steps that disagree with their expected verdict")
                .isEmpty();
        assertThat(DifferentialSuite.readmeBlock(DifferentialSuite.read(DifferentialSuite.readme())))
                .as("the README's table \"ha4j and Pacemaker, decision by decision\" differs from the suite's;"
                        + " regenerate it with: " + DifferentialSuite.REGENERATE)
                .isEqualTo(table);
    }
}
