package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.testkit.Prerequisites;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.probe.http.support.StatusServer.Answer;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Failures below the table, against real servers on loopback: closed ports, hosts that do not complete a
 * connect, servers that accept and never answer, slow-loris heads and bodies, huge bodies, garbage, redirects.
 */
class TransportFailuresIT {
    private static final NodeId NODE = NodeId.of("n1");
    private static final Duration SLACK = Duration.ofMillis(700);

    private static HttpHealthProbe probe(URI base) {
        return probe(base, HttpProbeConfig.ofDefaults());
    }

    private static HttpHealthProbe probe(URI base, HttpProbeConfig cfg) {
        return HttpHealthProbe.builder().config(cfg).node(NODE, base).build();
    }

    private static void assertVerdict(ProbeResult r, HealthStatus status, FailureKind kind) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.failure()).as("%s", r).isEqualTo(Optional.ofNullable(kind));
    }

    @Test
    void closedPortIsACrashedService() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (HttpHealthProbe p = probe(URI.create("http://127.0.0.1:" + port))) {
            ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.CRASHED);
            assertThat(r.detail()).contains("refused").contains("127.0.0.1:" + port);
            assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void connectThatNeverCompletesIsAnUnreachableNode() throws Exception {
        // A listener whose accept queue is full drops further SYNs (Linux), so a connect hangs exactly like one
        // to a host that is down — without sending a packet off this machine.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            boolean hanging = false;
            try {
                for (int i = 0; i < 16 && !hanging; i++) {
                    Socket s = new Socket();
                    fillers.add(s);
                    try {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                    } catch (SocketTimeoutException e) {
                        hanging = true;
                    }
                }
                Prerequisites.require(hanging, "this kernel does not drop SYNs to a listener with a full accept"
                        + " queue, so a hanging connect cannot be produced on loopback");
                HttpProbeConfig cfg = HttpProbeConfig.custom().connectTimeout(Duration.ofMillis(400)).build();
                try (HttpHealthProbe p = probe(URI.create("http://127.0.0.1:" + listener.getLocalPort()), cfg)) {
                    ProbeResult r = p.probe(NODE, Duration.ofSeconds(3));
                    assertVerdict(r, HealthStatus.UNREACHABLE, FailureKind.NODE_UNREACHABLE);
                    assertThat(r.detail()).contains("timed out");
                    assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
                }
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void acceptedButNeverAnsweredIsHungWithinTheTimeout() throws Exception {
        HttpProbeConfig cfg = HttpProbeConfig.custom().connectTimeout(Duration.ofMillis(300)).build();
        try (RawServer server = new RawServer(null); HttpHealthProbe p = probe(server.base(), cfg)) {
            Duration timeout = Duration.ofMillis(800);
            long t0 = System.nanoTime();
            ProbeResult r = p.probe(NODE, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertVerdict(r, HealthStatus.FAILED, FailureKind.HUNG);
            assertThat(took).isGreaterThanOrEqualTo(timeout.minusMillis(50)).isLessThan(timeout.plus(SLACK));
            assertThat(r.detail()).contains("no HTTP response").doesNotContain("not confirmed");
        }
    }

    @Test
    void shortTimeoutSaysTheConnectWasNotConfirmed() throws Exception {
        try (RawServer server = new RawServer(null); HttpHealthProbe p = probe(server.base())) {
            ProbeResult r = p.probe(NODE, Duration.ofMillis(300)); // below the 5 s default connect timeout
            assertVerdict(r, HealthStatus.FAILED, FailureKind.HUNG);
            assertThat(r.detail()).contains("not confirmed");
        }
    }

    @Test
    void slowLorisHeadIsHung() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            for (char c : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".toCharArray()) {
                if (stop.get()) {
                    return;
                }
                RawServer.write(s, String.valueOf(c));
                Thread.sleep(100);
            }
        }); HttpHealthProbe p = probe(server.base())) {
            Duration timeout = Duration.ofMillis(900);
            long t0 = System.nanoTime();
            ProbeResult r = p.probe(NODE, timeout);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(timeout.plus(SLACK));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.HUNG);
        } finally {
            stop.set(true);
        }
    }

    @Test
    void slowLorisBodyIsHungAndSaysSo() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"st");
            while (!stop.get()) {
                RawServer.write(s, " ");
                Thread.sleep(100);
            }
        }); HttpHealthProbe p = probe(server.base())) {
            Duration timeout = Duration.ofMillis(900);
            long t0 = System.nanoTime();
            ProbeResult r = p.probe(NODE, timeout);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(timeout.plus(SLACK));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.HUNG);
            assertThat(r.detail()).contains("HTTP 200 headers").contains("body was incomplete");
        } finally {
            stop.set(true);
        }
    }

    @Test
    void hundredMegabyteChunkedBodyIsRefusedQuicklyWithoutReadingIt() throws Exception {
        long hundredMb = 100L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        CountDownLatch serverSawClose = new CountDownLatch(1);
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try (StatusServer server = StatusServer.start()) {
            server.handler("/status", (HttpExchange ex) -> {
                ex.sendResponseHeaders(200, 0); // chunked: no length announced
                try (OutputStream o = ex.getResponseBody()) {
                    while (written.get() < hundredMb) {
                        o.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    serverSawClose.countDown();
                }
            });
            try (HttpHealthProbe p = probe(server.base())) {
                ProbeResult r = p.probe(NODE, Duration.ofSeconds(10));
                assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                assertThat(r.detail()).contains("larger than the 65536-byte cap");
                assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
                // The client closed the connection: the server's writes fail long before 100 MB.
                assertThat(serverSawClose.await(10, TimeUnit.SECONDS)).as("server saw the close").isTrue();
                assertThat(written.get()).as("bytes the server managed to write").isLessThan(hundredMb / 4);
            }
        }
    }

    @Test
    void announcedHundredMegabyteBodyIsNotReadAtAll() throws Exception {
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            for (long n = 0; n < 104857600L; n += chunk.length) {
                s.getOutputStream().write(chunk);
                srv.countWritten(chunk.length);
            }
        }); HttpHealthProbe p = probe(server.base())) {
            ProbeResult r = p.probe(NODE, Duration.ofSeconds(10));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            assertThat(r.detail()).contains("104857600 bytes").contains("cap");
            assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.endings().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.endings()).hasSize(1);
            assertThat(server.endings().get(0)).isInstanceOf(IOException.class);
            assertThat(server.written()).isLessThan(104857600L / 4);
        }
    }

    @Test
    void bodyJustOverTheCapIsRefusedWhenTheStateIsNotInItsFirstPart() throws Exception {
        try (StatusServer server = StatusServer.start()) {
            String big = "{\"pad\":\"" + "x".repeat(2048) + "\",\"state\":\"RUNNING\"}";
            server.answer("/status", Answer.of(200, big));
            HttpProbeConfig cfg = HttpProbeConfig.custom().maxBodyBytes(2048).build();
            try (HttpHealthProbe p = probe(server.base(), cfg)) {
                ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
                assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                assertThat(r.detail()).contains("2048-byte cap");
            }
            HttpProbeConfig roomy = HttpProbeConfig.custom().maxBodyBytes(4096).build();
            try (HttpHealthProbe p = probe(server.base(), roomy)) {
                assertVerdict(p.probe(NODE, Duration.ofSeconds(5)), HealthStatus.HEALTHY, null);
            }
        }
    }

    @Test
    void invalidJsonIsABadResponse() throws Exception {
        try (StatusServer server = StatusServer.start()) {
            server.answer("/status", Answer.of(200, "{\"state\": RUNNING"));
            try (HttpHealthProbe p = probe(server.base())) {
                ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
                assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                assertThat(r.detail()).contains("not valid JSON").doesNotContain("RUNNING");
            }
            server.answer("/status", Answer.of(200, "{\"state\":\"RUNNING\"} {\"state\":\"ERROR\"}"));
            try (HttpHealthProbe p = probe(server.base())) {
                assertVerdict(p.probe(NODE, Duration.ofSeconds(5)), HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            }
        }
    }

    @Test
    void garbageInsteadOfHttpIsABadResponse() throws Exception {
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            RawServer.write(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
            s.close();
        }); HttpHealthProbe p = probe(server.base())) {
            ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void closedWithoutAnswerIsABadResponse() throws Exception {
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            s.close();
        }); HttpHealthProbe p = probe(server.base())) {
            ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        }
    }

    @Test
    void truncatedBodyIsABadResponse() throws Exception {
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"state\":");
            s.close();
        }); HttpHealthProbe p = probe(server.base())) {
            ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        }
    }

    @Test
    void redirectsAreNeverFollowed() throws Exception {
        try (StatusServer target = StatusServer.start(); StatusServer server = StatusServer.start()) {
            target.state("/status", 200, "state", "RUNNING");
            for (int code : new int[] {301, 302, 303, 307, 308}) {
                server.answer("/status", new Answer(code, "<html>moved</html>",
                        Map.of("Location", target.base() + "/status?token=abc123")));
                try (HttpHealthProbe p = probe(server.base())) {
                    ProbeResult r = p.probe(NODE, Duration.ofSeconds(5));
                    assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                    assertThat(r.detail()).contains("redirect (HTTP " + code).contains("not followed")
                            .contains(target.base() + "/status").doesNotContain("abc123");
                }
            }
            assertThat(target.hits()).as("the redirect target was never asked").isZero();
        }
    }

    @Test
    void pathAndContextPathAreHonoured() throws Exception {
        try (StatusServer server = StatusServer.start()) {
            server.state("/bitbucket/status", 200, "state", "RUNNING");
            server.state("/custom/health", 200, "state", "RUNNING");
            try (HttpHealthProbe p = probe(URI.create(server.base() + "/bitbucket/"))) {
                assertVerdict(p.probe(NODE, Duration.ofSeconds(5)), HealthStatus.HEALTHY, null);
                assertThat(p.statusUri(NODE)).contains(URI.create(server.base() + "/bitbucket/status"));
            }
            HttpProbeConfig cfg = HttpProbeConfig.custom().path("/custom/health").build();
            try (HttpHealthProbe p = probe(server.base(), cfg)) {
                assertVerdict(p.probe(NODE, Duration.ofSeconds(5)), HealthStatus.HEALTHY, null);
            }
            assertThat(server.requests()).allSatisfy(h -> {
                assertThat(h.get("Accept")).containsExactly("application/json");
                assertThat(h.get("User-agent")).containsExactly("ha4j-probe-http");
                assertThat(h).doesNotContainKey("Authorization");
            });
        }
    }
}
