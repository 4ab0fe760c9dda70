package dev.ha4j.router.vip.internal;

import dev.ha4j.router.vip.CommandResult;
import dev.ha4j.router.vip.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}: an argument list, never a shell. The output of each
 * command is drained by two short-lived daemon threads, so a chatty command cannot block on a full pipe; at its
 * deadline, or when the calling thread is interrupted, the command and its descendants are killed. After an
 * interrupt the call returns once the command has exited (at most a second later); after a deadline at once.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** The one instance. */
    public static final ProcessCommandRunner INSTANCE = new ProcessCommandRunner();
    private static final long EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private ProcessCommandRunner() {
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) {
        List<String> cmd = List.copyOf(command);
        if (Thread.currentThread().isInterrupted()) {
            return CommandResult.notExited(cmd, CommandResult.Status.INTERRUPTED, "interrupted before it started");
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException | RuntimeException e) {
            return CommandResult.notExited(cmd, CommandResult.Status.NOT_STARTED, String.valueOf(e.getMessage()));
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // it reads no input
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        out.start();
        err.start();
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                kill(p);
                return new CommandResult(cmd, CommandResult.Status.TIMED_OUT, -1, out.text(),
                        "no exit within " + timeout.toMillis() + " ms. " + err.text());
            }
            // the pipes close when the process exits, unless a descendant keeps them open: do not wait for that
            out.join(200);
            err.join(200);
        } catch (InterruptedException e) {
            kill(p);
            // An interrupt is a cancellation (a new move, close()): the caller must be able to rely on the command
            // being gone when this returns, and a killed program can take tens of milliseconds to die (send_arp
            // tears down its packet sockets). The interrupt status is clear here, so this wait works; bounded.
            awaitExit(p, EXIT_WAIT_NANOS);
            Thread.currentThread().interrupt();
            return new CommandResult(cmd, CommandResult.Status.INTERRUPTED, -1, out.text(), err.text());
        }
        return CommandResult.exited(cmd, p.exitValue(), out.text(), err.text());
    }

    private static void awaitExit(Process p, long nanos) {
        try {
            p.waitFor(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process p) {
        // SIGKILL cannot be ignored; the JDK's reaper collects the exit status, so the caller need not wait for it
        // (waiting costs tens of milliseconds on a loaded machine, on the failover's critical path).
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @Override
    public String toString() {
        return "CommandRunner[local]";
    }

    /** Reads one stream of a child to its end. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            super("ha4j-vip-cmd-output");
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] b = new byte[2048];
            try (in) {
                int n;
                while ((n = in.read(b)) >= 0) {
                    synchronized (buf) {
                        if (buf.size() < 65536) {
                            buf.write(b, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                // the child is gone; keep what was read
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
