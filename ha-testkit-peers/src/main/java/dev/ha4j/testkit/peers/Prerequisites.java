package dev.ha4j.testkit.peers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for tests against real peers (a Debian package, root, a network namespace, a server): skip with the
 * reason when a prerequisite is missing on a developer's machine, but fail when the system property
 * {@code ha4j.it.required} is "1". CI sets it (through the environment variable {@code HA4J_IT_REQUIRED}), so a
 * missing install step there is a failure, never a silent skip. This is the only implementation of the rule;
 * {@code dev.ha4j.testkit.Prerequisites} delegates here.
 *
 * <pre>{@code
 * @BeforeAll
 * static void needsIpmiSim() {
 *     Prerequisites.require(Prerequisites.onPath("ipmi_sim"), "ipmi_sim is not on PATH: apt-get install -y openipmi");
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Prerequisites {
    /** The system property that turns a missing prerequisite into a failure when it is "1". */
    public static final String REQUIRED_PROPERTY = "ha4j.it.required";

    private Prerequisites() {
    }

    /**
     * Tells whether every prerequisite must be present, that is whether {@code -Dha4j.it.required=1}.
     *
     * @return whether a missing prerequisite fails the test instead of skipping it
     */
    public static boolean required() {
        return "1".equals(System.getProperty(REQUIRED_PROPERTY, "").trim());
    }

    /**
     * Skips (or, when {@link #required()}, fails) the calling test unless {@code present}.
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
            Assertions.fail("prerequisite missing (" + REQUIRED_PROPERTY + "=1): " + reason);
        }
        Assumptions.assumeTrue(false, reason);
    }

    /**
     * Tells whether an executable of that name is in one of the {@code PATH}'s folders.
     *
     * @param binary a program name without a folder, such as {@code "ipmitool"}
     * @return whether it is on the {@code PATH}
     * @throws IllegalArgumentException if {@code binary} names a folder or is empty
     */
    public static boolean onPath(String binary) {
        if (binary.isEmpty() || binary.contains("/")) {
            throw new IllegalArgumentException("binary '" + binary + "' must be a bare program name");
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells whether the tests run as root (uid 0), as namespace and network tests need.
     *
     * @return whether the effective user is root, read from {@code /proc/self/status}
     */
    public static boolean root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
