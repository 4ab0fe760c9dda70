package dev.ha4j.core.builtin;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.spi.HealthProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link HealthProbe} that runs a command and reads its exit code the way OCF resource agents' {@code monitor}
 * action reports it: {@value #OCF_SUCCESS} running → {@link HealthStatus#HEALTHY}; {@value #OCF_NOT_RUNNING}
 * not running → FAILED / {@link FailureKind#CRASHED}; any other code (or a command that cannot be run) →
 * FAILED / {@link FailureKind#ERROR}. A command that does not exit within the deadline is killed with its whole
 * process tree → FAILED / {@link FailureKind#HUNG}. An interrupted probe kills the tree too and returns
 * UNREACHABLE with the thread's interrupt status kept.
 *
 * <p>The command's standard output and error are merged; at most {@link Builder#outputLimit(int)} bytes
 * (default 4 KiB) are kept for the verdict's detail and the rest is read and discarded, so a chatty command
 * can never block on a full pipe. Standard input is closed at once.
 *
 * <pre>{@code
 * HealthProbe probe = CommandProbe.builder()
 *         .defaultCommand(CommandSpec.of("/usr/local/bin/check-service", "--node", "{node}"))
 *         .build();
 * }</pre>
 *
 * <p>The deadline is a {@link System#nanoTime()} value (a step of the wall clock does not move it); a huge
 * timeout is clamped to about 73 years instead of overflowing.
 *
 * <p>Thread-safe: immutable after {@link Builder#build()}; each probe runs its own process. The detail carries
 * what the command printed: a command must not print secrets.
 */
public final class CommandProbe implements HealthProbe {
    /** OCF exit code: the resource runs. */
    public static final int OCF_SUCCESS = 0;
    /** OCF exit code: the resource is cleanly stopped. */
    public static final int OCF_NOT_RUNNING = 7;
    /** The default output limit in bytes. */
    public static final int DEFAULT_OUTPUT_LIMIT = 4096;

    private final Map<NodeId, CommandSpec> commands;
    private final Optional<CommandSpec> defaultCommand;
    private final int outputLimit;

    private CommandProbe(Builder b) {
        this.commands = Collections.unmodifiableMap(new TreeMap<>(b.commands));
        this.defaultCommand = Optional.ofNullable(b.defaultCommand);
        this.outputLimit = b.outputLimit;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no command is configured for {@code node} and there is no default, or
     *     the timeout is negative
     */
    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        long budget = Deadlines.clampedNanos(timeout);
        CommandSpec spec = commands.getOrDefault(node, defaultCommand.orElse(null));
        if (spec == null) {
            throw new IllegalArgumentException("no command configured for node " + node + " and no default");
        }
        long start = System.nanoTime();
        ProbeResult r = run(spec, node, start + budget);
        return r.withLatency(Duration.ofNanos(System.nanoTime() - start));
    }

    private ProbeResult run(CommandSpec spec, NodeId node, long deadline) {
        String name = spec.executableName();
        if (Thread.currentThread().isInterrupted()) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, name + " not run: probe interrupted");
        }
        ProcessBuilder pb = spec.processBuilder(node).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            return ProbeResult.failed(FailureKind.ERROR, "cannot run " + name + ": " + e.getMessage());
        }
        CappedOutput out = new CappedOutput(p.getInputStream(), outputLimit, "ha4j-command-probe-" + p.pid());
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the child may already have exited; it gets EOF either way
        }
        try {
            boolean exited = p.waitFor(Deadlines.remaining(deadline), TimeUnit.NANOSECONDS);
            if (!exited) {
                ProcessTree.killAll(ProcessTree.collect(p.toHandle()));
                return ProbeResult.failed(FailureKind.HUNG, name + " did not exit within the deadline; killed "
                        + "its process tree" + out.excerpt(" output: "));
            }
        } catch (InterruptedException e) {
            ProcessTree.killAll(ProcessTree.collect(p.toHandle()));
            Thread.currentThread().interrupt();
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, name + " interrupted; killed its tree");
        }
        // The output may still be in the pipe; wait for it briefly, but never past the deadline (a background
        // grandchild may hold the pipe open for ever).
        out.awaitEnd(Math.min(Deadlines.remaining(deadline), TimeUnit.MILLISECONDS.toNanos(200)));
        int code = p.exitValue();
        String detail = name + " exited " + code + out.excerpt(": ");
        return switch (code) {
            case OCF_SUCCESS -> ProbeResult.of(HealthStatus.HEALTHY, detail);
            case OCF_NOT_RUNNING -> ProbeResult.failed(FailureKind.CRASHED, detail);
            default -> ProbeResult.failed(FailureKind.ERROR, detail);
        };
    }

    @Override
    public java.util.Optional<java.util.Set<NodeId>> coveredNodes() {
        return java.util.Optional.of(java.util.Set.copyOf(commands.keySet()));
    }

    @Override
    public String toString() {
        return "CommandProbe[" + (commands.isEmpty() ? "" : commands + (defaultCommand.isPresent() ? ", " : ""))
                + defaultCommand.map(d -> "default=" + d).orElse("") + "]";
    }

    /**
     * Reads a child's output on its own daemon thread: keeps the first {@code limit} bytes, discards the rest,
     * so that the child never blocks on a full pipe.
     */
    static final class CappedOutput {
        private final byte[] buf;
        private int len;
        private boolean truncated;
        private boolean ended;
        private final Thread reader;

        CappedOutput(InputStream in, int limit, String threadName) {
            this.buf = new byte[limit];
            this.reader = new Thread(() -> drain(in), threadName);
            reader.setDaemon(true);
            reader.start();
        }

        private void drain(InputStream in) {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (this) {
                        int keep = Math.min(n, buf.length - len);
                        System.arraycopy(chunk, 0, buf, len, keep);
                        len += keep;
                        truncated |= keep < n;
                    }
                }
            } catch (IOException ignored) {
                // the pipe was closed under us: what was read so far is the output
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** Waits up to {@code nanos} for the end of the output; keeps an interrupt for the caller. */
        synchronized void awaitEnd(long nanos) {
            long deadline = System.nanoTime() + nanos;
            long left;
            while (!ended && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** @return the output read so far, one line, control characters blanked; prefixed, or "" if none */
        synchronized String excerpt(String prefix) {
            String s = new String(buf, 0, len, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}&&[^\n]]", " ")
                    .strip().replace("\n", " | ");
            if (s.isEmpty()) {
                return "";
            }
            return prefix + s + (truncated ? " [output truncated]" : "");
        }
    }

    /**
     * Builds a {@link CommandProbe}: a command per node, a default command for the others, or both.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final Map<NodeId, CommandSpec> commands = new TreeMap<>();
        private CommandSpec defaultCommand;
        private int outputLimit = DEFAULT_OUTPUT_LIMIT;

        private Builder() {
        }

        /**
         * @param node the node
         * @param command the command that checks its service
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder command(NodeId node, CommandSpec command) {
            commands.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(command, "command"));
            return this;
        }

        /**
         * @param command the command for nodes without one of their own; use {@value CommandSpec#NODE_PLACEHOLDER}
         *     in an argument to pass the node's name
         * @return this builder
         */
        public Builder defaultCommand(CommandSpec command) {
            this.defaultCommand = command;
            return this;
        }

        /**
         * @param bytes how much output to keep for the detail (default {@value CommandProbe#DEFAULT_OUTPUT_LIMIT})
         * @return this builder
         */
        public Builder outputLimit(int bytes) {
            this.outputLimit = bytes;
            return this;
        }

        /**
         * @return the probe
         * @throws IllegalArgumentException if neither a node's command nor a default command is configured, or
         *     the output limit is outside 0-1048576
         */
        public CommandProbe build() {
            if (commands.isEmpty() && defaultCommand == null) {
                throw new IllegalArgumentException("commands is empty: configure command(node, ...) or "
                        + "defaultCommand(...)");
            }
            if (outputLimit < 0 || outputLimit > 1 << 20) {
                throw new IllegalArgumentException("outputLimit " + outputLimit + " is invalid: it must be 0-1048576");
            }
            return new CommandProbe(this);
        }
    }
}
