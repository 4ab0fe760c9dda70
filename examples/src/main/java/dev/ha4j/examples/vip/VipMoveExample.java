package dev.ha4j.examples.vip;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.router.vip.CommandRunner;
import dev.ha4j.router.vip.VipNode;
import dev.ha4j.router.vip.VipRouter;
import dev.ha4j.router.vip.VipRouterConfig;
import dev.ha4j.testkit.netns.LabClient;
import dev.ha4j.testkit.netns.NetnsLab;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Moves a virtual IP from node a to node b and back in a lab of network namespaces (two nodes with an HTTP
 * server each, a client, a bridge; nothing in the host's own network is touched), and prints how long the
 * client took to reach the new node after each move. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN), {@code ip},
 * {@code arping} (iputils-arping); when it cannot run it says why and exits with status 77 ("skipped").
 *
 * <pre>
 * mvn -B -q -Pvip-example -pl examples -am package -DskipTests
 * </pre>
 *
 * <p>Not thread-safe; a program, not a library class.
 */
public final class VipMoveExample {
    private static final NodeId A = NodeId.of("node-a");
    private static final NodeId B = NodeId.of("node-b");
    private static final Duration T = Duration.ofSeconds(5);

    private VipMoveExample() {
    }

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if the lab cannot be built although the machine allows it
     */
    public static void main(String[] args) throws Exception {
        Optional<String> cannot = cannotRun();
        if (cannot.isPresent()) {
            System.out.println("VipMoveExample cannot run here: " + cannot.get());
            System.exit(77);
        }
        run(System.out);
    }

    /**
     * Says why the example cannot run on this machine, if it cannot.
     *
     * @return the reason, or empty
     */
    public static Optional<String> cannotRun() {
        Optional<String> lab = NetnsLab.unavailableReason();
        if (lab.isPresent()) {
            return lab;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "arping"))) {
                return Optional.empty();
            }
        }
        return Optional.of("arping is not installed (apt-get install -y iputils-arping)");
    }

    /**
     * Builds the lab, moves the address twice and prints what the client saw.
     *
     * @param out where to print
     * @return whether the client followed both moves
     */
    public static boolean run(PrintStream out) {
        try (NetnsLab lab = NetnsLab.builder().prefix("ha4jex").build().start()) {
            lab.startHttpServer("a", 8080, "node-a");
            lab.startHttpServer("b", 8080, "node-b");
            LabClient client = lab.startClient();
            String vip = lab.spareIpv4(50);
            VipRouterConfig cfg = VipRouterConfig.custom()
                    .vip(vip + "/24")
                    .labelSuffix("vip")
                    .node(VipNode.of(A, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("a")))
                            .withOwnAddress(lab.ipv4("a")))
                    .node(VipNode.of(B, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("b")))
                            .withOwnAddress(lab.ipv4("b")))
                    .build();
            boolean all = true;
            try (VipRouter router = VipRouter.builder().config(cfg).buildVerified(T)) {
                long epoch = 1;
                for (NodeId to : new NodeId[] {A, B, A}) {
                    String body = to.equals(A) ? "node-a" : "node-b";
                    client.startAwait(vip, 8080, body, Duration.ofSeconds(3));
                    long t0 = System.nanoTime();
                    OpResult r = router.route(to, Epoch.of(epoch++), T);
                    long routed = System.nanoTime();
                    LabClient.Awaited seen = client.awaitResult(Duration.ofSeconds(10));
                    long reached = System.nanoTime();
                    out.printf("route(%s): %s%n  returned after %d ms; client %s%n", to, r,
                            (routed - t0) / 1_000_000, seen.reached()
                                    ? "reached " + body + " on " + vip + " after " + (reached - t0) / 1_000_000 + " ms"
                                    : "did NOT reach " + body + " within 3 s (last: " + seen.lastSeen() + ")");
                    all &= r.isOk() && seen.reached();
                }
                out.println("currentTarget: " + router.currentTarget(T).map(NodeId::toString).orElse("none/unknown"));
                router.unroute(A, T);
            }
            return all;
        }
    }
}
