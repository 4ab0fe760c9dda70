package dev.ha4j.core.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Process-tree helpers shared by the built-ins: collecting a tree, killing it, and telling whether a process is
 * really gone.
 *
 * <p>{@link ProcessHandle#isAlive()} is true for a zombie (it only checks that the pid still exists with the
 * same start time), and a killed grandchild whose new parent does not reap it (PID 1 in many containers) stays
 * a zombie forever. Where {@code /proc} exists we therefore read the state letter from
 * {@code /proc/PID/stat}: {@code Z} (zombie) and {@code X} (dead) count as gone, since neither can run again.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
    /** How often a wait for processes we cannot {@code waitpid} re-reads their state. */
    private static final long POLL_NANOS = 10_000_000L;
    /** How long {@code kill(1)} may take to send SIGCONT (it normally takes a few milliseconds). */
    static final long CONT_WAIT_NANOS = 2_000_000_000L;
    private static final List<Path> KILL_BINARIES = List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"));

    private ProcessTree() {
    }

    /**
     * @param h a process
     * @return whether it can never run again: exited, reaped, or a zombie
     */
    static boolean isGone(ProcessHandle h) {
        if (!h.isAlive()) {
            return true;
        }
        if (!HAS_PROC) {
            return false;
        }
        char state = stateLetter(h.pid());
        return state == 'Z' || state == 'X' || state == '?';
    }

    /**
     * @param pid a process id
     * @return the state letter of {@code /proc/PID/stat}, {@code '?'} if the process does not exist, or
     *     {@code 'R'} when it cannot be read for another reason (assume alive: the safe side)
     */
    static char stateLetter(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8);
            // the command name is in parentheses and may itself contain ')' or spaces
            int close = stat.lastIndexOf(')');
            if (close < 0 || close + 2 >= stat.length()) {
                return 'R';
            }
            return stat.charAt(close + 2);
        } catch (NoSuchFileException e) {
            return '?';
        } catch (IOException | RuntimeException e) {
            return 'R';
        }
    }

    /**
     * Collects a process and all its descendants as they are now, the root first.
     *
     * @param root the root process
     * @return the tree, the root first; processes already gone are left out
     */
    static List<ProcessHandle> collect(ProcessHandle root) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        all.add(root);
        try {
            root.descendants().forEach(all::add);
        } catch (RuntimeException e) {
            // descendants() can fail on exotic platforms; the root alone is still worth killing
        }
        all.removeIf(ProcessTree::isGone);
        return new ArrayList<>(all);
    }

    /**
     * Sends SIGKILL to every process in {@code handles}.
     *
     * @param handles the processes; gone ones are skipped
     */
    static void killAll(Collection<ProcessHandle> handles) {
        for (ProcessHandle h : handles) {
            if (!isGone(h)) {
                h.destroyForcibly();
            }
        }
    }

    /**
     * Sends SIGCONT to every process in {@code handles} that is stopped (state {@code T} in {@code /proc}; every
     * live one where there is no {@code /proc}), through {@code kill(1)} as an argument list of numeric pids:
     * the JDK can send SIGTERM and SIGKILL only.
     *
     * @param handles the processes
     * @param deadlineNanos the caller's deadline, a {@link System#nanoTime()} value; {@code kill(1)} is waited
     *     for at most until then (and at most {@link #CONT_WAIT_NANOS})
     * @return "" when none was stopped, else what was done, for the caller's detail
     */
    static String continueStopped(Collection<ProcessHandle> handles, long deadlineNanos) {
        List<ProcessHandle> stopped = new ArrayList<>();
        for (ProcessHandle h : handles) {
            if (!isGone(h) && (!HAS_PROC || stateLetter(h.pid()) == 'T')) {
                stopped.add(h);
            }
        }
        if (stopped.isEmpty()) {
            return "";
        }
        Path kill = KILL_BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (kill == null) {
            return "cannot continue stopped " + pids(stopped) + ": no kill binary in " + KILL_BINARIES;
        }
        List<String> command = new ArrayList<>(List.of(kill.toString(), "-s", "CONT", "--"));
        stopped.forEach(h -> command.add(Long.toString(h.pid())));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            long wait = Math.min(CONT_WAIT_NANOS, Math.max(0, deadlineNanos - System.nanoTime()));
            if (!p.waitFor(wait, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                return "kill -s CONT " + pids(stopped) + " did not finish in time";
            }
            return p.exitValue() == 0 ? "continued stopped " + pids(stopped)
                    : "kill -s CONT " + pids(stopped) + " exited " + p.exitValue();
        } catch (IOException e) {
            return "cannot continue stopped " + pids(stopped) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while continuing stopped " + pids(stopped);
        }
    }

    /**
     * Waits until every process in {@code handles} is gone or the deadline passes, whichever comes first.
     *
     * @param handles the processes to wait for; the collection is not modified
     * @param deadlineNanos the deadline as a {@link System#nanoTime()} value
     * @return the processes still present at the deadline (empty when all are gone)
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    static List<ProcessHandle> awaitGone(Collection<ProcessHandle> handles, long deadlineNanos)
            throws InterruptedException {
        List<ProcessHandle> left = new ArrayList<>(handles);
        while (true) {
            for (Iterator<ProcessHandle> it = left.iterator(); it.hasNext();) {
                if (isGone(it.next())) {
                    it.remove();
                }
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (left.isEmpty() || remaining <= 0) {
                return left;
            }
            // A zombie is only visible in /proc, so polling is the one way to see it go; parkNanos rather
            // than sleep so that an interrupt ends the wait at once.
            LockSupport.parkNanos(ProcessTree.class, Math.min(POLL_NANOS, remaining));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + pids(left) + " to exit");
            }
        }
    }

    /**
     * @param handles processes
     * @return their pids, for a detail message
     */
    static String pids(Collection<ProcessHandle> handles) {
        return handles.stream().map(h -> Long.toString(h.pid())).collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * @param nanos a duration in nanoseconds
     * @return the duration in whole milliseconds, for a detail message
     */
    static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }
}
