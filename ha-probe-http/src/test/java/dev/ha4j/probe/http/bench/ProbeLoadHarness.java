package dev.ha4j.probe.http.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.HttpHealthProbe;
import dev.ha4j.probe.http.HttpProbeConfig;
import dev.ha4j.probe.http.StatusTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load harness (not a test): one probe over N endpoints, each probed every period by one
 * {@link ScheduledExecutorService} standing in for the runtime's scheduler. Reports probes/s, lateness of each
 * probe's start against its schedule (p50/p99/p99.9/max), verdict latency, process CPU, threads started, and
 * heap per endpoint (used heap after GC with the probe and its schedule, minus a baseline without).
 *
 * <p>Endpoints are distinct URLs {@code http://127.0.0.1:<port>/ep-<i>/status} spread over K ports served by a
 * child JVM (so the servers' CPU is reported separately); the client pools connections per host:port, so with
 * K = N every endpoint keeps its own connection, as with one service per node.
 *
 * <pre>
 * cd /work/main &amp;&amp; mvn -q -o -pl ha-probe-http test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test \
 *   -Dexec.args="-Xmx512m -cp %classpath dev.ha4j.probe.http.bench.ProbeLoadHarness --endpoints=2000 --seconds=60"
 * </pre>
 * Options: {@code --endpoints=N} (2000), {@code --seconds=S} measured (60), {@code --warmup=S} (5),
 * {@code --period-ms=P} (1000), {@code --timeout-ms=T} (1000), {@code --ports=K} (2000: one service per
 * endpoint), {@code --server=nio|jdk} (nio: one selector thread serves all ports; jdk: one JDK HttpServer per port,
 * two threads each, which saturates this machine beyond a few hundred ports).
 */
public final class ProbeLoadHarness {
    private static final int BUCKET_US = 100;
    private static final int BUCKETS = 100_001; // 0 .. 10 s in 0.1 ms steps, last one is overflow

    private ProbeLoadHarness() {
    }

    private static final class Histogram {
        final AtomicIntegerArray counts = new AtomicIntegerArray(BUCKETS);
        final AtomicLong max = new AtomicLong();
        final LongAdder n = new LongAdder();

        void record(long nanos) {
            long us = Math.max(0, nanos / 1000);
            counts.incrementAndGet((int) Math.min(BUCKETS - 1, us / BUCKET_US));
            max.accumulateAndGet(us, Math::max);
            n.increment();
        }

        String percentile(double p) {
            long total = n.sum();
            if (total == 0) {
                return "n/a";
            }
            long want = (long) Math.ceil(total * p);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= want) {
                    return i == BUCKETS - 1 ? ">10s" : String.format(Locale.ROOT, "%.1f ms", (i + 1) * BUCKET_US / 1000.0);
                }
            }
            return "?";
        }

        String summary() {
            return "p50 " + percentile(0.50) + ", p99 " + percentile(0.99) + ", p99.9 " + percentile(0.999)
                    + ", max " + String.format(Locale.ROOT, "%.1f ms", max.get() / 1000.0) + " (n=" + n.sum() + ")";
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        int endpoints = Integer.parseInt(opt.getOrDefault("endpoints", "2000"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "60"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "5"));
        long periodMs = Long.parseLong(opt.getOrDefault("period-ms", "1000"));
        Duration timeout = Duration.ofMillis(Long.parseLong(opt.getOrDefault("timeout-ms", "1000")));
        int ports = Integer.parseInt(opt.getOrDefault("ports", "2000"));
        String server = opt.getOrDefault("server", "nio");

        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "ha-probe-http load harness: %d endpoints on %d ports (%s server), every %d ms,"
                + " timeout %s, %d s measured after %d s warm-up; JDK %s, %d CPUs, common pool parallelism %d%n",
                endpoints, ports, server,
                periodMs, timeout, seconds, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors(),
                java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());

        Process servers = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LoadServers.class.getName(), String.valueOf(ports), server))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(servers.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORTS ")) {
                throw new IllegalStateException("server process said: " + line);
            }
            String[] portList = line.substring(6).split(",");
            run(endpoints, seconds, warmup, periodMs, timeout, portList, mem, threads, os, servers);
        } finally {
            servers.getOutputStream().close();
            if (!servers.waitFor(5, TimeUnit.SECONDS)) {
                servers.destroyForcibly();
            }
        }
    }

    private static long openSockets() {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(f -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(f).toString().startsWith("socket:");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void run(int endpoints, int seconds, int warmup, long periodMs, Duration timeout, String[] ports,
            MemoryMXBean mem, ThreadMXBean threads, OperatingSystemMXBean os, Process servers) throws Exception {
        Histogram startLateness = new Histogram();
        Histogram verdictLateness = new Histogram();
        Histogram probeLatency = new Histogram();
        Map<String, LongAdder> verdicts = new ConcurrentHashMap<>();
        long[] baseNanos = new long[1];
        boolean[] recording = new boolean[1];
        List<NodeId> nodes = new ArrayList<>(endpoints);
        List<URI> bases = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            nodes.add(NodeId.of("ep-" + i));
            bases.add(URI.create("http://127.0.0.1:" + ports[i % ports.length] + "/ep-" + i));
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "harness-scheduler");
            t.setDaemon(true);
            return t;
        });

        // Fixed costs (classes, Jackson, the client's selector) are paid by a one-node probe before the baseline,
        // so that the difference is what the endpoints themselves cost.
        try (HttpHealthProbe warm = HttpHealthProbe.builder().node(NodeId.of("warm"), bases.get(0)).build()) {
            warm.probe(NodeId.of("warm"), Duration.ofSeconds(5));
        }
        long heapBaseline = usedAfterGc(mem);

        HttpHealthProbe.Builder b = HttpHealthProbe.builder()
                .config(HttpProbeConfig.custom().statusTable(StatusTable.BITBUCKET).build());
        for (int i = 0; i < endpoints; i++) {
            b.node(nodes.get(i), bases.get(i));
        }
        HttpHealthProbe probe = b.build();
        b = null; // the builder's copy of the map is not part of the probe's cost
        long heapProbeIdle = usedAfterGc(mem);

        long period = TimeUnit.MILLISECONDS.toNanos(periodMs);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        baseNanos[0] = t0;
        List<ScheduledFuture<?>> tasks = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            NodeId node = nodes.get(i);
            long phase = period * i / endpoints;
            long first = t0 + phase;
            long[] k = {0};
            tasks.add(scheduler.scheduleAtFixedRate(() -> {
                long expected = first + k[0]++ * period;
                long now = System.nanoTime();
                boolean rec = recording[0];
                if (rec) {
                    startLateness.record(now - expected);
                }
                probe.probeAsync(node, timeout).thenAccept((ProbeResult r) -> {
                    if (rec) {
                        verdictLateness.record(System.nanoTime() - expected);
                        probeLatency.record(r.latency().toNanos());
                        verdicts.computeIfAbsent(r.toString().replaceAll(" \\(.*", ""), x -> new LongAdder())
                                .increment();
                    }
                });
            }, Math.max(0, first - System.nanoTime()), period, TimeUnit.NANOSECONDS));
        }

        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long threadsBefore = threads.getTotalStartedThreadCount();
        long cpuBefore = os.getProcessCpuTime();
        Duration serverCpuBefore = servers.info().totalCpuDuration().orElse(Duration.ZERO);
        long wallBefore = System.nanoTime();
        recording[0] = true;
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        recording[0] = false;
        long wall = System.nanoTime() - wallBefore;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        Duration serverCpu = servers.info().totalCpuDuration().orElse(Duration.ZERO).minus(serverCpuBefore);
        long threadsStarted = threads.getTotalStartedThreadCount() - threadsBefore;
        int liveThreads = threads.getThreadCount();
        long sockets = openSockets();

        // Heap while the schedule still runs and the client holds its pooled connections.
        long heapWithProbes = usedAfterGc(mem);
        tasks.forEach(t -> t.cancel(false));
        scheduler.shutdown();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        Thread.sleep(timeout.toMillis() + 200);

        double wallS = wall / 1e9;
        long done = verdictLateness.n.sum();
        System.out.printf(Locale.ROOT, "probes completed: %d in %.1f s = %.0f probes/s (target %.0f/s)%n", done, wallS,
                done / wallS, endpoints * 1000.0 / periodMs);
        System.out.println("verdicts: " + verdicts);
        System.out.println("start lateness vs schedule: " + startLateness.summary());
        System.out.println("verdict lateness vs schedule (start lateness + probe latency): " + verdictLateness.summary());
        System.out.println("probe latency (ProbeResult.latency): " + probeLatency.summary());
        System.out.printf(Locale.ROOT, "probing JVM CPU: %.2f s over %.1f s = %.1f%% of one core; %.1f us CPU per probe;"
                + " %.2f ms CPU per endpoint per minute%n", cpu / 1e9, wallS, 100.0 * cpu / wall, cpu / 1e3 / done,
                cpu / 1e6 / endpoints * (60.0 / wallS));
        System.out.printf(Locale.ROOT, "server JVM CPU (separate process, for reference): %.2f s = %.1f%% of one core%n",
                serverCpu.toNanos() / 1e9, 100.0 * serverCpu.toNanos() / wall);
        System.out.printf(Locale.ROOT, "threads: %d live at the end, %d started during the measured window%n",
                liveThreads, threadsStarted);
        System.out.printf(Locale.ROOT, "sockets open in the probing JVM at the end of the window: %d (client connections"
                + " pooled by host:port)%n", sockets);
        System.out.printf(Locale.ROOT, "heap after GC: baseline %.1f MiB; probe built, no traffic %.1f MiB (%.2f KiB per"
                + " endpoint); probe + schedule + connection pool %.1f MiB -> %.1f KiB per endpoint (target <= 16 KiB)%n",
                heapBaseline / 1048576.0, heapProbeIdle / 1048576.0, (heapProbeIdle - heapBaseline) / 1024.0 / endpoints,
                heapWithProbes / 1048576.0, (heapWithProbes - heapBaseline) / 1024.0 / endpoints);
        probe.close();
    }
}
