package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Secret;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.probe.http.support.StatusServer.Answer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Optional basic and bearer authentication reach the server, and the credential never reaches a log line
 * (logging of this module is at TRACE in the test JVM, see the pom), a verdict, a {@code toString()} or an
 * error message.
 */
class AuthAndSecretsIT {
    private static final NodeId NODE = NodeId.of("n1");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final String PASSWORD = "pw-Zq81-never-shown";
    private static final String TOKEN = "tok.Kx72.never.shown";
    private static final String BASIC = Base64.getEncoder()
            .encodeToString(("monitor:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    @Test
    void basicAuthIsSent() throws Exception {
        try (StatusServer server = StatusServer.start().state("/status", 200, "state", "RUNNING")) {
            HttpProbeConfig cfg = HttpProbeConfig.custom().basicAuth("monitor", Secret.of(PASSWORD)).build();
            try (HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, server.base()).build()) {
                assertThat(p.probe(NODE, TIMEOUT).status()).isEqualTo(HealthStatus.HEALTHY);
            }
            assertThat(server.requests().get(0).get("Authorization")).containsExactly("Basic " + BASIC);
        }
    }

    @Test
    void bearerTokenIsSent() throws Exception {
        try (StatusServer server = StatusServer.start().state("/status", 200, "state", "RUNNING")) {
            HttpProbeConfig cfg = HttpProbeConfig.custom().bearerToken(Secret.of(TOKEN)).build();
            try (HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, server.base()).build()) {
                assertThat(p.probe(NODE, TIMEOUT).status()).isEqualTo(HealthStatus.HEALTHY);
            }
            assertThat(server.requests().get(0).get("Authorization")).containsExactly("Bearer " + TOKEN);
        }
    }

    @Test
    void refusedCredentialsAreABadResponseThatSaysSo() throws Exception {
        try (StatusServer server = StatusServer.start()) {
            server.answer("/status", new Answer(401, "", Map.of("WWW-Authenticate", "Basic realm=\"x\"")));
            HttpProbeConfig cfg = HttpProbeConfig.custom().basicAuth("monitor", Secret.of(PASSWORD)).build();
            try (HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, server.base()).build()) {
                ProbeResult r = p.probe(NODE, TIMEOUT);
                assertThat(r.failure()).contains(FailureKind.BAD_RESPONSE);
                assertThat(r.detail()).contains("HTTP 401").contains("authentication refused");
            }
        }
    }

    @Test
    void secretsNeverReachLogsVerdictsOrToString() throws Exception {
        assertThat(LoggerFactory.getLogger(HttpHealthProbe.class).isTraceEnabled())
                .as("this test needs TRACE logging for dev.ha4j.probe.http (set in the pom)").isTrue();
        PrintStream realErr = System.err;
        PrintStream realOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        System.setErr(capture);
        System.setOut(capture);
        try (StatusServer server = StatusServer.start(); RawServer silent = new RawServer(null)) {
            server.state("/status", 200, "state", "RUNNING");
            server.answer("/redirect", new Answer(302, "", Map.of("Location", "http://127.0.0.1:1/login?x=1")));
            server.answer("/garbage", Answer.of(200, "not json"));
            server.answer("/401", Answer.of(401, ""));
            for (HttpProbeConfig.Builder b : List.of(
                    HttpProbeConfig.custom().basicAuth("monitor", Secret.of(PASSWORD)),
                    HttpProbeConfig.custom().bearerToken(Secret.of(TOKEN)))) {
                for (String path : List.of("/status", "/redirect", "/garbage", "/401")) {
                    HttpProbeConfig cfg = b.path(path).connectTimeout(Duration.ofMillis(200)).build();
                    seen.add(cfg.toString());
                    try (HttpHealthProbe p = HttpHealthProbe.builder().config(cfg)
                            .node(NODE, server.base()).node(NodeId.of("silent"), silent.base())
                            .node(NodeId.of("closed"), URI.create("http://127.0.0.1:1")).build()) {
                        seen.add(p.toString());
                        seen.add(p.probe(NODE, TIMEOUT).toString());
                        seen.add(p.probe(NodeId.of("silent"), Duration.ofMillis(300)).toString());
                        seen.add(p.probe(NodeId.of("closed"), TIMEOUT).toString());
                    }
                }
            }
        } finally {
            System.setErr(realErr);
            System.setOut(realOut);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        realErr.print(logs);
        assertThat(logs).as("the probe logged at TRACE/DEBUG").contains("probe n1").contains("probe silent");
        for (String s : seen) {
            assertThat(s).doesNotContain(PASSWORD).doesNotContain(TOKEN).doesNotContain(BASIC);
        }
        assertThat(logs).doesNotContain(PASSWORD).doesNotContain(TOKEN).doesNotContain(BASIC);
    }

    @Test
    void invalidCredentialsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> HttpProbeConfig.custom().bearerToken(Secret.of("bad token\nwith-" + TOKEN)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bearerToken")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> HttpProbeConfig.custom().basicAuth("monitor", Secret.of("")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> HttpHealthProbe.builder()
                .node(NODE, URI.create("http://monitor:" + PASSWORD + "@127.0.0.1:7990")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user info")
                .hasMessageNotContaining(PASSWORD);
    }
}
