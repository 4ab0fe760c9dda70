package dev.ha4j.fencing.ipmi.sim;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ha4j.fencing.ipmi.testing.IpmiSimulator;

/**
 * Skips a test whose prerequisite (a Debian package, a binary) is missing, with the reason, unless the
 * system property {@code ha4j.it.required} is "1" (CI sets it through HA4J_IT_REQUIRED): then it fails.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** @return whether missing prerequisites are failures */
    public static boolean required() {
        return "1".equals(System.getProperty("ha4j.it.required"));
    }

    /**
     * @param ok whether the prerequisite is there
     * @param reason what is missing and how to get it
     */
    public static void require(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if (required()) {
            fail(reason + " (required: ha4j.it.required=1)");
        }
        assumeTrue(false, reason);
    }

    /** Requires {@code ipmi_sim} and {@code ipmitool}. */
    public static void requireIpmiSim() {
        require(IpmiSimulator.installed(),
                "ipmi_sim and ipmitool are not on PATH: apt-get install -y openipmi ipmitool");
    }
}
