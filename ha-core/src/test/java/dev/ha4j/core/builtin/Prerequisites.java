package dev.ha4j.core.builtin;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The prerequisites of the process tests, under the one published rule ({@link dev.ha4j.testkit.peers.Prerequisites}:
 * skip locally, fail when {@code ha4j.it.required=1}). ha-core's tests cannot use ha-testkit (it depends on
 * ha-core), so they use the rule's own tiny artifact, ha-testkit-peers.
 */
final class Prerequisites {
    private Prerequisites() {
    }

    /** Skips (or, when required, fails) unless {@code present}. */
    static void require(boolean present, String what) {
        dev.ha4j.testkit.peers.Prerequisites.require(present, "prerequisite missing: " + what);
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
