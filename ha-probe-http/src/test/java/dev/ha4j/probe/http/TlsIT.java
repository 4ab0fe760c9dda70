package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Secret;
import dev.ha4j.probe.http.support.SelfSignedTls;
import dev.ha4j.probe.http.support.StatusServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS against a JDK HttpsServer on loopback with a self-signed certificate generated at test time by the
 * running JDK's keytool (no key is committed): rejected by default, accepted with the trust store, and still
 * rejected when the certificate names another host.
 */
class TlsIT {
    private static final NodeId NODE = NodeId.of("n1");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    private static SelfSignedTls tls;
    private static SelfSignedTls otherHost;
    private static StatusServer server;
    private static StatusServer wrongHostServer;

    @BeforeAll
    static void start() throws Exception {
        tls = SelfSignedTls.generate(Files.createDirectories(dir.resolve("good")), "ip:127.0.0.1,dns:localhost");
        otherHost = SelfSignedTls.generate(Files.createDirectories(dir.resolve("other")), "dns:other.example");
        server = StatusServer.startTls(tls.serverContext()).state("/status", 200, "state", "RUNNING");
        wrongHostServer = StatusServer.startTls(otherHost.serverContext()).state("/status", 200, "state", "RUNNING");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (wrongHostServer != null) {
            wrongHostServer.close();
        }
    }

    private static ProbeResult probe(URI base, HttpProbeConfig cfg) {
        try (HttpHealthProbe p = HttpHealthProbe.builder().config(cfg).node(NODE, base).build()) {
            return p.probe(NODE, TIMEOUT);
        }
    }

    @Test
    void selfSignedCertificateIsRejectedByDefault() {
        int hitsBefore = server.hits();
        ProbeResult r = probe(server.base(), HttpProbeConfig.ofDefaults());
        assertThat(r.status()).as("%s", r).isEqualTo(HealthStatus.FAILED);
        assertThat(r.failure()).contains(FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).startsWith("TLS: ");
        assertThat(server.hits()).as("no request got through").isEqualTo(hitsBefore);
    }

    @Test
    void selfSignedCertificateIsAcceptedWithTheTrustStore() {
        HttpProbeConfig cfg = HttpProbeConfig.custom()
                .trustStore(tls.trustStore(), Secret.of(SelfSignedTls.TRUST_PASSWORD))
                .build();
        ProbeResult r = probe(server.base(), cfg);
        assertThat(r.status()).as("%s", r).isEqualTo(HealthStatus.HEALTHY);
        assertThat(r.failure()).isEqualTo(Optional.empty());
        assertThat(cfg.toString()).contains("trustStore").doesNotContain(SelfSignedTls.TRUST_PASSWORD);
    }

    @Test
    void trustedCertificateForAnotherHostIsRejected() {
        HttpProbeConfig cfg = HttpProbeConfig.custom()
                .trustStore(otherHost.trustStore(), Secret.of(SelfSignedTls.TRUST_PASSWORD))
                .build();
        ProbeResult r = probe(wrongHostServer.base(), cfg);
        assertThat(r.failure()).as("%s", r).contains(FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).startsWith("TLS: ");
    }

    @Test
    void trustStoreWithTheWrongPasswordIsRefusedAtBuild() {
        assertThatThrownBy(() -> HttpProbeConfig.custom()
                .trustStore(tls.trustStore(), Secret.of("wrong-password-xyz")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStore")
                .hasMessageNotContaining("wrong-password-xyz");
        assertThatThrownBy(() -> HttpProbeConfig.custom()
                .trustStore(dir.resolve("missing.p12"), null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.p12");
    }

    @Test
    void plainHttpToATlsPortIsABadResponse() {
        URI plain = URI.create("http://127.0.0.1:" + server.port());
        ProbeResult r = probe(plain, HttpProbeConfig.ofDefaults());
        assertThat(r.failure()).as("%s", r).contains(FailureKind.BAD_RESPONSE);
    }
}
