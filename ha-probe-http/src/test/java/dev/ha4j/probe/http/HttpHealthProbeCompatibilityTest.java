package dev.ha4j.probe.http;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.testkit.compat.HealthProbeContract;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The testkit's HealthProbe compatibility kit against real loopback peers: a JDK HttpServer answering
 * RUNNING, a closed port, and a raw socket that accepts and never answers. Every probe sends basic
 * authentication so that the kit's secret checks have something to find.
 */
class HttpHealthProbeCompatibilityTest extends HealthProbeContract {
    private static final String USER = "monitor";
    private static final String PASSWORD = "compat-S3cret-pw";

    private StatusServer healthy;
    private RawServer silent;

    /**
     * The first exchange of a JVM loads the JDK HTTP client's classes: 1.3 s was seen on this shared 2-core
     * machine, past the kit's 1 s timeout. The kit checks the probe, not class loading, so load them first.
     */
    @BeforeAll
    static void loadTheHttpClientClasses() throws Exception {
        try (StatusServer s = StatusServer.start().state("/status", 200, "state", "RUNNING");
                HttpHealthProbe p = HttpHealthProbe.builder().node(NodeId.of("warm-up"), s.base()).build()) {
            p.probe(NodeId.of("warm-up"), Duration.ofSeconds(30));
        }
    }

    @AfterEach
    void stopPeers() throws Exception {
        if (healthy != null) {
            healthy.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private HttpHealthProbe probeFor(URI base) {
        HttpProbeConfig cfg = HttpProbeConfig.custom()
                .statusTable(StatusTable.BITBUCKET)
                .connectTimeout(Duration.ofMillis(500))
                .basicAuth(USER, Secret.of(PASSWORD))
                .build();
        return HttpHealthProbe.builder().config(cfg).node(node(), base).build();
    }

    @Override
    protected HealthProbe newHealthyProbe() throws Exception {
        if (healthy == null) {
            healthy = StatusServer.start().state("/status", 200, "state", "RUNNING");
        }
        return probeFor(healthy.base());
    }

    @Override
    protected HealthProbe newDownProbe() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return probeFor(URI.create("http://127.0.0.1:" + port));
    }

    @Override
    protected HealthProbe newHangingProbe() throws Exception {
        if (silent == null) {
            silent = new RawServer(null);
        }
        return probeFor(silent.base());
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(PASSWORD, Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected Set<FailureKind> expectedDownKinds() {
        return EnumSet.of(FailureKind.CRASHED);
    }

    @Override
    protected Set<FailureKind> expectedHangingKinds() {
        return EnumSet.of(FailureKind.HUNG);
    }
}
