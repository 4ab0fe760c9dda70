package dev.ha4j.testkit.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command of the lab as an argument list and collects what it printed. Internal to the lab.
 *
 * <p>Stateless and thread-safe.
 */
final class Exec {
    private Exec() {
    }

    static ExecResult run(List<String> command, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ExecResult(List.copyOf(command), 127, "", "cannot start: " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the command reads no input
        }
        Reader out = new Reader(p.getInputStream());
        Reader err = new Reader(p.getErrorStream());
        out.start();
        err.start();
        boolean interrupted = false;
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                return new ExecResult(List.copyOf(command), -1, out.text(), err.text() + " (killed after " + timeout + ")");
            }
            out.join(2000);
            err.join(2000);
        } catch (InterruptedException e) {
            interrupted = true;
            p.destroyForcibly();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (interrupted) {
            return new ExecResult(List.copyOf(command), -1, out.text(), err.text() + " (interrupted)");
        }
        return new ExecResult(List.copyOf(command), p.exitValue(), out.text(), err.text());
    }

    /** Drains one stream of a child so that it never blocks on a full pipe. */
    static final class Reader extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Reader(InputStream in) {
            super("ha4j-netns-exec-reader");
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] b = new byte[4096];
            try {
                int n;
                while ((n = in.read(b)) >= 0) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                // the child went away; keep what we have
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }

    static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
}
