package dev.ha4j.router.vip;

import java.util.List;
import java.util.Objects;

/**
 * What one external command did: its argument list, how it ended, its exit code and what it printed. Expected
 * failures (a non-zero exit, a deadline, an interrupt, a missing binary) are values of this type, never
 * exceptions.
 *
 * <p>Immutable and thread-safe.
 *
 * @param command the argument list as run (after any prefix such as {@code ip netns exec NS})
 * @param status how it ended
 * @param exitCode its exit code when {@link Status#EXITED}, otherwise -1
 * @param stdout what it printed, possibly truncated
 * @param stderr what it printed on stderr, possibly truncated; for {@link Status#NOT_STARTED} why it could not
 *     start
 */
public record CommandResult(List<String> command, Status status, int exitCode, String stdout, String stderr) {
    private static final int MAX = 4000;

    /** How a command ended. */
    public enum Status {
        /** It ran to its end; see the exit code. */
        EXITED,
        /** It was still running at its deadline and was killed. */
        TIMED_OUT,
        /** The calling thread was interrupted; the command was killed (or never started). */
        INTERRUPTED,
        /** It could not be started (binary missing, not executable). */
        NOT_STARTED
    }

    /**
     * Copies the command and truncates long outputs.
     *
     * @throws NullPointerException if an argument is null
     */
    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(status, "status");
        stdout = cut(Objects.requireNonNull(stdout, "stdout"));
        stderr = cut(Objects.requireNonNull(stderr, "stderr"));
    }

    private static String cut(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "...";
    }

    /**
     * A command that exited.
     *
     * @param command the argument list
     * @param exitCode the exit code
     * @param stdout its output
     * @param stderr its error output
     * @return the result
     */
    public static CommandResult exited(List<String> command, int exitCode, String stdout, String stderr) {
        return new CommandResult(command, Status.EXITED, exitCode, stdout, stderr);
    }

    /**
     * A command that did not end by itself.
     *
     * @param command the argument list
     * @param status {@link Status#TIMED_OUT}, {@link Status#INTERRUPTED} or {@link Status#NOT_STARTED}
     * @param detail what happened
     * @return the result
     */
    public static CommandResult notExited(List<String> command, Status status, String detail) {
        return new CommandResult(command, status, -1, "", detail);
    }

    /** @return whether it exited with code 0 */
    public boolean ok() {
        return status == Status.EXITED && exitCode == 0;
    }

    /**
     * A one-line account for a result detail or a log line: the command, how it ended and its stderr.
     *
     * @return for example {@code `ip -4 addr add 10.0.0.5/24 dev eth0` exited 2: RTNETLINK answers: File exists}
     */
    public String describe() {
        String cmd = "`" + String.join(" ", command) + "`";
        String err = stderr.strip().replace('\n', ' ');
        return switch (status) {
            case EXITED -> cmd + " exited " + exitCode + (err.isEmpty() ? "" : ": " + err);
            case TIMED_OUT -> cmd + " did not finish in time and was killed" + (err.isEmpty() ? "" : " (" + err + ")");
            case INTERRUPTED -> cmd + " was interrupted";
            case NOT_STARTED -> cmd + " could not be started: " + err;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
