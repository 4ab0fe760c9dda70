package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.testkit.Prerequisites;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One verdict per server behaviour, whichever timer fires first: the same silent server, probed many times
 * with timeouts at, below and above the connect timeout, always gets the same verdict; and a probe closed after
 * a stalled body leaves no client thread behind.
 */
class VerdictRaceIT {
    private static final NodeId NODE = NodeId.of("n1");

    /** A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs as to a dead host. */
    private static final class SilentHost implements AutoCloseable {
        final ServerSocket listener;
        final List<Socket> fillers = new ArrayList<>();

        SilentHost() throws Exception {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            boolean hanging = false;
            for (int i = 0; i < 16 && !hanging; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                } catch (SocketTimeoutException e) {
                    hanging = true;
                }
            }
            if (!hanging) {
                close();
            }
            Prerequisites.require(hanging, "this kernel does not drop SYNs to a listener with a full accept queue,"
                    + " so a connect that is never answered cannot be produced on loopback");
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            for (Socket s : fillers) {
                s.close();
            }
            listener.close();
        }
    }

    private static Map<String, Integer> verdicts(HttpHealthProbe p, Duration timeout, int times) {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < times; i++) {
            ProbeResult r = p.probe(NODE, timeout);
            seen.merge(r.status() + "/" + r.failure().map(Enum::name).orElse("-"), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void aConnectNeverAnsweredIsHungWhenTheTimeoutIsAtOrBelowTheConnectTimeout() throws Exception {
        Duration connect = Duration.ofMillis(150);
        HttpProbeConfig cfg = HttpProbeConfig.custom().connectTimeout(connect).build();
        try (SilentHost host = new SilentHost();
                HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, host.base()).build()) {
            for (Duration timeout : List.of(connect, connect.minusMillis(1), Duration.ofMillis(60),
                    Duration.ofMillis(5), Duration.ofMillis(1))) {
                Map<String, Integer> seen = verdicts(p, timeout, 20);
                assertThat(seen).as("timeout %s, connect timeout %s", timeout, connect)
                        .containsOnlyKeys("FAILED/HUNG");
            }
        }
    }

    @Test
    void aConnectNeverAnsweredIsUnreachableWhenTheConnectTimeoutEndsFirst() throws Exception {
        Duration connect = Duration.ofMillis(100);
        HttpProbeConfig cfg = HttpProbeConfig.custom().connectTimeout(connect).build();
        try (SilentHost host = new SilentHost();
                HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, host.base()).build()) {
            // Well above: a loaded machine may spend hundreds of ms before the connect even starts.
            Map<String, Integer> seen = verdicts(p, Duration.ofSeconds(3), 15);
            assertThat(seen).containsOnlyKeys("UNREACHABLE/NODE_UNREACHABLE");
        }
    }

    @Test
    void aHealthyServerWithTinyTimeoutsIsNeverUnreachable() throws Exception {
        // A real server that answers quickly: with 1-3 ms timeouts the answer may or may not come in time, but a
        // server that accepted the connection is never a dead node.
        try (StatusServer server = StatusServer.start();
                HttpHealthProbe p = HttpHealthProbe.builder().config(HttpProbeConfig.ofDefaults())
                        .node(NODE, server.base()).build()) {
            server.answer("/status", StatusServer.Answer.of(200, "{\"state\":\"RUNNING\"}"));
            Map<String, Integer> seen = new TreeMap<>();
            for (int ms = 1; ms <= 3; ms++) {
                verdicts(p, Duration.ofMillis(ms), 70).forEach((k, v) -> seen.merge(k, v, Integer::sum));
            }
            assertThat(seen.keySet()).as("%s", seen).isSubsetOf(Set.of("HEALTHY/-", "FAILED/HUNG"));
        }
    }

    private static Set<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("HttpClient-") && n.endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }

    @Test
    void aClosedProbeLeavesNoClientThreadAfterAStalledBody() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"st");
            while (!stop.get() && !s.isClosed()) {
                Thread.sleep(20);
            }
        })) {
            Set<String> before = clientThreads();
            HttpHealthProbe p = HttpHealthProbe.builder().node(NODE, server.base()).build();
            ProbeResult r = p.probe(NODE, Duration.ofMillis(300));
            assertThat(r.failure()).as("%s", r).contains(FailureKind.HUNG);
            assertThat(r.status()).isEqualTo(HealthStatus.FAILED);
            p.close();
            p = null;
            Set<String> left = clientThreads();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                System.gc();
                left = clientThreads();
                left.removeAll(before);
                if (left.isEmpty()) {
                    break;
                }
                Thread.onSpinWait();
                Thread.sleep(100);
            }
            assertThat(left).as("HTTP client selector threads still alive after close").isEmpty();
        } finally {
            stop.set(true);
        }
    }
}
