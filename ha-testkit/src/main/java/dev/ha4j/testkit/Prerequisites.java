package dev.ha4j.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests against real peers (a Debian package, root, a network namespace): skip with the reason
 * when a prerequisite is missing on a developer's machine, but fail when the system property
 * {@code ha4j.it.required} is "1" — CI sets it (through the environment variable {@code HA4J_IT_REQUIRED}), so
 * a missing install step there is a failure, never a silent skip.
 *
 * <pre>{@code
 * @BeforeAll
 * static void needsIpmiSim() {
 *     Prerequisites.require(IpmiSimulator.installed(), "ipmi_sim is not on PATH: apt-get install -y openipmi");
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** @return whether every prerequisite must be present ({@code -Dha4j.it.required=1}) */
    public static boolean required() {
        return "1".equals(System.getProperty("ha4j.it.required", "").trim());
    }

    /**
     * Skips (or, when required, fails) the calling test unless {@code present}.
     *
     * @param present whether the prerequisite is there
     * @param reason what is missing and how to get it
     * @throws org.opentest4j.TestAbortedException to skip the test when the prerequisite is missing
     * @throws org.opentest4j.AssertionFailedError when it is missing and {@link #required()}
     */
    public static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if (required()) {
            Assertions.fail("prerequisite missing (ha4j.it.required=1): " + reason);
        }
        Assumptions.assumeTrue(false, reason);
    }
}
