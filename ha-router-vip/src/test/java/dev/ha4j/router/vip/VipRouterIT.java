package dev.ha4j.router.vip;

import static dev.ha4j.router.vip.Lab.A;
import static dev.ha4j.router.vip.Lab.B;
import static dev.ha4j.router.vip.Lab.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.testkit.netns.LabClient;
import dev.ha4j.testkit.netns.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router end to end in network namespaces: two nodes with a real HTTP server each, a client that really
 * connects to the virtual IP, a bridge between them. Each test uses its own VIP, so that the client's neighbour
 * entries from one test cannot help or hurt another.
 */
class VipRouterIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static NetnsLab lab;
    private static LabClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLab() {
        Lab.requirePrerequisites();
        lab = NetnsLab.builder().build().start();
        lab.startHttpServer("a", PORT, "node-a");
        lab.startHttpServer("b", PORT, "node-b");
        client = lab.startClient();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String host(boolean v6, int h) {
        return v6 ? lab.spareIpv6(h) : lab.spareIpv4(h);
    }

    private static String cidr(boolean v6, int h) {
        return v6 ? Lab.v6(lab, h) : Lab.v4(lab, h);
    }

    private static void assertOk(OpResult r) {
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
    }

    /** Routes to a, checks the client reaches a, then moves to b and checks that the client follows. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void clientReachesTheNewNodeAfterAMove(boolean v6) {
        int h = v6 ? 0x51 : 51;
        String vip = host(v6, h);
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, cidr(v6, h), v6).labelSuffix(v6 ? null : "vip")
                .build()).buildVerified(T)) {
            assertOk(r.route(A, Epoch.of(1), T));
            client.startAwait(vip, PORT, "node-a", Duration.ofSeconds(5));
            assertThat(client.awaitResult(T).reached()).as("client reaches node-a on " + vip).isTrue();
            assertThat(r.currentTarget(T)).contains(A);

            client.startAwait(vip, PORT, "node-b", Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            OpResult moved = r.route(B, Epoch.of(2), T);
            long routeMs = (System.nanoTime() - t0) / 1_000_000;
            LabClient.Awaited seen = client.awaitResult(T);
            long reachMs = (System.nanoTime() - t0) / 1_000_000;
            assertOk(moved);
            assertThat(moved.detail()).contains("released from [node-a]");
            assertThat(seen.reached()).as("client follows the vip to node-b within 2 s (last: " + seen.lastSeen()
                    + ")").isTrue();
            System.out.printf("ipv6=%s: route returned after %d ms, client on node-b after %d ms (%d attempts)%n",
                    v6, routeMs, reachMs, seen.attempts());
            assertThat(r.currentTarget(T)).contains(B);
            String addrs = lab.ipOutput(lab.namespace("a"), "-o", "addr", "show", "dev", NetnsLab.INTERFACE);
            assertThat(addrs).doesNotContain(vip + "/");
            if (!v6) {
                assertThat(lab.ipOutput(lab.namespace("b"), "-o", "-4", "addr", "show", "dev", NetnsLab.INTERFACE))
                        .contains(vip + "/24").contains("eth0:vip");
            }
            assertOk(r.unroute(B, T));
            assertThat(r.currentTarget(T)).isEmpty();
        }
    }

    /**
     * The negative control: with no announcement the client keeps sending to the old node's MAC, so it does not
     * reach the new node within 2 s. Shows that the positive test measures the announcement, not luck.
     */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void withoutAnnouncementTheClientIsNotMovedWithinTwoSeconds(boolean v6) {
        int h = v6 ? 0x52 : 52;
        String vip = host(v6, h);
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, cidr(v6, h), v6).announcements(0).build())
                .build()) {
            assertOk(r.route(A, Epoch.of(1), T));
            client.startAwait(vip, PORT, "node-a", Duration.ofSeconds(5));
            assertThat(client.awaitResult(T).reached()).isTrue();

            client.startAwait(vip, PORT, "node-b", Duration.ofSeconds(2));
            assertOk(r.route(B, Epoch.of(2), T));
            LabClient.Awaited seen = client.awaitResult(T);
            assertThat(seen.reached()).as("without announcement the client must not follow within 2 s").isFalse();
            assertThat(r.currentTarget(T)).contains(B);
            assertOk(r.unroute(B, T));
        }
    }

    /** Another host (the client namespace) holds the address: the claim is refused, naming its MAC. */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void duplicateAddressIsRefusedNamingTheMac(boolean v6) {
        int h = v6 ? 0x53 : 53;
        String c = cidr(v6, h);
        lab.ipOutput(lab.clientNamespace(), v6 ? "-6" : "-4", "addr", "add", c, "dev", NetnsLab.INTERFACE, v6 ? "nodad"
                : "noprefixroute");
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, c, v6).build()).build()) {
            OpResult res = r.route(A, Epoch.of(1), T);
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.REFUSED);
            assertThat(res.detail()).contains(lab.mac("client")).contains("already held by another host");
            assertThat(r.currentTarget(T)).isEmpty();
            assertThat(lab.ipOutput(lab.namespace("a"), "-o", "addr", "show", "dev", NetnsLab.INTERFACE))
                    .doesNotContain(host(v6, h) + "/");
        } finally {
            lab.ipOutput(lab.clientNamespace(), v6 ? "-6" : "-4", "addr", "del", c, "dev", NetnsLab.INTERFACE);
        }
    }

    /** A claim under an older epoch is refused, also by a new router reading the same state file. */
    @Test
    void staleEpochIsRefusedAlsoAfterARestart() throws Exception {
        Path state = dir.resolve("vip-epoch");
        VipRouterConfig cfg = Lab.config(lab, Lab.v4(lab, 54), false).stateFile(state).build();
        try (VipRouter r = VipRouter.builder().config(cfg).build()) {
            assertOk(r.route(B, Epoch.of(5), T));
            OpResult stale = r.route(A, Epoch.of(4), T);
            assertThat(stale.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(stale.detail()).contains("e4").contains("e5").contains(state.toString());
            assertThat(r.currentTarget(T)).contains(B);
        }
        try (VipRouter restarted = VipRouter.builder().config(cfg).build()) {
            assertThat(restarted.lastEpoch()).isEqualTo(Epoch.of(5));
            assertThat(restarted.route(A, Epoch.of(4), T).outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(restarted.currentTarget(T)).contains(B);
            assertOk(restarted.route(A, Epoch.of(6), T));
            assertThat(restarted.currentTarget(T)).contains(A);
            assertOk(restarted.unroute(A, T));
        }
        Files.writeString(state, "ha4j-vip-epoch 1\nepoch=7\ncrc32=00000000\n");
        assertThatThrownBy(() -> VipRouter.builder().config(cfg).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(state.toString())
                .hasMessageContaining("corrupt");
    }

    /** Announcements run in the background: route returns while send_arp still sends, and close() ends them. */
    @Test
    void announcementsDoNotHoldUpRouteAndCloseEndsThem() {
        VipRouterConfig cfg = Lab.config(lab, Lab.v4(lab, 55), false).announcements(5)
                .announceInterval(Duration.ofSeconds(1)).build();
        java.util.Set<String> pidFilesBefore = sendArpPidFiles(lab.spareIpv4(55));
        VipRouter r = VipRouter.builder().config(cfg).build();
        try {
            OpResult res = r.route(A, Epoch.of(1), T);
            assertOk(res);
            // send_arp -i 1000 -r 5 takes about 4.5 s: if route had waited, it would not be running any more
            assertThat(r.announcementsPending()).as("announcement still pending after route returned").isEqualTo(1);
            // the background thread may not have spawned send_arp yet when route returns (CI saw exactly that):
            // wait for it, bounded well below the 4 s it then runs
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (ipNetnsPids(lab.namespace("a")).size() < 2 && System.nanoTime() < until) {
                sleepQuietly(Duration.ofMillis(20));
            }
            assertThat(ipNetnsPids(lab.namespace("a"))).as("send_arp runs in node a's namespace besides the HTTP server")
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(r.announcementsPending()).as("announcement still pending while send_arp runs").isEqualTo(1);
            assertOk(r.unroute(A, T));
        } finally {
            r.close();
        }
        assertThat(r.backgroundThreads()).isZero();
        // no wait here: close() returns once the killed announcer has exited (send_arp takes tens of milliseconds
        // to die), which is what this checks
        assertThat(ipNetnsPids(lab.namespace("a"))).as("no send_arp left in node a's namespace after close, only the"
                + " HTTP server").hasSize(1);
        assertThat(sendArpPidFiles(lab.spareIpv4(55))).as("the killed send_arp's pid file is removed by close()")
                .isEqualTo(pidFilesBefore);
        assertThat(r.route(A, Epoch.of(2), T).outcome()).isEqualTo(Outcome.FAILED);
    }

    /** The pid files send_arp runs for {@code host} have in its default directory (shared by the lab's nodes). */
    private static java.util.Set<String> sendArpPidFiles(String host) {
        Path dir = Path.of("/var/run/resource-agents");
        if (!Files.isDirectory(dir)) {
            return java.util.Set.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("send_arp-ha4j-" + host + "-"))
                    .collect(java.util.stream.Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The MAC the client's neighbour table has for an address now, or "" when it has none. */
    private static String clientNeighbour(String host) {
        String out = lab.ipOutput(lab.clientNamespace(), "neigh", "show", host, "dev", NetnsLab.INTERFACE);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("lladdr ([0-9a-f:]{17})").matcher(out);
        return m.find() ? m.group(1) : "";
    }

    /** Waits, bounded, until the client's neighbour entry for {@code host} is {@code mac}; returns the ms waited. */
    private static long awaitClientNeighbour(String host, String mac, Duration max) {
        long t0 = System.nanoTime();
        while (!clientNeighbour(host).equals(mac)) {
            assertThat(System.nanoTime() - t0).as("client's neighbour entry for " + host + " is " + mac + " within "
                    + max + " (now '" + clientNeighbour(host) + "')").isLessThan(max.toNanos());
            sleepQuietly(Duration.ofMillis(5));
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * send_arp repeats the announcement every half interval in milliseconds (arping could only every second): a
     * client whose entry is wrong again after the first packet (it missed it, or a stale answer overwrote it) is
     * put right within a fraction of a second, not after a second.
     */
    @Test
    void sendArpRepeatsTheAnnouncementWithinMilliseconds() {
        String vip = host(false, 58);
        String bogus = "02:00:00:00:00:58";
        // 20 announcements 200 ms apart: a packet every 100 ms for about 4 s, longer than the bounded waits below
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, cidr(false, 58), false).announcements(20)
                .build()).buildVerified(T)) {
            assertOk(r.route(A, Epoch.of(1), T));
            client.startAwait(vip, PORT, "node-a", Duration.ofSeconds(5));
            assertThat(client.awaitResult(T).reached()).isTrue();
            long t0 = System.nanoTime();
            OpResult moved = r.route(B, Epoch.of(2), T);
            assertOk(moved);
            assertThat(moved.detail()).contains("20 gratuitous ARP queued (send_arp)");
            long routeMs = (System.nanoTime() - t0) / 1_000_000;
            long firstMs = awaitClientNeighbour(vip, lab.mac("b"), Duration.ofSeconds(2));
            // poison the entry and see the next packet fix it (not read back: the next packet may already have)
            lab.ipOutput(lab.clientNamespace(), "neigh", "replace", vip, "lladdr", bogus, "dev", NetnsLab.INTERFACE,
                    "nud", "stale");
            long againMs = awaitClientNeighbour(vip, lab.mac("b"), Duration.ofMillis(600));
            System.out.printf("send_arp: route %d ms, client's entry moved %d ms after route returned, fixed again"
                    + " %d ms after being poisoned%n", routeMs, firstMs, againMs);
            assertOk(r.unroute(B, T));
        }
    }

    /** A node without send_arp announces with arping -U instead; one where send_arp was required is refused. */
    @Test
    void withoutSendArpTheRouterFallsBackToArpingOrRefusesWhenItWasRequired() {
        String vip = host(false, 59);
        VipRouterConfig.Builder missing = Lab.config(lab, cidr(false, 59), false)
                .sendArpCommand("/nonexistent/send_arp");
        // built without verify: found out at the first announcement, through ip netns exec's own error
        try (VipRouter r = VipRouter.builder().config(missing.build()).build()) {
            assertOk(r.route(A, Epoch.of(1), T));
            client.startAwait(vip, PORT, "node-a", Duration.ofSeconds(5));
            assertThat(client.awaitResult(T).reached()).isTrue();
            client.startAwait(vip, PORT, "node-b", Duration.ofSeconds(3));
            assertOk(r.route(B, Epoch.of(2), T));
            assertThat(client.awaitResult(T).reached()).as("client follows, announced by arping -U").isTrue();
            awaitClientNeighbour(vip, lab.mac("b"), Duration.ofSeconds(2));
            assertOk(r.route(A, Epoch.of(3), T));
            awaitClientNeighbour(vip, lab.mac("a"), Duration.ofSeconds(2));
            // the client followed to b, so b's announcement ran and found send_arp missing: remembered
            OpResult again = r.route(B, Epoch.of(4), T);
            assertThat(again.detail()).as(again.toString()).contains("(arping)");
            awaitClientNeighbour(vip, lab.mac("b"), Duration.ofSeconds(2));
            assertOk(r.unroute(B, T));
        }
        assertThatThrownBy(() -> VipRouter.builder().config(missing.ipv4Announcer(Ipv4Announcer.SEND_ARP).build())
                .buildVerified(T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node-a").hasMessageContaining("/nonexistent/send_arp")
                .hasMessageContaining("No such file or directory");
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static java.util.List<String> ipNetnsPids(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "pids", ns).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return java.util.Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** An interface that does not exist on a node, or without IPv6 for an IPv6 VIP, is refused at build time. */
    @Test
    void misconfiguredInterfacesAreRefusedWhenBuilt() {
        VipRouterConfig missing = VipRouterConfig.custom().vip(Lab.v4(lab, 56))
                .node(VipNode.of(A, "eth7", CommandRunner.inNetns(lab.namespace("a"))))
                .build();
        assertThatThrownBy(() -> VipRouter.builder().config(missing).buildVerified(T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eth7").hasMessageContaining("does not exist").hasMessageContaining("node-a");
        lab.ipOutput(lab.namespace("a"), "link", "add", "dummy0", "type", "veth", "peer", "name", "dummy0p");
        try {
            lab.exec(lab.namespace("a"), "sysctl", "-qw", "net.ipv6.conf.dummy0.disable_ipv6=1").orThrow();
            lab.ipOutput(lab.namespace("a"), "link", "set", "dummy0", "up");
            VipRouterConfig noV6 = VipRouterConfig.custom().vip(Lab.v6(lab, 0x56))
                    .node(VipNode.of(A, "dummy0", CommandRunner.inNetns(lab.namespace("a"))))
                    .build();
            assertThatThrownBy(() -> VipRouter.builder().config(noV6).buildVerified(T))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dummy0").hasMessageContaining("no IPv6");
        } finally {
            lab.ipOutput(lab.namespace("a"), "link", "del", "dummy0");
        }
        // a node that cannot be reached is reported, not refused: the router must start while a node is down
        VipRouterConfig down = VipRouterConfig.custom().vip(Lab.v4(lab, 56))
                .node(VipNode.of(A, "eth0", CommandRunner.inNetns("ha4j-no-such-namespace")))
                .build();
        try (VipRouter r = VipRouter.builder().config(down).build()) {
            assertThat(r.verify(T)).singleElement().asString().contains("ha4j-no-such-namespace");
        }
    }

    @Test
    void routeToAnUnknownNodeFails() {
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, Lab.v4(lab, 57), false).build()).build()) {
            OpResult res = r.route(dev.ha4j.core.NodeId.of("node-z"), Epoch.of(1), T);
            assertThat(res.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("node-z").contains("not configured");
            assertThat(r.currentTarget(T)).isEqualTo(Optional.empty());
        }
    }
}
