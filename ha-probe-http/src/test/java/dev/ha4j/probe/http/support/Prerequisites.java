package dev.ha4j.probe.http.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose prerequisite is missing on this machine — unless the system property
 * {@code ha4j.it.required} is "1" (CI sets it through HA4J_IT_REQUIRED), in which case a missing prerequisite
 * fails the test.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** @return whether CI demands that every prerequisite be present */
    public static boolean required() {
        return "1".equals(System.getProperty("ha4j.it.required", "").trim());
    }

    /**
     * @param present whether the prerequisite is present
     * @param reason what is missing and why the test needs it
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
