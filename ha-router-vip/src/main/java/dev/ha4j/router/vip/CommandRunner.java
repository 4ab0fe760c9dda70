package dev.ha4j.router.vip;

import dev.ha4j.router.vip.internal.ProcessCommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runs one external command, given as an argument list, on the node it stands for: locally, in a network
 * namespace ({@link #inNetns(String)}), over SSH or through a user's own agent ({@link #prefixed(List)}, or an
 * implementation of this interface). The router hands it only validated names and addresses.
 *
 * <p>Implementations must be thread-safe, must return within {@code timeout} (killing what they started), must
 * return expected failures as a {@link CommandResult} rather than throw, and, when the calling thread is
 * interrupted, must stop the command (return once it has ended, so that {@link VipRouter#close()} leaves no
 * announcement running), return {@link CommandResult.Status#INTERRUPTED} and keep the thread's interrupt status.
 */
@FunctionalInterface
public interface CommandRunner {
    /**
     * Runs the command and waits for it, at most {@code timeout}.
     *
     * @param command the argument list; the first element is the program
     * @param timeout how long it may take
     * @return what it did
     */
    CommandResult run(List<String> command, Duration timeout);

    /** @return a runner that starts commands on this machine, in this process's namespace */
    static CommandRunner local() {
        return ProcessCommandRunner.INSTANCE;
    }

    /**
     * A runner that runs every command inside a named network namespace of this machine, through
     * {@code ip netns exec NAMESPACE ...} (needs CAP_SYS_ADMIN).
     *
     * @param namespace the namespace's name: 1-64 characters of {@code [A-Za-z0-9._-]}, starting with a letter or
     *     digit
     * @return the runner
     * @throws IllegalArgumentException if the name is invalid
     */
    static CommandRunner inNetns(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (!Pattern.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}", namespace)) {
            throw new IllegalArgumentException("namespace '" + namespace.replaceAll("\\p{Cntrl}", "?")
                    + "' is invalid: use 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return prefixed(List.of("ip", "netns", "exec", namespace));
    }

    /**
     * A runner that puts {@code prefix} in front of every command and runs the result locally, for example
     * {@code List.of("ssh", "-o", "BatchMode=yes", "root@node-b", "--")}. Note that ssh joins the remote
     * arguments into one string for the remote shell; the router's own arguments are validated names and
     * addresses, which need no quoting.
     *
     * @param prefix the leading arguments; none may be empty or contain a control character
     * @return the runner
     * @throws IllegalArgumentException if the prefix is empty or an argument is invalid
     */
    static CommandRunner prefixed(List<String> prefix) {
        List<String> p = List.copyOf(prefix);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("prefix must not be empty");
        }
        for (String a : p) {
            if (a.isEmpty() || Pattern.compile("\\p{Cntrl}").matcher(a).find()) {
                throw new IllegalArgumentException("prefix argument '" + a.replaceAll("\\p{Cntrl}", "?")
                        + "' must be non-empty and contain no control character");
            }
        }
        return new CommandRunner() {
            @Override
            public CommandResult run(List<String> command, Duration timeout) {
                List<String> full = new ArrayList<>(p.size() + command.size());
                full.addAll(p);
                full.addAll(command);
                return ProcessCommandRunner.INSTANCE.run(full, timeout);
            }

            @Override
            public String toString() {
                return "CommandRunner" + p;
            }
        };
    }
}
