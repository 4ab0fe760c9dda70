package dev.ha4j.core.builtin;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose prerequisite is missing, unless the system property {@code ha4j.it.required} is "1" (CI),
 * where a missing prerequisite is a failure. The same rule as {@code dev.ha4j.testkit.Prerequisites}, which
 * ha-core's tests cannot use: ha-testkit depends on ha-core.
 */
final class Prerequisites {
    private Prerequisites() {
    }

    /** Skips (or, when required, fails) unless {@code present}. */
    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("1".equals(System.getProperty("ha4j.it.required"))) {
            fail("prerequisite missing and ha4j.it.required=1: " + what);
        }
        Assumptions.assumeTrue(false, "prerequisite missing: " + what);
    }

    /** A POSIX shell with sleep, as every process test needs. */
    static void requirePosixShell() {
        require(Files.isExecutable(Path.of("/bin/sh")) && (Files.isExecutable(Path.of("/bin/sleep"))
                || Files.isExecutable(Path.of("/usr/bin/sleep"))), "/bin/sh and sleep (a POSIX system)");
    }

    /** /proc, to see zombies. */
    static void requireProc() {
        require(Files.isDirectory(Path.of("/proc/self")), "/proc (Linux) to tell a zombie from a live process");
    }
}
