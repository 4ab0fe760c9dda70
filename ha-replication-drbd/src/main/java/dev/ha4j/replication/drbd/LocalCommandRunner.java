package dev.ha4j.replication.drbd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs commands on this host with {@link ProcessBuilder}, optionally with a command prefix (such as
 * {@code ip netns exec NAME}) and extra environment variables (a test's {@code PATH} with a stand-in first).
 * Output is read on two short-lived daemon threads; the deadline is enforced by waiting for the process with a
 * timeout and destroying its whole process tree when it passes.
 *
 * <p>Thread-safe and immutable.
 */
public final class LocalCommandRunner implements CommandRunner {
    private static final int MAX_OUTPUT = 1 << 20;

    private final List<String> prefix;
    private final Map<String, String> environment;
    private final String where;

    private LocalCommandRunner(List<String> prefix, Map<String, String> environment, String where) {
        this.prefix = List.copyOf(prefix);
        this.environment = Map.copyOf(environment);
        this.where = where;
    }

    /** @return a runner for this host with the inherited environment */
    public static LocalCommandRunner create() {
        return new LocalCommandRunner(List.of(), Map.of(), "local");
    }

    /**
     * Makes a runner that adds environment variables to every command.
     *
     * @param environment variables to set (for example {@code PATH} with a stand-in's directory first)
     * @return a runner for this host
     */
    public static LocalCommandRunner withEnvironment(Map<String, String> environment) {
        return new LocalCommandRunner(List.of(), environment, "local");
    }

    /**
     * Makes a runner that runs every command in a network namespace through {@code ip netns exec}.
     *
     * @param namespace the namespace's name, validated
     * @return the runner
     * @throws IllegalArgumentException if the name is not valid
     */
    public static LocalCommandRunner inNamespace(String namespace) {
        DrbdNames.namespace("namespace", namespace);
        return new LocalCommandRunner(List.of("ip", "netns", "exec", namespace), Map.of(), "netns " + namespace);
    }

    @Override
    public String where() {
        return where;
    }

    private List<String> full(List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(command);
        return all;
    }

    private Process start(List<String> all) throws IOException {
        List<String> cmd = new ArrayList<>(all);
        String path = environment.get("PATH");
        if (path != null && !cmd.get(0).contains("/")) {
            // ProcessBuilder looks a program up on this JVM's PATH, not on the one given to the child.
            for (String d : path.split(":")) {
                java.io.File f = new java.io.File(d.isEmpty() ? "." : d, cmd.get(0));
                if (f.isFile() && f.canExecute()) {
                    cmd.set(0, f.getPath());
                    break;
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment);
        pb.environment().put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) {
        List<String> all = full(Objects.requireNonNull(command, "command"));
        if (Thread.currentThread().isInterrupted()) {
            return CommandResult.notRun(all, "interrupted before it started");
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Process p;
        try {
            p = start(all);
        } catch (IOException e) {
            return CommandResult.notRun(all, "cannot start: " + e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            boolean ended = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!ended) {
                kill(p);
                return CommandResult.timedOut(all, now(out), now(err));
            }
            long left = Math.max(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
            return new CommandResult(all, p.exitValue(), get(out, left), get(err, left), false);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new CommandResult(all, CommandResult.NO_EXIT, now(out), "interrupted; the command was killed", false);
        }
    }

    @Override
    public CommandResult stream(List<String> command, Duration timeout, Predicate<String> line) {
        List<String> all = full(Objects.requireNonNull(command, "command"));
        if (Thread.currentThread().isInterrupted()) {
            return CommandResult.notRun(all, "interrupted before it started");
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Process p;
        try {
            p = start(all);
        } catch (IOException e) {
            return CommandResult.notRun(all, "cannot start: " + e.getMessage());
        }
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(4096);
        String eof = new String("EOF");
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.put(l);
                }
            } catch (IOException | InterruptedException e) {
                // the process was killed or the stream closed: the end of the lines
            } finally {
                lines.offer(eof);
            }
        }, "drbd-stream");
        reader.setDaemon(true);
        reader.start();
        CompletableFuture<String> err = drain(p.getErrorStream());
        StringBuilder seen = new StringBuilder();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    kill(p);
                    return CommandResult.timedOut(all, tail(seen), now(err));
                }
                String l = lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    continue;
                }
                if (l == eof) {
                    boolean ended = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (!ended) {
                        kill(p);
                        return CommandResult.timedOut(all, tail(seen), now(err));
                    }
                    return new CommandResult(all, p.exitValue(), tail(seen), get(err, TimeUnit.MILLISECONDS.toNanos(200)),
                            false);
                }
                seen.append(l).append('\n');
                if (seen.length() > MAX_OUTPUT) {
                    seen.delete(0, seen.length() - MAX_OUTPUT / 2);
                }
                if (line.test(l)) {
                    kill(p);
                    return new CommandResult(all, 0, tail(seen), now(err), false);
                }
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new CommandResult(all, CommandResult.NO_EXIT, tail(seen), "interrupted; the command was killed", false);
        }
    }

    private static String tail(StringBuilder b) {
        return b.length() > 64_000 ? b.substring(b.length() - 64_000) : b.toString();
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                byte[] all = in.readNBytes(MAX_OUTPUT);
                in.transferTo(java.io.OutputStream.nullOutputStream());
                f.complete(new String(all, StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "drbd-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static String now(CompletableFuture<String> f) {
        return f.getNow("");
    }

    private static String get(CompletableFuture<String> f, long nanos) throws InterruptedException {
        try {
            return f.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return f.getNow("");
        }
    }

    @Override
    public String toString() {
        return "LocalCommandRunner[" + where + "]";
    }
}
