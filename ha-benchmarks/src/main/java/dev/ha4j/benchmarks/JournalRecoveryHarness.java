package dev.ha4j.benchmarks;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.Recovery;
import dev.ha4j.core.journal.RotatingJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Recovery time of a {@link RotatingJournal} against the manager's age: journals written by the real engine at
 * the default policy (15 s probes) and the default journal settings for a fresh manager, a day, a simulated year
 * of healthy probes, and 10,000 failovers (each node made unreachable in turn, fenced, failed over, then cleared
 * by an operator, 20 minutes apart), then the median time of {@link RotatingJournal#recover(Path)} on each,
 * against the fresh one measured in the same run. Also the journal's bytes per day.
 *
 * <p>Run: {@code java -cp ha-benchmarks/target/benchmarks.jar dev.ha4j.benchmarks.JournalRecoveryHarness
 * [--days 365] [--failovers 10000] [--repeats 21]}. Writes under the system temporary directory and deletes it.
 * The recovery of a crashed manager reads the entries after the newest checkpoint, so the journals are left as a
 * crash leaves them (not closed).
 */
public final class JournalRecoveryHarness {
    private JournalRecoveryHarness() {
    }

    /**
     * Runs the harness.
     *
     * @param args {@code --days N}, {@code --failovers N}, {@code --repeats N}
     * @throws IOException if the temporary directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        int days = arg(args, "--days", 365);
        int failovers = arg(args, "--failovers", 10_000);
        int repeats = arg(args, "--repeats", 21);
        ClusterConfig config = ClusterConfig.custom().name("bench").nodes("a", "b").build();
        Path root = Files.createTempDirectory("ha4j-journal-bench");
        try {
            List<Row> rows = new ArrayList<>();
            rows.add(write(config, root.resolve("fresh"), "fresh manager (1 minute)", w -> w.runFor(Duration.ofMinutes(1))));
            rows.add(write(config, root.resolve("day"), "1 day of healthy probes", w -> w.runFor(Duration.ofDays(1))));
            Row year = write(config, root.resolve("year"), days + " days of healthy probes",
                    w -> w.runFor(Duration.ofDays(days)));
            rows.add(year);
            rows.add(write(config, root.resolve("failovers"), failovers + " failovers, 20 min apart", w -> {
                for (int i = 0; i < failovers; i++) {
                    w.runFor(Duration.ofMinutes(20));
                    w.failOver();
                }
                w.runFor(Duration.ofMinutes(1));
            }));
            // Warm up the recovery code, then measure each journal alternately so that noise hits them all.
            for (int i = 0; i < 5; i++) {
                rows.forEach(r -> RotatingJournal.recover(r.dir));
            }
            for (int i = 0; i < repeats; i++) {
                for (Row r : rows) {
                    long t0 = System.nanoTime();
                    Recovery rec = RotatingJournal.recover(r.dir);
                    r.nanos.add(System.nanoTime() - t0);
                    r.read = rec.entriesRead();
                    r.epoch = rec.state().highestEpoch();
                }
            }
            // A clean restart: the closing checkpoint covers every entry.
            for (Row r : rows) {
                r.journal.close();
            }
            for (int i = 0; i < repeats; i++) {
                for (Row r : rows) {
                    long t0 = System.nanoTime();
                    RotatingJournal.recover(r.dir);
                    r.cleanNanos.add(System.nanoTime() - t0);
                }
            }
            double fresh = rows.get(0).median(rows.get(0).nanos);
            double freshClean = rows.get(0).median(rows.get(0).cleanNanos);
            System.out.printf("%-34s %12s %11s %8s %6s | %-27s | %-18s%n", "journal", "entries", "written MB",
                    "kept MB", "files", "after a crash: read, ms, x", "after close: ms, x");
            for (Row r : rows) {
                double crash = r.median(r.nanos);
                double clean = r.median(r.cleanNanos);
                System.out.printf("%-34s %,12d %11.1f %8.1f %6d | %,8d %9.2f %8.2f | %8.2f %8.2f  (highest epoch %s)%n",
                        r.name, r.entries, r.bytes / 1e6, r.kept / 1e6, r.files, r.read, crash / 1e6, crash / fresh,
                        clean / 1e6, clean / freshClean, r.epoch);
            }
            System.out.printf("journal bytes per day of healthy probes at the defaults: %.2f MB (%,d entries a day)%n",
                    year.bytes / 1e6 / days, year.entries / days);
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int arg(String[] args, String name, int dflt) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : dflt;
    }

    private static final class Row {
        final String name;
        final Path dir;
        long entries;
        long bytes;
        long kept;
        long files;
        long read;
        Epoch epoch;
        RotatingJournal journal;
        final List<Long> nanos = new ArrayList<>();
        final List<Long> cleanNanos = new ArrayList<>();

        Row(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        double median(List<Long> of) {
            List<Long> s = new ArrayList<>(of);
            s.sort(null);
            return s.get(s.size() / 2);
        }
    }

    private static Row write(ClusterConfig config, Path dir, String name, Consumer<World> script) throws IOException {
        long t0 = System.nanoTime();
        RotatingJournal journal = RotatingJournal.open(dir);
        World w = new World(new FailoverEngine(config), journal);
        w.feed(new Event.Started(w.now));
        script.accept(w);
        Row r = new Row(name, dir);
        r.journal = journal;
        r.entries = w.seq;
        r.bytes = journal.bytesAppended();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            r.files = files.stream().filter(p -> !p.getFileName().toString().endsWith(".lock")).count();
            for (Path p : files) {
                r.kept += Files.size(p);
            }
        }
        // Left as a crash leaves it: no closing checkpoint.
        System.out.printf("wrote %s: %,d entries in %.1f s%n", name, w.seq, (System.nanoTime() - t0) / 1e9);
        return r;
    }

    /** An always-answering two-node world around the real engine, journaling every decision. */
    private static final class World {
        private record Queued(Event event, long order) {
        }

        final FailoverEngine engine;
        final RotatingJournal journal;
        final PriorityQueue<Queued> queue = new PriorityQueue<>((x, y) -> x.event.at().equals(y.event.at())
                ? Long.compare(x.order, y.order) : x.event.at().compareTo(y.event.at()));
        final Map<NodeId, Boolean> running = new HashMap<>();
        final Map<NodeId, Boolean> reachable = new HashMap<>();
        ClusterState state;
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        long order;
        long seq;
        long epoch;

        World(FailoverEngine engine, RotatingJournal journal) {
            this.engine = engine;
            this.journal = journal;
            this.state = engine.initialState();
            for (NodeId n : engine.config().nodes()) {
                running.put(n, false);
                reachable.put(n, true);
            }
        }

        void runFor(Duration d) {
            Instant until = now.plus(d);
            while (!queue.isEmpty() && !queue.peek().event.at().isAfter(until)) {
                feed(queue.poll().event);
            }
            now = until;
        }

        void failOver() {
            NodeId from = state.active().orElseThrow();
            reachable.put(from, false);
            Instant deadline = now.plus(Duration.ofHours(1));
            while ((state.phase() != Phase.RUNNING || state.active().orElseThrow().equals(from))
                    && now.isBefore(deadline)) {
                Queued q = queue.poll();
                if (q == null) {
                    break;
                }
                feed(q.event);
            }
            if (state.phase() != Phase.RUNNING || state.active().orElseThrow().equals(from)) {
                throw new IllegalStateException("no failover from " + from + ": " + state.phase());
            }
            reachable.put(from, true);
            // The operator powers the fenced node on again and clears it, so it becomes a standby.
            feed(new Event.ClearRequested(now, Optional.empty()));
        }

        void feed(Event e) {
            if (e.at().isAfter(now)) {
                now = e.at();
            }
            Transition t = engine.apply(state, e);
            state = t.state();
            journal.append(new JournalEntry(++seq, e.at(), e, state.phase(), t.commands(), t.reason()));
            for (Command c : t.commands()) {
                answer(c);
            }
        }

        private void enqueue(Event e) {
            queue.add(new Queued(e, order++));
        }

        private void answer(Command c) {
            Instant at = now.plusMillis(10);
            if (c instanceof Command.ArmTimer a) {
                enqueue(new Event.TimerFired(a.at(), a.id(), a.timer()));
            } else if (c instanceof Command.Probe p) {
                ProbeResult r = !reachable.get(p.node()) ? ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE,
                        "no route") : running.get(p.node()) ? ProbeResult.healthy()
                        : ProbeResult.failed(FailureKind.CRASHED, "connection refused");
                enqueue(new Event.ProbeCompleted(at, p.id(), p.node(), r));
            } else if (c instanceof Command.Observe o) {
                Map<NodeId, RunState> services = new HashMap<>();
                Map<NodeId, ReplicaStatus> replicas = new HashMap<>();
                running.forEach((n, r) -> {
                    services.put(n, r ? RunState.RUNNING : RunState.STOPPED);
                    replicas.put(n, new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, ""));
                });
                enqueue(new Event.Observed(at, o.id(), new Observation(services, replicas, Optional.empty(),
                        Optional.empty())));
            } else if (c instanceof Command.StartService s) {
                running.put(s.node(), true);
                enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
            } else if (c instanceof Command.StopService s) {
                running.put(s.node(), false);
                enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
            } else if (c instanceof Command.KillService s) {
                running.put(s.node(), false);
                enqueue(new Event.ActionCompleted(at, s.id(), OpResult.ok()));
            } else if (c instanceof Command.ConfirmStopped s) {
                enqueue(new Event.StateObserved(at, s.id(), s.node(),
                        running.get(s.node()) ? RunState.RUNNING : RunState.STOPPED));
            } else if (c instanceof Command.Fence f) {
                running.put(f.node(), false);
                enqueue(new Event.FenceCompleted(at, f.id(), f.node(), FenceResult.ok(PowerState.OFF, "off")));
            } else if (c instanceof Command.AcquireLease a) {
                enqueue(new Event.LeaseAcquired(at, a.id(), LeaseResult.granted(new Lease(a.node(),
                        Epoch.of(++epoch)))));
            } else if (c instanceof Command.CheckReplica r) {
                enqueue(new Event.ReplicaObserved(at, r.id(), r.node(),
                        new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, "")));
            } else if (!(c instanceof Command.Notify)) {
                enqueue(new Event.ActionCompleted(at, c.id(), OpResult.ok()));
            }
        }
    }
}
