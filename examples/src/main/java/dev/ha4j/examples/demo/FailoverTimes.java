package dev.ha4j.examples.demo;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.builtin.ProcessServiceControl;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.runtime.HaRuntime;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.core.spi.ServiceControl;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.probe.http.HttpHealthProbe;
import dev.ha4j.probe.http.HttpProbeConfig;
import dev.ha4j.probe.http.StatusTable;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Failover-time figures from one command: the real {@link HaRuntime} with real peers on this machine, and the
 * time from a fault to the first good answer a client gets through the router, for four scenarios:
 * <ul>
 *   <li><b>restart</b>: {@code kill -9} of the active's service process; a restart in place cures it;</li>
 *   <li><b>failover</b>: {@code kill -9} with no restart left (restart limit 0); the service fails over;</li>
 *   <li><b>fence-then-failover</b>: the active node is lost (its network cut: no probe, stop or observation
 *       answers), so it is powered off over IPMI ({@code ipmi_sim}) and verified off before the standby
 *       takes over;</li>
 *   <li><b>hung</b>: {@code kill -STOP} of the active's service: probes time out, a restart in place (SIGTERM,
 *       SIGCONT, gone, start) cures it.</li>
 * </ul>
 * The peers: two service processes (a small python3 HTTP server answering {@code GET /status} the Bitbucket
 * way and {@code GET /} with its node's name), run by {@link ProcessServiceControl} with pid files; the real
 * {@link HttpHealthProbe}; {@link InMemoryCoordinator}; a {@link JsonLinesJournal}; IPMI fencing through one
 * {@code ipmi_sim} per node (a simulated power switch where openipmi is not installed, said so); and the demo's
 * {@link LoopbackPortRouter}, a TCP forwarder that follows {@code route()}, which the client goes through.
 *
 * <p>The breakdown comes from timestamps of every SPI call (each SPI is wrapped; {@link System#nanoTime()} at
 * call and return): detection (fault → the answer of the probe that confirmed it), securing (stop, kill,
 * confirm, fence, unroute), lease, promote (replica checks and promotion), start, first healthy probe, route,
 * and the client's first good answer after that. Each phase runs from the previous phase's last answer to its
 * own last answer, so the phases add up to the total. The manager's own overhead is the sum of the gaps between
 * an answer returning from an SPI and the next command's SPI call beginning (the probe timer's waits after a
 * start are the policy's, not overhead).
 *
 * <p>Usage: {@code FailoverTimes [runs per scenario, default 5]}. Not thread-safe; a program, not a library.
 */
public final class FailoverTimes {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final List<NodeId> NODES = List.of(A, B);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String[] PHASES = {"detection", "securing", "lease", "promote", "start", "healthy probe",
        "route", "client"};
    private static final String SERVICE = String.join("\n",
            "import http.server, sys",
            "name, port = sys.argv[1], int(sys.argv[2])",
            "class H(http.server.BaseHTTPRequestHandler):",
            "    protocol_version = 'HTTP/1.0'",
            "    def do_GET(self):",
            "        body = b'{\"state\":\"RUNNING\"}' if self.path.startswith('/status') else"
                    + " ('served by ' + name + '\\n').encode()",
            "        self.send_response(200)",
            "        self.send_header('Content-Type', 'application/json' if self.path.startswith('/status')"
                    + " else 'text/plain')",
            "        self.send_header('Content-Length', str(len(body)))",
            "        self.end_headers()",
            "        self.wfile.write(body)",
            "    def log_message(self, *args):",
            "        pass",
            "class S(http.server.ThreadingHTTPServer):",
            "    allow_reuse_address = True",
            "    daemon_threads = True",
            "S(('127.0.0.1', port), H).serve_forever()",
            "");

    /** One SPI call as the wrappers saw it. */
    record Call(String kind, NodeId node, long start, long end, String result) {
    }

    private final PrintStream out;
    private final int runs;
    private final Path dir;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();

    private FailoverTimes(PrintStream out, int runs) throws IOException {
        this.out = out;
        this.runs = runs;
        this.dir = Files.createTempDirectory("ha4j-failover-times");
    }

    /**
     * @param args the number of runs per scenario (default 5)
     * @throws Exception if the harness cannot be set up
     */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.exit(new FailoverTimes(System.out, runs).play());
    }

    private int play() throws Exception {
        out.println("ha4j failover times: " + runs + " run(s) per scenario; load average " + load());
        try {
            try (Cluster c = new Cluster("restarts", false)) {
                for (int i = 1; i <= runs; i++) {
                    run(c, "restart", i, () -> kill9(c));
                }
                for (int i = 1; i <= runs; i++) {
                    run(c, "hung", i, () -> sigstop(c));
                }
            }
            try (Cluster c = new Cluster("failovers", true)) {
                for (int i = 1; i <= runs; i++) {
                    run(c, "failover", i, () -> kill9(c));
                }
                for (int i = 1; i <= runs; i++) {
                    // A lost server: nothing on it answers, neither the manager (network cut) nor the client
                    // through the router (the service frozen), until it is powered off.
                    run(c, "fence-then-failover", i, () -> {
                        c.nodes.cutNetwork(c.active());
                        return sigstop(c);
                    });
                }
            }
        } finally {
            deleteTree(dir);
        }
        summary();
        out.println("load average " + load());
        return 0;
    }

    private interface Fault {
        /** @return when the fault took effect, on {@link System#nanoTime()} */
        long inject() throws Exception;
    }

    private long kill9(Cluster c) {
        long pid = c.processes.pid(c.active()).orElseThrow();
        long t0 = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL on Linux
        return t0;
    }

    private long sigstop(Cluster c) throws Exception {
        long pid = c.processes.pid(c.active()).orElseThrow();
        Process p = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
        p.waitFor();
        return System.nanoTime(); // in effect once kill(1) has returned
    }

    private void run(Cluster c, String scenario, int n, Fault fault) throws Exception {
        c.settle();
        NodeId was = c.active();
        long t0 = fault.inject();
        long good = c.firstGoodAnswer(t0);
        // A call is recorded when it returns: a start may return after the client's first good answer (its
        // start check outlasts the service's own start), so the breakdown waits for the plan to finish.
        await("the run's plan to finish", () -> c.runtime.status().plan().isEmpty()
                && c.runtime.status().phase() == Phase.RUNNING);
        Thread.sleep(100);
        Map<String, Double> r = breakdown(t0, good, was);
        results.computeIfAbsent(scenario, k -> new ArrayList<>()).add(r);
        StringBuilder line = new StringBuilder(String.format("  %-20s run %d: %6.0f ms to the first good answer"
                + " (served by %s)  [", scenario, n, r.get("total"), c.servedBy()));
        for (String p : PHASES) {
            line.append(String.format(" %s %.0f", p, r.get(p)));
        }
        line.append(String.format(" ] overhead %.1f ms", r.get("overhead")));
        out.println(line);
        c.repair(was, scenario);
    }

    /** The phases of one run, in milliseconds, from the SPI calls between the fault and the good answer. */
    private Map<String, Double> breakdown(long t0, long good, NodeId was) {
        List<Call> window = new ArrayList<>(calls.stream().filter(x -> x.start() >= t0 - 5_000_000_000L
                && x.end() >= t0 && x.start() < good).sorted(Comparator.comparingLong(Call::start)).toList());
        List<Call> plan = window.stream().filter(x -> !x.kind().equals("probe") && x.start() >= t0).toList();
        long firstPlan = plan.isEmpty() ? good : plan.get(0).start();
        // The confirming probe: the last probe of the old active that answered before the plan began.
        Call confirm = window.stream().filter(x -> x.kind().equals("probe") && x.node().equals(was)
                && x.end() <= firstPlan).reduce((p, q) -> q).orElse(null);
        long startEnd = plan.stream().filter(x -> x.kind().equals("start")).mapToLong(Call::end).max().orElse(-1);
        Call healthy = window.stream().filter(x -> x.kind().equals("probe") && startEnd > 0 && x.start() >= startEnd
                && x.result().equals(HealthStatus.HEALTHY.name())).findFirst().orElse(null);
        List<Call> seq = new ArrayList<>(plan);
        if (healthy != null) {
            seq.add(healthy);
        }
        seq.sort(Comparator.comparingLong(Call::end));
        if (System.getenv("FAILOVER_TIMES_DEBUG") != null) {
            window.forEach(x -> out.printf("    %-8s %s %8.1f %8.1f %s%n", x.kind(), x.node(), ms(x.start() - t0),
                    ms(x.end() - t0), x.result()));
        }
        Map<String, Double> r = new LinkedHashMap<>();
        for (String p : PHASES) {
            r.put(p, 0.0);
        }
        long last = confirm == null ? t0 : confirm.end();
        r.put("detection", ms(last - t0));
        double overhead = 0;
        long prevEnd = last;
        for (Call x : seq) {
            if (x.start() >= good) {
                break; // after the client was served: not on the path to the first good answer
            }
            String phase = phaseOf(x.kind());
            // A call still running when the client was first served counts up to that moment only.
            long end = Math.min(x.end(), good);
            if (end > last) {
                r.merge(phase, ms(end - last), Double::sum);
                last = end;
            }
            // The gap before a call is the manager's own time, except before the healthy probe: that waits for
            // the service to boot and for the probe timer.
            if (x != healthy && x.start() > prevEnd) {
                overhead += ms(x.start() - prevEnd);
            }
            prevEnd = Math.max(prevEnd, end);
        }
        r.put("client", ms(good - last));
        r.put("total", ms(good - t0));
        r.put("overhead", overhead);
        return r;
    }

    private static String phaseOf(String kind) {
        return switch (kind) {
            case "stop", "kill", "state", "fence", "unroute" -> "securing";
            case "acquire" -> "lease";
            case "status", "promote", "demote", "outdate" -> "promote";
            case "start" -> "start";
            case "probe" -> "healthy probe";
            case "route" -> "route";
            default -> "securing";
        };
    }

    private void summary() {
        out.println();
        out.println("medians (ms):");
        StringBuilder h = new StringBuilder(String.format("  %-20s %7s", "scenario", "total"));
        for (String p : PHASES) {
            h.append(String.format(" %9s", p.length() > 9 ? p.substring(0, 9) : p));
        }
        h.append(String.format(" %9s %6s", "overhead", "share"));
        out.println(h);
        for (Map.Entry<String, List<Map<String, Double>>> e : results.entrySet()) {
            double total = median(e.getValue(), "total");
            double overhead = median(e.getValue(), "overhead");
            StringBuilder line = new StringBuilder(String.format("  %-20s %7.0f", e.getKey(), total));
            for (String p : PHASES) {
                line.append(String.format(" %9.0f", median(e.getValue(), p)));
            }
            line.append(String.format(" %9.1f %5.1f%%", overhead, 100 * overhead / total));
            out.println(line);
        }
        double worst = results.values().stream().mapToDouble(v -> median(v, "overhead")).max().orElse(0);
        out.println(String.format("manager overhead target <= 100 ms of a failover: %s (worst median %.1f ms)",
                worst <= 100 ? "met" : "NOT met", worst));
    }

    private static double median(List<Map<String, Double>> runs, String key) {
        double[] v = runs.stream().mapToDouble(m -> m.get(key)).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ------------------------------------------------------------------ the cluster

    /** Two service processes, their BMCs, the router, and one runtime over them. */
    private final class Cluster implements AutoCloseable {
        final ProcessServiceControl processes;
        final PoweredNodes nodes;
        final LoopbackPortRouter router;
        final Fencer fencer;
        final HaRuntime runtime;
        final List<IpmiSimulator> bmcs = new ArrayList<>();
        final Map<NodeId, Integer> ports = new ConcurrentHashMap<>();

        /** @param failOver whether a crash fails over at once (no restart in place) */
        Cluster(String name, boolean failOver) throws Exception {
            Path home = Files.createDirectories(dir.resolve(name));
            Path script = home.resolve("service.py");
            Files.writeString(script, SERVICE);
            String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
            ProcessServiceControl.Builder pb = ProcessServiceControl.builder();
            for (NodeId n : NODES) {
                ports.put(n, freePort());
                pb.node(n, CommandSpec.builder(python, script.toString(), n.name(), Integer.toString(ports.get(n)))
                        .build());
                pb.pidFile(n, home.resolve(n.name() + ".pid"));
                pb.logFile(n, home.resolve(n.name() + ".log"));
            }
            processes = pb.build();
            nodes = new PoweredNodes(processes);
            fencer = fencer(nodes);
            router = new LoopbackPortRouter(0, ports);
            HttpHealthProbe.Builder probe = HttpHealthProbe.builder()
                    .config(HttpProbeConfig.custom().statusTable(StatusTable.BITBUCKET).build());
            NODES.forEach(n -> probe.node(n, java.net.URI.create("http://127.0.0.1:" + ports.get(n))));
            Policy.Builder policy = Policy.custom()
                    .probeInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofMillis(800))
                    .firstProbeTimeout(Duration.ofSeconds(2)).failuresBeforeAction(2)
                    .standbyProbeInterval(Duration.ofHours(1)) // no standby check mixes into the measured calls
                    .startupGrace(Duration.ofSeconds(15)).startTimeout(Duration.ofSeconds(10))
                    .stopTimeout(Duration.ofSeconds(3)).killTimeout(Duration.ofSeconds(2))
                    .confirmTimeout(Duration.ofSeconds(2)).fenceTimeout(Duration.ofSeconds(5))
                    .leaseTimeout(Duration.ofSeconds(2)).replicaTimeout(Duration.ofSeconds(2))
                    .routeTimeout(Duration.ofSeconds(2)).restarts(1, Duration.ofHours(1))
                    .maxFailovers(1000, Duration.ofHours(1)).failoverBudget(Duration.ofMinutes(2))
                    .fencingLevels(List.of("power"));
            if (failOver) {
                policy.react(dev.ha4j.core.FailureKind.CRASHED, dev.ha4j.core.Reaction.FAILOVER);
            }
            Policy built = policy.build();
            out.println("cluster '" + name + "': " + built);
            ClusterConfig config = ClusterConfig.custom().name(name).nodes("a", "b").policy(built).build();
            runtime = HaRuntime.builder().config(config)
                    .probe(timed(nodes.probe(probe.build())))
                    .serviceControl(timed(nodes))
                    .fencer("power", timed(fencer))
                    .replicator(timed(new FlagReplicator()))
                    .router(timed(router))
                    .coordinator(timed(InMemoryCoordinator.builder().build()))
                    .journal(JsonLinesJournal.open(home.resolve("journal.jsonl")))
                    .build();
            runtime.start();
            await("the service runs on a", () -> running(A) && servedBy().equals("a"));
        }

        NodeId active() {
            return NodeId.of(runtime.status().active().orElseThrow());
        }

        boolean running(NodeId n) {
            return runtime.status().phase() == Phase.RUNNING && runtime.status().plan().isEmpty()
                    && runtime.status().active().equals(Optional.of(n.name()));
        }

        /** Steady: running, no plan, a healthy verdict, and a moment for the probe cycle to be mid-interval. */
        void settle() throws InterruptedException {
            await("steady", () -> runtime.status().phase() == Phase.RUNNING && runtime.status().plan().isEmpty()
                    && runtime.status().observedHealth().equals(Optional.of(HealthStatus.HEALTHY))
                    && runtime.status().outstanding().stream().noneMatch(c -> !c.kind().equals("ArmTimer")
                            && !c.kind().equals("Probe")));
            Thread.sleep(1_300);
        }

        /** Polls through the router every 10 ms until a request is served; returns when, on nanoTime. */
        long firstGoodAnswer(long t0) throws InterruptedException {
            // The first answer after the fault that is served; an answer from before the fault could still be
            // in flight, so only requests begun after it count.
            while (System.nanoTime() - t0 < WAIT.toNanos()) {
                if (!servedBy().isEmpty()) {
                    return System.nanoTime();
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("no good answer through the router within " + WAIT + "; status "
                    + runtime.status().toJson());
        }

        /** One GET / through the router on a fresh connection; the serving node's name, or empty. */
        String servedBy() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), router.port()), 200);
                s.setSoTimeout(300);
                OutputStream o = s.getOutputStream();
                o.write("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                InputStream in = s.getInputStream();
                String r = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!r.startsWith("HTTP/1.0 200")) {
                    return "";
                }
                int i = r.indexOf("served by ");
                return i < 0 ? "" : r.substring(i + 10).trim();
            } catch (IOException e) {
                return "";
            }
        }

        /** Puts the cluster back as it was before a run: the old active repaired, failures cleared. */
        void repair(NodeId was, String scenario) throws Exception {
            await("the run's plan to finish", () -> runtime.status().plan().isEmpty()
                    && runtime.status().phase() == Phase.RUNNING);
            if (scenario.equals("fence-then-failover")) {
                nodes.restoreNetwork(was);
                fencer.fence(was, FenceAction.ON, Duration.ofSeconds(5));
            }
            runtime.clearFailures(Optional.empty());
            if (active().equals(was)) {
                return; // restarted in place: nothing else to repair
            }
            await("the old active is a standby again", () -> String.valueOf(runtime.status().roles().get(was.name()))
                    .equals("STANDBY") && runtime.status().phase() == Phase.RUNNING);
        }

        private Fencer fencer(PoweredNodes powered) throws IOException {
            if (!IpmiSimulator.installed()) {
                out.println("ipmi_sim/ipmitool not found: fencing with a simulated power switch (apt-get install -y"
                        + " openipmi ipmitool to fence over IPMI)");
                return powered.fencer();
            }
            IpmiFencerConfig.Builder cfg = IpmiFencerConfig.custom();
            for (NodeId n : NODES) {
                IpmiSimulator sim = IpmiSimulator.start();
                bmcs.add(sim);
                cfg.bmc(n, BmcConfig.custom().host(IpmiSimulator.HOST).port(sim.port()).user(IpmiSimulator.ADMIN)
                        .password(Secret.of(IpmiSimulator.ADMIN_PASSWORD)).connectTimeout(Duration.ofSeconds(2))
                        .build());
            }
            IpmiFencer ipmi = IpmiFencer.builder().config(cfg.build()).build();
            for (NodeId n : NODES) {
                ipmi.fence(n, FenceAction.ON, Duration.ofSeconds(5));
            }
            return new BmcPowerFencer(ipmi, powered);
        }

        @Override
        public void close() {
            runtime.close();
            for (NodeId n : NODES) {
                processes.kill(n, Duration.ofSeconds(5));
                processes.pid(n).flatMap(ProcessHandle::of).ifPresent(p -> {
                    p.destroyForcibly();
                });
            }
            router.close();
            bmcs.forEach(IpmiSimulator::close);
        }
    }

    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        throw new IllegalStateException("not within " + WAIT + ": " + what);
    }

    // ------------------------------------------------------------------ timing wrappers

    private <T> T time(String kind, NodeId node, Supplier<T> call, java.util.function.Function<T, String> result) {
        long start = System.nanoTime();
        T r = call.get();
        calls.add(new Call(kind, node, start, System.nanoTime(), r == null ? "null" : result.apply(r)));
        return r;
    }

    private HealthProbe timed(HealthProbe p) {
        return (node, timeout) -> time("probe", node, () -> p.probe(node, timeout), r -> r.status().name());
    }

    private ServiceControl timed(ServiceControl c) {
        return new ServiceControl() {
            @Override
            public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
                return time("start", node, () -> c.start(node, epoch, timeout), OpResult::toString);
            }

            @Override
            public OpResult stop(NodeId node, Duration timeout) {
                return time("stop", node, () -> c.stop(node, timeout), OpResult::toString);
            }

            @Override
            public OpResult kill(NodeId node, Duration timeout) {
                return time("kill", node, () -> c.kill(node, timeout), OpResult::toString);
            }

            @Override
            public RunState state(NodeId node, Duration timeout) {
                return time("state", node, () -> c.state(node, timeout), RunState::name);
            }
        };
    }

    private Fencer timed(Fencer f) {
        return new Fencer() {
            @Override
            public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
                return time("fence", node, () -> f.fence(node, action, timeout), FenceResult::toString);
            }

            @Override
            public PowerState status(NodeId node, Duration timeout) {
                return f.status(node, timeout);
            }
        };
    }

    private RequestRouter timed(RequestRouter r) {
        return new RequestRouter() {
            @Override
            public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
                return time("route", node, () -> r.route(node, epoch, timeout), OpResult::toString);
            }

            @Override
            public OpResult unroute(NodeId node, Duration timeout) {
                return time("unroute", node, () -> r.unroute(node, timeout), OpResult::toString);
            }

            @Override
            public Optional<NodeId> currentTarget(Duration timeout) {
                return r.currentTarget(timeout);
            }
        };
    }

    private Coordinator timed(Coordinator c) {
        return new Coordinator() {
            @Override
            public LeaseResult acquire(NodeId node, Duration timeout) {
                return time("acquire", node, () -> c.acquire(node, timeout), LeaseResult::toString);
            }

            @Override
            public OpResult release(Lease lease, Duration timeout) {
                return c.release(lease, timeout);
            }

            @Override
            public Optional<Lease> current(Duration timeout) {
                return c.current(timeout);
            }

            @Override
            public void addListener(LeaseListener listener) {
                c.addListener(listener);
            }
        };
    }

    private Replicator timed(Replicator r) {
        return new Replicator() {
            @Override
            public String name() {
                return r.name();
            }

            @Override
            public ReplicaStatus status(NodeId node, Duration timeout) {
                return time("status", node, () -> r.status(node, timeout), ReplicaStatus::toString);
            }

            @Override
            public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
                return time("promote", node, () -> r.promote(node, epoch, force, timeout), OpResult::toString);
            }

            @Override
            public OpResult demote(NodeId node, Duration timeout) {
                return time("demote", node, () -> r.demote(node, timeout), OpResult::toString);
            }

            @Override
            public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
                return time("outdate", peer, () -> r.outdatePeer(peer, epoch, timeout), OpResult::toString);
            }
        };
    }

    /**
     * A replica that is only a role flag in memory: the service keeps no data, but the plan's replica steps
     * still run through the runtime as SPI calls, so that their cost is measured rather than skipped.
     */
    private static final class FlagReplicator implements Replicator {
        private final Map<NodeId, ReplicaRole> roles = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "flag";
        }

        @Override
        public ReplicaStatus status(NodeId node, Duration timeout) {
            return new ReplicaStatus(roles.getOrDefault(node, ReplicaRole.SECONDARY), dev.ha4j.core.Consistency.UP_TO_DATE,
                    "");
        }

        @Override
        public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
            roles.put(node, ReplicaRole.PRIMARY);
            return OpResult.ok();
        }

        @Override
        public OpResult demote(NodeId node, Duration timeout) {
            roles.put(node, ReplicaRole.SECONDARY);
            return OpResult.ok();
        }

        @Override
        public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
            return OpResult.ok();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
