package dev.ha4j.replication.drbd;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Runs {@code drbdadm}/{@code drbdsetup} on one node, as an argument list (never a shell string): on this host
 * ({@link LocalCommandRunner}), inside a network namespace ({@link LocalCommandRunner#inNamespace}), or over SSH
 * ({@link SshCommandRunner}). Expected failures (a non-zero exit, a timeout, a command that cannot start) are
 * {@link CommandResult}s, not exceptions.
 *
 * <p>Implementations must be thread-safe, kill the process at the deadline, and return promptly with the
 * interrupt status kept when the calling thread is interrupted.
 */
public interface CommandRunner {
    /**
     * Runs a command to its end or its deadline.
     *
     * @param command the program and its arguments; names in it are validated by the caller
     * @param timeout the deadline
     * @return what it did
     */
    CommandResult run(List<String> command, Duration timeout);

    /**
     * Runs a command that keeps printing (such as {@code drbdsetup events2}) and hands every stdout line to
     * {@code line} until it returns true, the command ends, or the deadline passes; the process is then killed.
     *
     * @param command the program and its arguments
     * @param timeout the deadline
     * @param line called with every line on the calling thread; returns true to stop
     * @return the result; {@code exitCode} 0 and not timed out when {@code line} returned true
     */
    CommandResult stream(List<String> command, Duration timeout, Predicate<String> line);

    /** @return where this runner runs commands, for results and logs (never a secret) */
    String where();
}
