package dev.ha4j.testkit;

/**
 * The rule for tests against real peers (a Debian package, root, a network namespace): skip with the reason
 * when a prerequisite is missing on a developer's machine, but fail when the system property
 * {@code ha4j.it.required} is "1" — CI sets it (through the environment variable {@code HA4J_IT_REQUIRED}), so
 * a missing install step there is a failure, never a silent skip. The rule itself lives in
 * {@link dev.ha4j.testkit.peers.Prerequisites} (artifact {@code ha-testkit-peers}, which ha-core's own tests can
 * use without a cycle); this class delegates to it and stays for the tests that already call it.
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

    /**
     * Tells whether every prerequisite must be present, that is whether {@code -Dha4j.it.required=1}.
     *
     * @return whether a missing prerequisite fails the test instead of skipping it
     */
    public static boolean required() {
        return dev.ha4j.testkit.peers.Prerequisites.required();
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
        dev.ha4j.testkit.peers.Prerequisites.require(present, reason);
    }
}
