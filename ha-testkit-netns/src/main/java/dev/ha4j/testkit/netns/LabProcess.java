package dev.ha4j.testkit.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the lab started inside one of its namespaces. Its standard output is read line by line; its
 * standard input stays open until {@link #close()}, so helpers that exit on end of input
 * ({@link HttpResponder}, {@link HttpPoller}) never outlive it.
 *
 * <p>Thread-safe.
 */
public class LabProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private final String namespace;
    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    LabProcess(String namespace, List<String> command) {
        this.namespace = namespace;
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            this.process = pb.start();
        } catch (IOException e) {
            throw Exec.unchecked("cannot start " + String.join(" ", command), e);
        }
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process went away
            } finally {
                lines.add(EOF);
            }
        }, "ha4j-netns-" + namespace);
        reader.setDaemon(true);
        reader.start();
    }

    /** @return the namespace it runs in */
    public String namespace() {
        return namespace;
    }

    /** @return its process id */
    public long pid() {
        return process.pid();
    }

    /** @return whether it still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Writes one line to its standard input.
     *
     * @param line the line, without the newline
     * @throws java.io.UncheckedIOException if the process no longer reads its input
     */
    public synchronized void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw Exec.unchecked("process " + pid() + " in " + namespace + " does not read its input", e);
        }
    }

    /**
     * Waits for its next line of output.
     *
     * @param max how long to wait
     * @return the line
     * @throws IllegalStateException if none arrives in time or the process ended
     */
    public String nextLine(Duration max) {
        String l;
        try {
            l = lines.poll(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this, e);
        }
        if (l == null) {
            throw new IllegalStateException("no output within " + max + " from " + this);
        }
        if (l.equals(EOF)) {
            lines.add(EOF);
            throw new IllegalStateException("ended without the expected output: " + this);
        }
        return l;
    }

    /** Closes its input, then terminates it (forcibly after a second) and waits for it to end. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "process " + process.pid() + " in " + namespace + " (" + String.join(" ", command) + ")";
    }
}
