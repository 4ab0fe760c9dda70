package dev.ha4j.replication.drbd;

import java.util.List;
import java.util.Objects;

/**
 * What one external command did: the argument list it ran, its exit code, what it printed, and whether it was
 * cut off at its deadline or could not be started. A failure's description carries the command, the exit code
 * and stderr, never a secret (nothing secret reaches a DRBD command line).
 *
 * <p>Immutable and thread-safe.
 *
 * @param command the argument list as run, the runner's prefix included
 * @param exitCode the exit code; -1 when the command timed out or did not start
 * @param stdout what it printed on standard output
 * @param stderr what it printed on standard error, or why it did not start
 * @param timedOut whether the deadline passed first (the process was killed)
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
    /** The exit code used when no process exit code exists. */
    public static final int NO_EXIT = -1;

    /**
     * @throws NullPointerException if an argument is null
     */
    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /**
     * Makes the result of a command that timed out.
     *
     * @param command the command
     * @param stdout what it printed before
     * @param stderr what it printed before
     * @return the result
     */
    public static CommandResult timedOut(List<String> command, String stdout, String stderr) {
        return new CommandResult(command, NO_EXIT, stdout, stderr, true);
    }

    /**
     * Makes the result of a command that could not be started or was interrupted.
     *
     * @param command the command
     * @param why the cause
     * @return the result
     */
    public static CommandResult notRun(List<String> command, String why) {
        return new CommandResult(command, NO_EXIT, "", why, false);
    }

    /** @return whether it exited 0 in time */
    public boolean isSuccess() {
        return !timedOut && exitCode == 0;
    }

    /** @return a one-line description: the command, how it ended, and the last line of stderr */
    public String describe() {
        String how = timedOut ? "timed out" : exitCode == NO_EXIT ? "did not run" : "exited " + exitCode;
        String err = lastLine(stderr);
        return "'" + String.join(" ", command) + "' " + how + (err.isEmpty() ? "" : ": " + err);
    }

    /**
     * Picks the most telling line of stderr: a "State change failed" line if there is one, else the last line.
     *
     * @param text stderr
     * @return the line, trimmed; empty when there is none
     */
    static String lastLine(String text) {
        String best = "";
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.contains("State change failed") || t.startsWith("Failure:")) {
                return t.length() > 300 ? t.substring(0, 300) : t;
            }
            if (!t.isEmpty()) {
                best = t;
            }
        }
        return best.length() > 300 ? best.substring(0, 300) : best;
    }

    @Override
    public String toString() {
        return describe();
    }
}
