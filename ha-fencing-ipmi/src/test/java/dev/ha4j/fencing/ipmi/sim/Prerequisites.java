package dev.ha4j.fencing.ipmi.sim;

import dev.ha4j.testkit.ipmi.IpmiSimulator;

/** The IPMI tests' prerequisite, under the testkit's skip-or-fail rule ({@link dev.ha4j.testkit.Prerequisites}). */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Requires {@code ipmi_sim} and {@code ipmitool}. */
    public static void requireIpmiSim() {
        dev.ha4j.testkit.Prerequisites.require(IpmiSimulator.installed(),
                "ipmi_sim and ipmitool are not on PATH: apt-get install -y openipmi ipmitool");
    }
}
