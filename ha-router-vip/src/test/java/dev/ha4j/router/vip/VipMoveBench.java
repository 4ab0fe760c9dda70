package dev.ha4j.router.vip;

import static dev.ha4j.router.vip.Lab.A;
import static dev.ha4j.router.vip.Lab.B;
import static dev.ha4j.router.vip.Lab.PORT;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.testkit.netns.LabClient;
import dev.ha4j.testkit.netns.NetnsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (no assertion on time, and not run by default: its name does not end in IT). In a
 * namespace lab, moves the VIP back and forth between two nodes with real HTTP servers and measures, per move,
 * the time from {@code route(newNode)} being called to the client's first answer from the new node, IPv4 and
 * IPv6. Prints median, p95 and max, and writes them to {@code target/vip-move-bench.txt}.
 *
 * <pre>
 * mvn -B -o -q -pl ha-router-vip -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=VipMoveBench -Dfailsafe.failIfNoSpecifiedTests=false [-Dha4j.vip.moves=30] \
 *     [-Dha4j.vip.ipv4Announcer=auto|send_arp|arping]
 * </pre>
 */
class VipMoveBench {
    @Test
    void moves() throws IOException {
        Lab.requirePrerequisites();
        int moves = Integer.getInteger("ha4j.vip.moves", 30);
        StringBuilder report = new StringBuilder();
        // wall-clock trace of every route and command, to line up with a packet capture (tcpdump -tt)
        List<String> trace = new ArrayList<>();
        try (NetnsLab lab = NetnsLab.builder().build().start()) {
            lab.startHttpServer("a", PORT, "node-a");
            lab.startHttpServer("b", PORT, "node-b");
            LabClient client = lab.startClient();
            for (boolean v6 : new boolean[] {false, true}) {
                String vip = v6 ? lab.spareIpv6(0x80) : lab.spareIpv4(80);
                Map<String, List<Double>> perCommand = new TreeMap<>();
                VipRouterConfig.Builder b = VipRouterConfig.custom().vip(v6 ? Lab.v6(lab, 0x80) : Lab.v4(lab, 80));
                for (String tag : List.of("a", "b")) {
                    CommandRunner real = CommandRunner.inNetns(lab.namespace(tag));
                    CommandRunner timed = (command, timeout) -> {
                        long c0 = System.nanoTime();
                        Instant w0 = Instant.now();
                        CommandResult res = real.run(command, timeout);
                        trace(trace, w0, "cmd " + tag + " " + ((System.nanoTime() - c0) / 1000) + "us "
                                + res.status() + " " + String.join(" ", command));
                        String kind = command.get(0).replaceAll(".*/", "") + " " + command.get(command.get(0)
                                .endsWith("ip") ? 2 + (command.get(1).equals("-o") ? 1 : 0) : 1);
                        synchronized (perCommand) {
                            perCommand.computeIfAbsent(kind, k -> new ArrayList<>()).add((System.nanoTime() - c0) / 1e6);
                        }
                        return res;
                    };
                    b.node(VipNode.of(tag.equals("a") ? A : B, NetnsLab.INTERFACE, timed));
                }
                if (!v6) {
                    b.ipv4Announcer(System.getProperty("ha4j.vip.ipv4Announcer", "auto"));
                }
                VipRouterConfig cfg = b.build();
                List<Double> route = new ArrayList<>();
                List<Double> reach = new ArrayList<>();
                List<Double> unstranded = new ArrayList<>();
                int missed = 0;
                int stranded = 0;
                String tool = "?";
                try (VipRouter r = VipRouter.builder().config(cfg).build()) {
                    check(r.route(A, Epoch.of(1), Duration.ofSeconds(5)));
                    client.startAwait(vip, PORT, "node-a", Duration.ofSeconds(5));
                    client.awaitResult(Duration.ofSeconds(10));
                    for (int i = 0; i < moves; i++) {
                        NodeId to = i % 2 == 0 ? B : A;
                        client.startAwait(vip, PORT, to == B ? "node-b" : "node-a", Duration.ofSeconds(3));
                        trace(trace, Instant.now(), "route " + to + " e" + (i + 2));
                        long t0 = System.nanoTime();
                        OpResult res = r.route(to, Epoch.of(i + 2), Duration.ofSeconds(5));
                        long t1 = System.nanoTime();
                        LabClient.Awaited seen = client.awaitResult(Duration.ofSeconds(10));
                        long t2 = System.nanoTime();
                        trace(trace, Instant.now(), String.format("moved %s route %.1f ms reach %.1f ms %s", to,
                                (t1 - t0) / 1e6, (t2 - t0) / 1e6, seen));
                        check(res);
                        route.add((t1 - t0) / 1e6);
                        tool = res.detail().replaceAll(".*queued \\((\\w+)\\).*", "$1");
                        // an attempt that waited out the poller's 250 ms read timeout was accepted by the old node
                        // just before it lost the address (IPv4 cannot answer from a deleted address)
                        boolean strandedMove = seen.longestAttemptMillis() >= 200;
                        if (strandedMove) {
                            stranded++;
                        }
                        if (seen.reached()) {
                            reach.add((t2 - t0) / 1e6);
                            if (!strandedMove) {
                                unstranded.add((t2 - t0) / 1e6);
                            }
                        } else {
                            missed++;
                        }
                    }
                    r.unroute(A, Duration.ofSeconds(5));
                    r.unroute(B, Duration.ofSeconds(5));
                }
                String line = String.format("%s, %d moves: route() returned median %.0f / p95 %.0f / max %.0f ms;"
                                + " client's first answer from the new node median %.0f / p95 %.0f / max %.0f ms;"
                                + " not reached within 3 s: %d",
                        (v6 ? "IPv6 (" : "IPv4 (") + tool + ")", moves, pct(route, 50), pct(route, 95),
                        pct(route, 100), pct(reach, 50), pct(reach, 95), pct(reach, 100), missed);
                line += String.format("%n  moves with a request stranded on the old node (one attempt waited out the"
                        + " client's 250 ms read timeout): %d; the other %d: first answer median %.0f / p95 %.0f /"
                        + " max %.0f ms", stranded, unstranded.size(), pct(unstranded, 50), pct(unstranded, 95),
                        pct(unstranded, 100));
                StringBuilder cmds = new StringBuilder("  per command (median / p95 ms):");
                synchronized (perCommand) {
                    perCommand.forEach((k, v) -> cmds.append(String.format(" %s %.0f/%.0f (n=%d);", k, pct(v, 50),
                            pct(v, 95), v.size())));
                }
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                line = line + String.format("; load average %.1f on %d cores", load,
                        Runtime.getRuntime().availableProcessors()) + "\n" + cmds;
                System.out.println(line);
                report.append(line).append('\n');
            }
        }
        Path out = Path.of(System.getProperty("ha4j.vip.bench.out", "target/vip-move-bench.txt"));
        Files.writeString(out, report);
        synchronized (trace) {
            Files.write(Path.of(out + ".trace"), trace);
        }
    }

    private static void trace(List<String> trace, Instant at, String what) {
        String line = String.format("%d.%06d %s", at.getEpochSecond(), at.getNano() / 1000, what);
        synchronized (trace) {
            trace.add(line);
        }
    }

    private static void check(OpResult r) {
        if (!r.isOk()) {
            throw new IllegalStateException("route failed during the benchmark: " + r);
        }
    }

    private static double pct(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
