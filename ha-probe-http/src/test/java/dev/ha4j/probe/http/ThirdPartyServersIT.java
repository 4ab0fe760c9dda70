package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.support.Nginx;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.probe.http.support.StatusServer.Answer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The probe against what real deployments put in front of it: JDK servers that answer exactly as Spring Boot
 * Actuator does (default and documented custom mappings, readiness before the application is ready, big
 * {@code show-details=always} bodies, a group that is not enabled) and Debian's nginx as a reverse proxy in
 * front of a JDK server (its own 404, 502 and 504 pages).
 */
class ThirdPartyServersIT {
    private static final NodeId NODE = NodeId.of("n1");
    private static final Duration T = Duration.ofSeconds(5);

    private static HttpHealthProbe probe(URI base, StatusTable table) {
        return HttpHealthProbe.builder().config(HttpProbeConfig.custom().statusTable(table).build())
                .node(NODE, base).build();
    }

    private static void assertVerdict(ProbeResult r, HealthStatus status, FailureKind kind) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.failure()).as("%s", r).isEqualTo(Optional.ofNullable(kind));
    }

    /** Actuator's JSON with {@code show-details=always}: "status" first, then every component's details. */
    private static String bigHealth(String status, int bytes) {
        StringBuilder b = new StringBuilder("{\"status\":\"" + status + "\",\"components\":{");
        for (int i = 0; b.length() < bytes; i++) {
            b.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":{\"status\":\"UP\",\"details\":{\"")
                    .append("info\":\"").append("x".repeat(200)).append("\"}}");
        }
        return b.append("}}").toString();
    }

    @Test
    void actuatorsDocumentedCustomMappingsAreUnderstood() throws Exception {
        // management.endpoint.health.status.http-mapping.fatal=503, .out-of-service=500 (Spring Boot reference).
        try (StatusServer s = StatusServer.start(); HttpHealthProbe p = probe(s.base(), StatusTable.SPRING_BOOT_ACTUATOR)) {
            s.state("/actuator/health", 200, "status", "UP");
            assertVerdict(p.probe(NODE, T), HealthStatus.HEALTHY, null);
            s.state("/actuator/health", 503, "status", "FATAL");
            assertVerdict(p.probe(NODE, T), HealthStatus.FAILED, FailureKind.ERROR);
            s.state("/actuator/health", 500, "status", "OUT_OF_SERVICE");
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.MAINTENANCE, null);
            s.state("/actuator/health", 503, "status", "OUT_OF_SERVICE");
            assertVerdict(p.probe(NODE, T), HealthStatus.MAINTENANCE, null);
        }
    }

    @Test
    void outOfServiceBeforeReadinessIsStartingAndAfterwardsMaintenance() throws Exception {
        StatusTable readiness = StatusTable.springBootActuatorGroup("readiness");
        assertThat(readiness.defaultPath()).isEqualTo("/actuator/health/readiness");
        try (StatusServer s = StatusServer.start(); HttpHealthProbe p = probe(s.base(), readiness)) {
            s.state("/actuator/health/readiness", 503, "status", "OUT_OF_SERVICE");
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.STARTING, null);
            assertThat(r.detail()).contains("before the node was first healthy");
            s.state("/actuator/health/readiness", 200, "status", "UP");
            assertVerdict(p.probe(NODE, T), HealthStatus.HEALTHY, null);
            s.state("/actuator/health/readiness", 503, "status", "OUT_OF_SERVICE");
            assertVerdict(p.probe(NODE, T), HealthStatus.MAINTENANCE, null);
        }
    }

    @Test
    void aStartedAgainServiceIsStartingAfterTheProbeSawItGone() throws Exception {
        StatusTable readiness = StatusTable.springBootActuatorGroup("readiness");
        StatusServer s = StatusServer.start();
        int port = s.port();
        s.state("/actuator/health/readiness", 200, "status", "UP");
        // One probe object watches the node through a stop and a start on the same port.
        try (HttpHealthProbe p = probe(s.base(), readiness)) {
            try {
                assertVerdict(p.probe(NODE, T), HealthStatus.HEALTHY, null);
            } finally {
                s.close();
            }
            assertVerdict(p.probe(NODE, T), HealthStatus.FAILED, FailureKind.CRASHED);
            try (RawServer again = rebind(port)) {
                ProbeResult r = p.probe(NODE, T);
                assertVerdict(r, HealthStatus.STARTING, null);
            }
        }
    }

    /** A raw server on a given port answering readiness OUT_OF_SERVICE 503, as a restarted app does. */
    private static RawServer rebind(int port) throws Exception {
        return new RawServer((sock, srv) -> {
            RawServer.readHead(sock);
            String body = "{\"status\":\"OUT_OF_SERVICE\"}";
            RawServer.write(sock, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            sock.close();
        }, 50, port);
    }

    @Test
    void aHealthyActuatorWithSeventyKilobytesOfDetailsIsHealthy() throws Exception {
        String body = bigHealth("UP", 70_000);
        assertThat(body.length()).isGreaterThan(HttpProbeConfig.DEFAULT_MAX_BODY_BYTES);
        try (StatusServer s = StatusServer.start(); HttpHealthProbe p = probe(s.base(), StatusTable.SPRING_BOOT_ACTUATOR)) {
            s.answer("/actuator/health", Answer.of(200, body));
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.HEALTHY, null);
            assertThat(r.detail()).contains("first 65536 bytes");
            s.answer("/actuator/health", Answer.of(503, bigHealth("DOWN", 70_000)));
            assertVerdict(p.probe(NODE, T), HealthStatus.FAILED, FailureKind.ERROR);
            // Chunked (no Content-Length) the same.
            s.handler("/actuator/health", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body.getBytes(StandardCharsets.UTF_8));
                }
            });
            assertVerdict(p.probe(NODE, T), HealthStatus.HEALTHY, null);
        }
    }

    @Test
    void a404ForAGroupThatIsNotEnabledIsAConfigurationError() throws Exception {
        try (StatusServer s = StatusServer.start();
                HttpHealthProbe p = probe(s.base(), StatusTable.springBootActuatorGroup("readiness"))) {
            // What Spring Boot answers for /actuator/health/readiness without management.endpoint.health.probes.
            s.answer("/actuator/health/readiness", Answer.of(404, "{\"timestamp\":\"2026-12-02T15:00:00.000+00:00\","
                    + "\"status\":404,\"error\":\"Not Found\",\"path\":\"/actuator/health/readiness\"}"));
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.FAILED, FailureKind.START_FAILED);
            assertThat(r.detail()).contains("not enabled").contains("configuration error");
        }
    }

    private static String tomcat404() {
        return "<!doctype html><html lang=\"en\"><head><title>HTTP Status 404 – Not Found</title></head><body>"
                + "<h1>HTTP Status 404 – Not Found</h1></body></html>";
    }

    @Test
    void nginxsOwn404IsABadResponseButTheProductsOwn404ThroughItIsStartFailed() throws Exception {
        try (StatusServer app = StatusServer.start()) {
            app.answer("/status", new Answer(404, tomcat404(), Map.of("Content-Type", "text/html")));
            try (Nginx nginx = Nginx.start("location /bitbucket/ { proxy_pass http://127.0.0.1:" + app.port() + "/; }\n"
                    + "location / { return 404; }")) {
                // A probe path the proxy does not route: nginx answers its own 404 page.
                try (HttpHealthProbe p = probe(URI.create(nginx.base() + "/wrong"), StatusTable.BITBUCKET)) {
                    ProbeResult r = p.probe(NODE, T);
                    assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                    assertThat(r.detail()).contains("HTTP 404").contains("nginx").contains("proxy");
                }
                // The product's own "failed to deploy" 404 (Tomcat's error report) through the proxy.
                try (HttpHealthProbe p = probe(URI.create(nginx.base() + "/bitbucket"), StatusTable.BITBUCKET)) {
                    ProbeResult r = p.probe(NODE, T);
                    assertVerdict(r, HealthStatus.FAILED, FailureKind.START_FAILED);
                }
                app.state("/status", 200, "state", "RUNNING");
                try (HttpHealthProbe p = probe(URI.create(nginx.base() + "/bitbucket"), StatusTable.BITBUCKET)) {
                    assertVerdict(p.probe(NODE, T), HealthStatus.HEALTHY, null);
                }
            }
        }
    }

    @Test
    void nginxs502And504SayUpstreamDownOrSlow() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (StatusServer slow = StatusServer.start()) {
            slow.handler("/status", ex -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                StatusServer.send(ex, Answer.of(200, "{\"state\":\"RUNNING\"}"));
            });
            try (Nginx nginx = Nginx.start("location /down/ { proxy_pass http://127.0.0.1:" + dead + "/; }\n"
                    + "location /slow/ { proxy_pass http://127.0.0.1:" + slow.port() + "/; proxy_read_timeout 1s; }")) {
                try (HttpHealthProbe p = probe(URI.create(nginx.base() + "/down"), StatusTable.BITBUCKET)) {
                    ProbeResult r = p.probe(NODE, T);
                    assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                    assertThat(r.detail()).contains("HTTP 502").contains("nginx").contains("upstream down");
                }
                try (HttpHealthProbe p = probe(URI.create(nginx.base() + "/slow"), StatusTable.BITBUCKET)) {
                    ProbeResult r = p.probe(NODE, T);
                    assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
                    assertThat(r.detail()).contains("HTTP 504").contains("nginx").contains("upstream slow");
                }
            }
        }
    }

    @Test
    void aGzipBodyThatIsNotJsonNamesItsContentEncoding() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write("{\"state\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8));
        }
        byte[] zipped = gz.toByteArray();
        try (StatusServer s = StatusServer.start(); HttpHealthProbe p = probe(s.base(), StatusTable.BITBUCKET)) {
            s.handler("/status", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.getResponseHeaders().add("Content-Encoding", "gzip");
                ex.sendResponseHeaders(200, zipped.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(zipped);
                }
            });
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            assertThat(r.detail()).contains("Content-Encoding gzip");
            s.handler("/status", ex -> {
                ex.sendResponseHeaders(200, zipped.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(zipped);
                }
            });
            assertThat(p.probe(NODE, T).detail()).contains("gzip-compressed");
        }
    }

    @Test
    void detailsNeverHoldRawBinary() throws Exception {
        Random rnd = new Random(20261202L);
        try (StatusServer s = StatusServer.start(); HttpHealthProbe p = probe(s.base(), StatusTable.BITBUCKET)) {
            for (int i = 0; i < 40; i++) {
                byte[] junk = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(junk);
                String state = new String(junk, StandardCharsets.ISO_8859_1) + "\u202e\ufffd\u0000";
                String json = "{\"state\":\"" + state.replace("\\", "\\\\").replace("\"", "\\\"")
                        .chars().mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
                        .reduce("", String::concat) + "\"}";
                int code = i % 2 == 0 ? 200 : 500;
                byte[] raw = i % 3 == 0 ? junk : json.getBytes(StandardCharsets.UTF_8);
                boolean junkServer = i % 4 == 1;
                s.handler("/status", ex -> {
                    if (junkServer) {
                        ex.getResponseHeaders().add("Server", new String(junk, 0, Math.min(8, junk.length),
                                StandardCharsets.ISO_8859_1).replaceAll("[\\r\\n]", "x"));
                    }
                    ex.sendResponseHeaders(code, raw.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(raw);
                    }
                });
                ProbeResult r = p.probe(NODE, T);
                assertThat(r.status()).isEqualTo(HealthStatus.FAILED);
                assertThat(r.detail().chars().filter(c -> c < 0x20 || c == 0x7f || c == 0xfffd
                        || Character.getType(c) == Character.FORMAT || (c >= 0x80 && c < 0xa0)))
                        .as("detail %s", r.detail()).isEmpty();
            }
        }
    }

    @Test
    void aConnectionClosedBeforeAnAnswerIsRetriedOnceByTheJdkThenABadResponse() throws Exception {
        try (RawServer server = new RawServer((s, srv) -> {
            RawServer.readHead(s);
            s.close();
        }); HttpHealthProbe p = probe(server.base(), StatusTable.BITBUCKET)) {
            ProbeResult r = p.probe(NODE, T);
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            assertThat(r.detail()).contains("no valid HTTP answer");
            // The README says what happens: the JDK client sends the GET once more on a new connection.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (server.acceptedCount() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.acceptedCount()).isEqualTo(2);
        }
    }
}
