package dev.ha4j.testkit.netns;

import java.util.List;

/**
 * What a lab command did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param command the argument list
 * @param exitCode its exit code, -1 if it was killed at its deadline or interrupted
 * @param stdout what it printed
 * @param stderr what it printed on stderr
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
    /** @return whether it exited 0 */
    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * Returns this result if the command exited 0.
     *
     * @return this result
     * @throws IllegalStateException naming the command, its exit code and stderr otherwise
     */
    public ExecResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException("lab command " + String.join(" ", command) + " exited " + exitCode
                    + ": " + stderr.strip());
        }
        return this;
    }
}
