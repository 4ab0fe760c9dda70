package dev.ha4j.core.builtin;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.spi.ServiceControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServiceControl} that runs the service as a child process of this JVM: one configured command per
 * node (in practice, the local node; several nodes make sense in tests and demos on one host).
 *
 * <ul>
 *   <li><b>start</b> launches the command (argument list, working directory, environment of its
 *   {@link CommandSpec}) and keeps the {@link Process} handle. It then watches the process for a short
 *   {@linkplain Builder#startCheck(Duration) start check}: a missing binary or a process that exits within it
 *   is a start failure ({@code FAILED}, with the reason). The command must stay in the foreground
 *   ({@code catalina.sh run}, not {@code start}): a launcher that forks and exits is reported as a start
 *   failure too, since this control could not watch the service. Starting a running service succeeds.
 *   <li><b>stop</b> sends SIGTERM ({@link ProcessHandle#destroy()}) to the process, then SIGCONT to every
 *   process of its tree that is stopped (a SIGSTOPped service would otherwise keep SIGTERM pending and wait out
 *   the whole timeout), and waits up to the timeout for it <em>and every descendant</em> to be gone;
 *   {@code TIMED_OUT} if something still runs. SIGCONT is sent with {@code kill(1)} (argument list, numeric
 *   pids only), since the JDK cannot send it.
 *   <li><b>kill</b> collects the whole process tree first, then sends SIGKILL to all of it and waits until it
 *   is gone.
 *   <li><b>state</b> is {@code RUNNING} while the process or any descendant seen earlier still runs, and
 *   {@code STOPPED} only when all are gone. A zombie counts as gone (it cannot run again) — it is detected
 *   through {@code /proc/PID/stat} where {@code /proc} exists, since {@link ProcessHandle#isAlive()} is true
 *   for a zombie. The JVM reaps the processes it launched itself.
 * </ul>
 *
 * <p>Pid file (optional, {@link Builder#pidFile(NodeId, Path)}): the control records the pid of what it starts,
 * and when it has no process of its own it adopts the one a pid file names — so that a manager restarted after a
 * crash sees the service its predecessor started as RUNNING instead of starting a second one. A pid whose process
 * started after the file was written is a reused number and is not adopted; an unreadable pid file makes the
 * state UNKNOWN (and a start FAILED) rather than STOPPED. Without a pid file, a restarted manager cannot see a
 * service its predecessor left running.
 *
 * <p>Epochs: the control remembers the highest epoch it has seen in any start and refuses ({@code REFUSED}) a
 * start decided under a smaller one, so that a delayed command from a superseded manager cannot start the
 * service again.
 *
 * <p>The child's standard output and error go to a per-node {@linkplain Builder#logFile(NodeId, Path) log
 * file} (appended) or are discarded; they never go to a pipe that could fill up. Standard input is closed.
 *
 * <pre>{@code
 * ServiceControl control = ProcessServiceControl.builder()
 *         .node(NodeId.of("alice"), CommandSpec.builder("/opt/atlassian/bitbucket/bin/start-bitbucket.sh", "-fg")
 *                 .directory(Path.of("/opt/atlassian/bitbucket"))
 *                 .build())
 *         .logFile(NodeId.of("alice"), Path.of("/var/log/bitbucket/console.log"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe: calls for one node are serialised by a lock that each call waits for only up to its own
 * deadline; waiting for processes to exit happens outside the lock. An interrupted call returns at once with
 * {@code TIMED_OUT} (or {@code UNKNOWN} for {@link #state}) and keeps the interrupt status. Deadlines are
 * {@link System#nanoTime()} values (a step of the wall clock moves none), and a huge timeout is clamped to about
 * 73 years instead of overflowing. Descendants are
 * only tracked while this control looks at the tree (on each call): a grandchild forked and orphaned between
 * two calls after the main process died cannot be found again.
 */
public final class ProcessServiceControl implements ServiceControl {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessServiceControl.class);
    /** The default start check. */
    public static final Duration DEFAULT_START_CHECK = Duration.ofMillis(300);
    /** Process start times and file times come from different clocks with different resolutions. */
    private static final Duration PID_FILE_CLOCK_SLACK = Duration.ofSeconds(1);

    private final Map<NodeId, Slot> slots;
    private final Duration startCheck;
    private final Object epochLock = new Object();
    private long lastEpoch; // guarded by epochLock

    /** One node's service: its command and the process this control launched for it. */
    private static final class Slot {
        final NodeId node;
        final CommandSpec spec;
        final Optional<Path> logFile;
        final Optional<Path> pidFile;
        final ReentrantLock lock = new ReentrantLock();
        Process process; // the child we launched, if any; guarded by lock
        // the service's main process: our child or one adopted from the pid file; written under lock, volatile so
        // that pid() can read it without waiting for a call that holds the lock (a start may hold it a minute)
        volatile ProcessHandle main;
        Set<ProcessHandle> known = new LinkedHashSet<>(); // descendants seen so far; guarded by lock

        Slot(NodeId node, CommandSpec spec, Optional<Path> logFile, Optional<Path> pidFile) {
            this.node = node;
            this.spec = spec;
            this.logFile = logFile;
            this.pidFile = pidFile;
        }
    }

    private ProcessServiceControl(Builder b) {
        Map<NodeId, Slot> m = new TreeMap<>();
        b.commands.forEach((node, spec) -> m.put(node, new Slot(node, spec, Optional.ofNullable(b.logFiles.get(node)),
                Optional.ofNullable(b.pidFiles.get(node)))));
        this.slots = Collections.unmodifiableMap(m);
        this.startCheck = b.startCheck;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the highest epoch seen in a start so far */
    public Epoch lastEpoch() {
        synchronized (epochLock) {
            return Epoch.of(lastEpoch);
        }
    }

    /**
     * @param node a configured node
     * @return the pid of the service process this control launched for {@code node}, if it still runs
     * @throws IllegalArgumentException if {@code node} is not configured
     */
    public Optional<Long> pid(NodeId node) {
        ProcessHandle h = slot(node).main;
        return h != null && !ProcessTree.isGone(h) ? Optional.of(h.pid()) : Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @return OK when launched and it survived the start check, or already running; REFUSED for a stale epoch
     *     or when leftovers of an earlier run still run; FAILED when it could not be launched or exited during
     *     the start check; TIMED_OUT when interrupted or another call on the node held it past the deadline
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code node} is not configured or the timeout is negative
     */
    @Override
    public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(epoch, "epoch");
        Slot s = slot(node);
        long deadline = deadline(timeout);
        OpResult locked = lock(s, deadline, "start");
        if (locked != null) {
            return locked;
        }
        try {
            synchronized (epochLock) {
                if (epoch.value() < lastEpoch) {
                    return OpResult.refused("start under " + epoch + " refused: " + Epoch.of(lastEpoch)
                            + " was seen before");
                }
                lastEpoch = epoch.value();
            }
            List<ProcessHandle> tree;
            try {
                tree = liveTree(s);
            } catch (Uncertain e) {
                return OpResult.failed("cannot tell whether the service already runs: " + e.getMessage());
            }
            if (s.main != null) {
                return OpResult.ok("already running (pid " + s.main.pid() + (s.process == null
                        ? ", adopted from the pid file" : "") + ")");
            }
            if (!tree.isEmpty()) {
                return OpResult.refused("leftovers of an earlier run still present " + ProcessTree.pids(tree)
                        + "; stop or kill first");
            }
            if (Thread.currentThread().isInterrupted()) {
                return OpResult.timedOut("interrupted before launching " + s.spec.executableName());
            }
            return launch(s, deadline);
        } finally {
            s.lock.unlock();
        }
    }

    private OpResult launch(Slot s, long deadline) {
        String name = s.spec.executableName();
        ProcessBuilder pb = s.spec.processBuilder(s.node).redirectErrorStream(true);
        pb.redirectOutput(s.logFile.map(f -> ProcessBuilder.Redirect.appendTo(f.toFile()))
                .orElse(ProcessBuilder.Redirect.DISCARD));
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot launch {} for {}: {}", name, s.node, e.getMessage());
            return OpResult.failed("cannot launch " + name + ": " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the child gets EOF on its standard input either way
        }
        s.process = p;
        s.main = p.toHandle();
        s.known = new LinkedHashSet<>();
        long check = Math.min(startCheck.toNanos(), Math.max(0, deadline - System.nanoTime()));
        boolean exited;
        try {
            exited = p.waitFor(check, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OpResult.timedOut("launched " + name + " (pid " + p.pid() + ") but the start check was "
                    + "interrupted");
        }
        if (exited) {
            s.process = null;
            s.main = null;
            int code = p.exitValue();
            LOG.warn("{} for {} exited with status {} during the start check", name, s.node, code);
            return OpResult.failed(name + " exited with status " + code + " within the start check of "
                    + TimeUnit.NANOSECONDS.toMillis(check) + " ms" + (code == 0
                            ? "; the command must stay in the foreground, as this control watches its process"
                            : ""));
        }
        if (s.pidFile.isPresent()) {
            try {
                writePidFile(s.pidFile.get(), p.pid());
            } catch (IOException | RuntimeException e) {
                // without the pid file a restarted manager could not find this process and might start a second
                // one: refuse to run it unrecorded
                ProcessTree.killAll(ProcessTree.collect(p.toHandle()));
                s.process = null;
                s.main = null;
                return OpResult.failed("cannot write pid file " + s.pidFile.get() + ": " + e.getMessage()
                        + "; killed " + name + " (pid " + p.pid() + ")");
            }
        }
        LOG.info("started {} for {} (pid {})", name, s.node, p.pid());
        return OpResult.ok("started " + name + " (pid " + p.pid() + ")");
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code node} is not configured or the timeout is negative
     */
    @Override
    public OpResult stop(NodeId node, Duration timeout) {
        Slot s = slot(node);
        long start = System.nanoTime();
        long deadline = deadline(timeout);
        OpResult locked = lock(s, deadline, "stop");
        if (locked != null) {
            return locked;
        }
        List<ProcessHandle> tree;
        String continued;
        try {
            tree = liveTree(s);
            if (tree.isEmpty()) {
                return OpResult.ok("not running");
            }
            if (s.main != null) {
                s.main.destroy();
            } else {
                // the main process is gone; its orphans get the graceful signal instead
                tree.forEach(ProcessHandle::destroy);
            }
            // A stopped (SIGSTOP, SIGTSTP) process keeps SIGTERM pending until it is continued, so a hung
            // service would wait out the whole timeout. Continue every stopped process of the tree right after
            // SIGTERM, as systemd does: on resuming, the pending SIGTERM is the first thing it handles.
            continued = ProcessTree.continueStopped(tree, deadline);
        } catch (Uncertain e) {
            return OpResult.timedOut("stop on " + node + ": " + e.getMessage());
        } finally {
            s.lock.unlock();
        }
        return awaitGone(tree, start, deadline, continued.isEmpty() ? "SIGTERM" : "SIGTERM (" + continued + ")");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits until the whole tree is gone: OK then; TIMED_OUT if a process survives SIGKILL until the deadline
     * (one stuck in uninterruptible sleep).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code node} is not configured or the timeout is negative
     */
    @Override
    public OpResult kill(NodeId node, Duration timeout) {
        Slot s = slot(node);
        long start = System.nanoTime();
        long deadline = deadline(timeout);
        OpResult locked = lock(s, deadline, "kill");
        if (locked != null) {
            return locked;
        }
        List<ProcessHandle> tree;
        try {
            tree = liveTree(s);
            if (tree.isEmpty()) {
                return OpResult.ok("not running");
            }
            // the tree is complete before the first signal: a killed parent's children are re-parented and
            // could no longer be found through it
            ProcessTree.killAll(tree);
        } catch (Uncertain e) {
            return OpResult.timedOut("kill on " + node + ": " + e.getMessage());
        } finally {
            s.lock.unlock();
        }
        LOG.info("sent SIGKILL to {} for {}", ProcessTree.pids(tree), node);
        return awaitGone(tree, start, deadline, "SIGKILL");
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code node} is not configured or the timeout is negative
     */
    @Override
    public RunState state(NodeId node, Duration timeout) {
        Slot s = slot(node);
        long deadline = deadline(timeout);
        if (lock(s, deadline, "state") != null) {
            return RunState.UNKNOWN;
        }
        try {
            return liveTree(s).isEmpty() ? RunState.STOPPED : RunState.RUNNING;
        } catch (Uncertain e) {
            LOG.warn("state of {} unknown: {}", node, e.getMessage());
            return RunState.UNKNOWN;
        } finally {
            s.lock.unlock();
        }
    }

    private OpResult awaitGone(List<ProcessHandle> tree, long start, long deadline, String signal) {
        List<ProcessHandle> left;
        try {
            left = ProcessTree.awaitGone(tree, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OpResult.timedOut(signal + " sent to " + ProcessTree.pids(tree)
                    + "; interrupted while waiting for them to exit");
        }
        long ms = ProcessTree.millis(System.nanoTime() - start);
        if (left.isEmpty()) {
            return OpResult.ok(signal + ": " + ProcessTree.pids(tree) + " gone after " + ms + " ms");
        }
        return OpResult.timedOut(signal + ": " + ProcessTree.pids(left) + " still present after " + ms + " ms");
    }

    /**
     * Everything of the node's service that still runs: the launched process and its descendants now, plus
     * descendants seen earlier that outlived it. Forgets what is gone. Call with the slot's lock held.
     */
    private static List<ProcessHandle> liveTree(Slot s) throws Uncertain {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        if (s.main == null) {
            s.main = adopt(s);
        }
        if (s.main != null) {
            if (ProcessTree.isGone(s.main)) {
                s.main = null;
                s.process = null;
            } else {
                tree.addAll(ProcessTree.collect(s.main));
            }
        }
        for (ProcessHandle h : s.known) {
            if (!ProcessTree.isGone(h)) {
                tree.add(h);
            }
        }
        Set<ProcessHandle> known = new LinkedHashSet<>(tree);
        if (s.main != null) {
            known.remove(s.main);
        }
        s.known = known;
        if (tree.isEmpty()) {
            s.pidFile.ifPresent(ProcessServiceControl::deleteQuietly);
        }
        return new ArrayList<>(tree);
    }

    /**
     * Adopts the process named by the node's pid file, so that a restarted manager (or one taking over a service
     * somebody else started) sees it running. A pid is only trusted if that process started no later than the
     * pid file was written: a process that started afterwards merely reuses the number.
     */
    private static ProcessHandle adopt(Slot s) throws Uncertain {
        if (s.pidFile.isEmpty()) {
            return null;
        }
        Path file = s.pidFile.get();
        try {
            String text;
            Instant written;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                written = Files.getLastModifiedTime(file).toInstant();
            } catch (NoSuchFileException e) {
                return null;
            }
            long pid;
            try {
                pid = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new Uncertain("pid file " + file + " holds no pid; remove or fix it");
            }
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || ProcessTree.isGone(h.get())) {
                return null;
            }
            Optional<Instant> started = h.get().info().startInstant();
            if (started.isPresent() && started.get().isAfter(written.plus(PID_FILE_CLOCK_SLACK))) {
                LOG.warn("pid file {} names pid {}, which started after the file was written: not adopted", file,
                        pid);
                return null;
            }
            LOG.info("adopted pid {} for {} from pid file {}", pid, s.node, file);
            return h.get();
        } catch (IOException | RuntimeException e) {
            // the service may run and we cannot tell: never treat that as stopped
            throw new Uncertain("cannot read pid file " + file + ": " + e);
        }
    }

    /** The node's state cannot be told (an unreadable pid file): neither RUNNING nor STOPPED may be claimed. */
    private static final class Uncertain extends Exception {
        private static final long serialVersionUID = 1L;

        Uncertain(String message) {
            super(message, null, false, false);
        }
    }

    private static void writePidFile(Path file, long pid) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete stale pid file {}: {}", file, e.toString());
        }
    }

    /**
     * Takes the slot's lock without blocking if it is free (so that even an interrupted kill is delivered),
     * otherwise waits for it up to the deadline.
     *
     * @return null when the lock is held, else the result to return
     */
    private static OpResult lock(Slot s, long deadline, String what) {
        if (s.lock.tryLock()) {
            return null;
        }
        try {
            if (s.lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return null;
            }
            return OpResult.timedOut(what + " on " + s.node + ": another call on the node did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OpResult.timedOut(what + " on " + s.node + " interrupted while waiting for another call");
        }
    }

    private static long deadline(Duration timeout) {
        return Deadlines.after(timeout);
    }

    private Slot slot(NodeId node) {
        Objects.requireNonNull(node, "node");
        Slot s = slots.get(node);
        if (s == null) {
            throw new IllegalArgumentException("node " + node + " is not configured; known: " + slots.keySet());
        }
        return s;
    }

    @Override
    public java.util.Optional<java.util.Set<NodeId>> coveredNodes() {
        return java.util.Optional.of(java.util.Set.copyOf(slots.keySet()));
    }

    @Override
    public String toString() {
        Map<NodeId, CommandSpec> m = new LinkedHashMap<>();
        slots.forEach((n, s) -> m.put(n, s.spec));
        return "ProcessServiceControl" + m;
    }

    /**
     * Builds a {@link ProcessServiceControl}.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final Map<NodeId, CommandSpec> commands = new TreeMap<>();
        private final Map<NodeId, Path> logFiles = new TreeMap<>();
        private final Map<NodeId, Path> pidFiles = new TreeMap<>();
        private Duration startCheck = DEFAULT_START_CHECK;

        private Builder() {
        }

        /**
         * Sets the command that runs {@code node}'s service in the foreground.
         *
         * @param node the node
         * @param command its command
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder node(NodeId node, CommandSpec command) {
            commands.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(command, "command"));
            return this;
        }

        /**
         * @param node a node configured with {@link #node(NodeId, CommandSpec)}
         * @param file where its service's standard output and error are appended; without one they are
         *     discarded
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder logFile(NodeId node, Path file) {
            logFiles.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Records the pid of each process this control starts for {@code node} in {@code file}, and adopts the
         * process a pid file names when this control has none of its own (after a manager restart, or for a
         * service somebody else started and recorded there). A pid whose process started after the file was
         * written is not trusted. The file is deleted once the service is confirmed gone.
         *
         * @param node a node configured with {@link #node(NodeId, CommandSpec)}
         * @param file the pid file
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder pidFile(NodeId node, Path file) {
            pidFiles.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * @param startCheck how long a start watches the new process for an early exit (default
         *     {@link ProcessServiceControl#DEFAULT_START_CHECK}); capped by the start's own timeout
         * @return this builder
         */
        public Builder startCheck(Duration startCheck) {
            this.startCheck = startCheck;
            return this;
        }

        /**
         * @return the control
         * @throws IllegalArgumentException if no node is configured, a log or pid file is set for an unconfigured
         *     node or cannot be written, or the start check is null, negative or longer than a minute
         */
        public ProcessServiceControl build() {
            if (commands.isEmpty()) {
                throw new IllegalArgumentException("nodes is empty: configure at least one node with node()");
            }
            if (startCheck == null || startCheck.isNegative() || startCheck.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("startCheck " + startCheck + " is invalid: it must be 0 to 1 "
                        + "minute");
            }
            logFiles.forEach((node, file) -> {
                if (!commands.containsKey(node)) {
                    throw new IllegalArgumentException("logFile for node " + node + " is invalid: the node has no "
                            + "command; configure node(" + node + ", ...) first");
                }
                Path parent = file.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    throw new IllegalArgumentException("logFile '" + file + "' of node " + node
                            + " is invalid: its directory does not exist");
                }
                if (Files.exists(file) && (!Files.isRegularFile(file) || !Files.isWritable(file))) {
                    throw new IllegalArgumentException("logFile '" + file + "' of node " + node
                            + " is invalid: it must be a writable regular file");
                }
            });
            pidFiles.forEach((node, file) -> {
                if (!commands.containsKey(node)) {
                    throw new IllegalArgumentException("pidFile for node " + node + " is invalid: the node has no "
                            + "command; configure node(" + node + ", ...) first");
                }
                Path parent = file.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    throw new IllegalArgumentException("pidFile '" + file + "' of node " + node
                            + " is invalid: its directory does not exist");
                }
                if (Files.exists(file) && !Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("pidFile '" + file + "' of node " + node
                            + " is invalid: it must be a regular file");
                }
                if (file.equals(logFiles.get(node))) {
                    throw new IllegalArgumentException("pidFile '" + file + "' of node " + node
                            + " is invalid: it is also the log file");
                }
            });
            return new ProcessServiceControl(this);
        }
    }
}
