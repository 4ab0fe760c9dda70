package dev.ha4j.examples.demo;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.builtin.ProcessServiceControl;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.InMemoryJournal;
import dev.ha4j.core.runtime.HaRuntime;
import dev.ha4j.core.runtime.RuntimeEvent;
import dev.ha4j.core.runtime.StatusSnapshot;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.probe.http.HttpHealthProbe;
import dev.ha4j.probe.http.HttpProbeConfig;
import dev.ha4j.probe.http.StatusTable;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The two-node demo: two real service processes ({@link DemoService}) on loopback, one manager
 * ({@link HaRuntime}) with the HTTP {@code /status} probe, the in-memory coordinator, a fencer and a router
 * that forwards a loopback port to the active node. The fencer goes through a real BMC over IPMI
 * ({@code ipmi_sim}, one per node) when Debian's {@code openipmi} and {@code ipmitool} are installed, and
 * through a simulated power switch otherwise. It plays a script and prints a timeline:
 * <ol>
 *   <li>the service starts on node a and the router reaches it;</li>
 *   <li>a crash on a: a restart in place cures it;</li>
 *   <li>a second crash on a: the restart limit is reached, the service fails over to b;</li>
 *   <li>b's network is cut: b is fenced (verified off) before a takes over;</li>
 *   <li>an operator repairs b, powers it on and clears the failures: b is a standby again;</li>
 *   <li>b can no longer start (a wrong build), and a crashes twice: the failover to b fails to start and the
 *       cluster blocks for manual intervention.</li>
 * </ol>
 * It exits 0 only if every expected outcome happened.
 */
public final class Demo {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final long t0 = System.nanoTime(); // the timeline is measured on the monotonic clock
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private int met;
    private HaRuntime runtime;
    private LoopbackPortRouter router;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<NodeId, Integer> ports;
    private final List<IpmiSimulator> bmcs = new ArrayList<>();

    private Demo(PrintStream out) throws IOException {
        this.out = out;
        this.ports = Map.of(A, freePort(), B, freePort());
    }

    /**
     * @param args ignored
     * @throws Exception if the demo cannot be set up
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(System.out));
    }

    /**
     * Runs the demo.
     *
     * @param out where the timeline goes
     * @return 0 when every expected outcome happened, 1 otherwise
     * @throws Exception if the demo cannot be set up
     */
    public static int run(PrintStream out) throws Exception {
        return new Demo(out).play();
    }

    private int play() throws Exception {
        Path dir = Files.createTempDirectory("ha4j-demo");
        ProcessServiceControl processes = null;
        try {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            ProcessServiceControl.Builder pb = ProcessServiceControl.builder();
            for (NodeId n : List.of(A, B)) {
                pb.node(n, CommandSpec.builder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", cp,
                        DemoService.class.getName(), n.name(), Integer.toString(ports.get(n)),
                        dir.resolve(n.name()).toString(), "800").build());
                pb.logFile(n, dir.resolve(n.name()).resolve("service.log"));
            }
            processes = pb.build();
            PoweredNodes nodes = new PoweredNodes(processes);
            Fencer fencer = fencer(nodes);
            router = new LoopbackPortRouter(0, ports);
            HttpHealthProbe probe = HttpHealthProbe.builder()
                    .config(HttpProbeConfig.custom().statusTable(StatusTable.BITBUCKET).build())
                    .node(A, URI.create("http://127.0.0.1:" + ports.get(A)))
                    .node(B, URI.create("http://127.0.0.1:" + ports.get(B)))
                    .build();
            ClusterConfig config = ClusterConfig.custom().name("demo").nodes("a", "b").policy(Policy.custom()
                    .probeInterval(Duration.ofMillis(400)).probeTimeout(Duration.ofMillis(300))
                    .firstProbeTimeout(Duration.ofSeconds(1)).startupGrace(Duration.ofSeconds(15))
                    .startTimeout(Duration.ofSeconds(10)).stopTimeout(Duration.ofSeconds(3))
                    .killTimeout(Duration.ofSeconds(2)).confirmTimeout(Duration.ofSeconds(2))
                    .fenceTimeout(Duration.ofSeconds(5)).leaseTimeout(Duration.ofSeconds(2))
                    .replicaTimeout(Duration.ofSeconds(2)).routeTimeout(Duration.ofSeconds(2))
                    .restarts(1, Duration.ofMinutes(10)).failuresBeforeAction(2)
                    .failoverBudget(Duration.ofMinutes(2)).fencingLevels(List.of("power")).build()).build();
            runtime = HaRuntime.builder().config(config).probe(nodes.probe(probe)).serviceControl(nodes)
                    .fencer("power", fencer).router(router).coordinator(InMemoryCoordinator.builder().build())
                    .journal(new InMemoryJournal()).notifier(notifications::add).build();
            runtime.events().onDecision(this::print);

            say("ha4j demo: service a on 127.0.0.1:" + ports.get(A) + ", b on 127.0.0.1:" + ports.get(B)
                    + ", router on 127.0.0.1:" + router.port() + "; probing GET /status every 400 ms,"
                    + " 1 restart in 10 min before a failover");
            runtime.start();
            expect("the service runs on a and the router reaches it", () -> running(A) && servedBy(A));

            step("crash the service on a (POST /control/crash): a restart in place should cure it");
            control(A, "crash");
            expect("a was restarted", () -> notified(Notification.Kind.RESTARTED) >= 1);
            expect("the service runs on a again, reached through the router", () -> running(A) && servedBy(A));

            step("crash a again: the restart limit is reached, so the service fails over to b");
            control(A, "crash");
            expect("failover to b completed", () -> notified(Notification.Kind.FAILOVER_COMPLETED) >= 1);
            expect("the service runs on b under a new epoch, reached through the router",
                    () -> running(B) && servedBy(B) && runtime.status().epoch() == 2);

            step("cut b's network (the whole server looks down): b must be fenced before a takes over");
            nodes.cutNetwork(B);
            say("b's network is cut");
            expect("b was fenced and verified off", () -> notified(Notification.Kind.FENCED) >= 1);
            expect("failover to a completed, reached through the router",
                    () -> notified(Notification.Kind.FAILOVER_COMPLETED) >= 2 && running(A) && servedBy(A));
            if (!bmcs.isEmpty()) {
                expect("ipmitool agrees: b's BMC reads power off", () -> bmcs.get(1).ipmitoolPowerStatus() == PowerState.OFF);
            }

            step("an operator repairs b: restores its network, powers it on and clears the failure history");
            nodes.restoreNetwork(B);
            say("power on b: " + fencer.fence(B, FenceAction.ON, Duration.ofSeconds(5)));
            runtime.clearFailures(Optional.empty());
            expect("b is a standby again and a still serves",
                    () -> "STANDBY".equals(String.valueOf(runtime.status().roles().get("b"))) && running(A)
                            && servedBy(A));

            step("make b unable to start (a 'fail-start' marker: a build that does not match the database),"
                    + " then crash a twice");
            Files.writeString(dir.resolve("b").resolve("fail-start"), "wrong build\n");
            control(A, "crash");
            expect("a was restarted in place", () -> notified(Notification.Kind.RESTARTED) >= 2 && running(A));
            control(A, "crash");
            expect("the failover to b failed to start and the cluster is BLOCKED for an operator",
                    () -> runtime.status().phase() == Phase.BLOCKED
                            && runtime.status().blockedReason().orElse("").contains("failed to start on b"));
            expect("nothing else is attempted while blocked", () -> {
                pause(Duration.ofSeconds(2));
                return runtime.status().phase() == Phase.BLOCKED && notified(Notification.Kind.FAILOVER_STARTED) == 3;
            });
            StatusSnapshot s = runtime.status();
            say("final status: " + s.toJson().replace("\n", "\n             "));
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            if (processes != null) {
                for (NodeId n : List.of(A, B)) {
                    processes.kill(n, Duration.ofSeconds(5));
                }
            }
            if (router != null) {
                router.close();
            }
            bmcs.forEach(IpmiSimulator::close);
            deleteTree(dir);
        }
        out.println();
        if (failed.isEmpty()) {
            out.println("demo passed: all " + met + " expected outcomes happened");
            return 0;
        }
        out.println("demo FAILED: " + failed.size() + " expected outcome(s) did not happen: " + failed);
        return 1;
    }

    /** A fencer over IPMI against one {@code ipmi_sim} per node where installed, else the simulated switch. */
    private Fencer fencer(PoweredNodes nodes) throws IOException {
        if (!IpmiSimulator.installed()) {
            say("ipmi_sim/ipmitool not found: fencing with a simulated power switch"
                    + " (apt-get install -y openipmi ipmitool to fence over IPMI)");
            return nodes.fencer();
        }
        IpmiFencerConfig.Builder cfg = IpmiFencerConfig.custom();
        for (NodeId n : List.of(A, B)) {
            IpmiSimulator sim = IpmiSimulator.start();
            bmcs.add(sim);
            cfg.bmc(n, BmcConfig.custom().host(IpmiSimulator.HOST).port(sim.port()).user(IpmiSimulator.ADMIN)
                    .password(Secret.of(IpmiSimulator.ADMIN_PASSWORD)).connectTimeout(Duration.ofSeconds(2)).build());
            say("BMC of " + n + ": ipmi_sim on " + IpmiSimulator.HOST + ":" + sim.port() + " (IPMI v2.0 RMCP+, cipher suite 3)");
        }
        IpmiFencer ipmi = IpmiFencer.builder().config(cfg.build()).build();
        for (NodeId n : List.of(A, B)) {
            // The lab's chassis starts powered off; a node's BMC must read ON before it runs anything.
            say("power on " + n + " over IPMI: " + ipmi.fence(n, FenceAction.ON, Duration.ofSeconds(5)));
        }
        return new BmcPowerFencer(ipmi, nodes);
    }

    private void print(RuntimeEvent.DecisionMade d) {
        String reason = d.transition().reason();
        boolean routineProbe = reason.startsWith("probing ") || reason.startsWith("ignored ")
                || reason.startsWith("probe not needed") || reason.endsWith(": HEALTHY")
                || reason.contains("within start-up grace");
        boolean worth = d.transition().commands().stream().anyMatch(c -> c.acts() || c instanceof Command.Notify)
                || d.transition().state().phase() != Phase.RUNNING && !routineProbe
                || reason.contains("bad probe") || reason.contains("failure");
        if (worth) {
            out.printf("  %8s  [%-13s] %s%n", elapsed(), d.transition().state().phase(), d.transition().reason());
        }
        for (Command c : d.transition().commands()) {
            if (c instanceof Command.Notify n) {
                out.printf("  %8s  >> notify %s%n", elapsed(), n.notification());
            }
        }
    }

    private String elapsed() {
        Duration d = Duration.ofNanos(System.nanoTime() - t0);
        return String.format("+%d.%03ds", d.toSeconds(), d.toMillisPart());
    }

    private void say(String s) {
        out.printf("  %8s  %s%n", elapsed(), s);
    }

    private void step(String s) {
        out.println();
        out.printf("  %8s  == %s%n", elapsed(), s);
    }

    private void expect(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                met++;
                out.printf("  %8s  OK   %s%n", elapsed(), what);
                return;
            }
            pause(Duration.ofMillis(100));
        }
        failed.add(what);
        out.printf("  %8s  FAIL %s (not within %ds; status %s)%n", elapsed(), what, WAIT.toSeconds(),
                runtime.status().phase());
    }

    private boolean running(NodeId node) {
        StatusSnapshot s = runtime.status();
        return s.phase() == Phase.RUNNING && s.active().equals(Optional.of(node.name()));
    }

    private boolean servedBy(NodeId node) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port()
                    + "/")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().trim().equals("served by " + node.name());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void control(NodeId node, String what) {
        say("POST /control/" + what + " to " + node);
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + "/control/" + what))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // A crash may cut the answer short; the effect is what the script checks.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long notified(Notification.Kind kind) {
        return notifications.stream().filter(n -> n.kind() == kind).count();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the folder is under the temp directory.
        }
    }
}
