package dev.ha4j.core.builtin;

import dev.ha4j.testkit.peers.LoopbackPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TcpConnectProbeTest {
    private static final NodeId NODE = NodeId.of("node-1");

    private static TcpConnectProbe probeFor(int port) {
        return TcpConnectProbe.builder().target(NODE, "127.0.0.1", port).build();
    }

    @Test
    void listeningPortIsHealthy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = probeFor(server.getLocalPort()).probe(NODE, Duration.ofSeconds(1));
            assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(r.detail()).contains("connected");
            ProbeResult byName = TcpConnectProbe.builder()
                    .target(NODE, InetSocketAddress.createUnresolved("localhost", server.getLocalPort())).build()
                    .probe(NODE, Duration.ofSeconds(1));
            assertThat(byName.status()).isEqualTo(HealthStatus.HEALTHY);
        }
    }

    @Test
    void refusedConnectionMeansTheServiceCrashed() throws Exception {
        int port = LoopbackPeers.closedPort();
        ProbeResult r = probeFor(port).probe(NODE, Duration.ofSeconds(1));
        assertThat(r.status()).isEqualTo(HealthStatus.FAILED);
        assertThat(r.failure()).contains(FailureKind.CRASHED);
        assertThat(r.detail()).contains("refused");
    }

    @Test
    void connectThatNeverCompletesIsUnreachableAtTheDeadline() throws Exception {
        try (LoopbackPeers.BacklogFullListener full = LoopbackPeers.backlogFull()) {
            long t0 = System.nanoTime();
            ProbeResult r = probeFor(full.port()).probe(NODE, Duration.ofMillis(400));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.status()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(r.failure()).contains(FailureKind.NODE_UNREACHABLE);
            assertThat(took).isBetween(Duration.ofMillis(390), Duration.ofMillis(1000));
            assertThat(r.latency()).isLessThanOrEqualTo(took);
        }
    }

    @Test
    void interruptEndsAPendingConnectAtOnce() throws Exception {
        try (LoopbackPeers.BacklogFullListener full = LoopbackPeers.backlogFull()) {
            TcpConnectProbe probe = probeFor(full.port());
            AtomicReference<ProbeResult> result = new AtomicReference<>();
            AtomicBoolean flag = new AtomicBoolean();
            Thread t = new Thread(() -> {
                result.set(probe.probe(NODE, Duration.ofSeconds(30)));
                flag.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            t.interrupt();
            t.join(2000);
            assertThat(t.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(300));
            assertThat(result.get().status()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(result.get().detail()).contains("interrupted");
            assertThat(flag).isTrue();
        }
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> TcpConnectProbe.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets is empty");
        assertThatThrownBy(() -> TcpConnectProbe.builder().target(NODE, "127.0.0.1", 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0");
        assertThatThrownBy(() -> TcpConnectProbe.builder().target(NODE, "a b", 80).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        TcpConnectProbe p = probeFor(80);
        assertThatThrownBy(() -> p.probe(NodeId.of("other"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
        assertThat(p.toString()).contains("node-1", "127.0.0.1:80");
    }

    @Test
    void ipLiteralsNeedNoNameService() {
        assertThat(TcpConnectProbe.isLiteral("127.0.0.1")).isTrue();
        assertThat(TcpConnectProbe.isLiteral("::1")).isTrue();
        assertThat(TcpConnectProbe.isLiteral("[fe80::1%eth0]")).isTrue();
        assertThat(TcpConnectProbe.isLiteral("db.example.com")).isFalse();
    }

    /** A name service that never answers: every lookup is a future nobody completes. */
    private static final class SilentResolver implements HostResolver {
        final List<CompletableFuture<InetAddress>> lookups = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            CompletableFuture<InetAddress> f = new CompletableFuture<>();
            lookups.add(f);
            return f;
        }
    }

    private static Set<Thread> liveThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    @Test
    void silentNameServiceCostsTheDeadlineAndLeavesNoThreadBehind() throws Exception {
        SilentResolver silent = new SilentResolver();
        TcpConnectProbe probe = TcpConnectProbe.builder().target(NODE, "service.example", 7990).resolver(silent)
                .build();
        Set<Thread> before = liveThreads();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            ProbeResult r = probe.probe(NODE, Duration.ofMillis(200));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.status()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(r.detail()).contains("could not resolve service.example within the deadline");
            assertThat(took).isBetween(Duration.ofMillis(190), Duration.ofMillis(1000));
        }
        assertThat(silent.lookups).hasSize(5).allMatch(CompletableFuture::isCancelled);
        Set<Thread> after = liveThreads();
        assertThat(after.stream().filter(t -> !before.contains(t) && t.isAlive()).map(Thread::getName))
                .as("threads started by five probes that timed out resolving").isEmpty();
    }

    @Test
    void interruptEndsAWaitForTheNameServiceAtOnce() throws Exception {
        SilentResolver silent = new SilentResolver();
        TcpConnectProbe probe = TcpConnectProbe.builder().target(NODE, "service.example", 7990).resolver(silent)
                .build();
        AtomicReference<ProbeResult> result = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            result.set(probe.probe(NODE, Duration.ofSeconds(30)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        while (silent.lookups.isEmpty()) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(300));
        assertThat(result.get().status()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(result.get().detail()).contains("interrupted");
        assertThat(flag).isTrue();
        assertThat(silent.lookups.get(0)).isCancelled();
    }

    @Test
    void systemResolverAnswersNamesAndUnknownNames() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TcpConnectProbe probe = TcpConnectProbe.builder().target(NODE, "localhost", server.getLocalPort())
                    .resolver(HostResolver.system()).build();
            assertThat(probe.probe(NODE, Duration.ofSeconds(2)).status()).isEqualTo(HealthStatus.HEALTHY);
        }
        ProbeResult unknown = TcpConnectProbe.builder().target(NODE, "no-such-host.invalid", 80).build()
                .probe(NODE, Duration.ofSeconds(5));
        assertThat(unknown.status()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(unknown.detail()).contains("no-such-host.invalid");
    }

    @Test
    void hugeTimeoutIsClampedNotAnOverflow() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = probeFor(server.getLocalPort()).probe(NODE, Duration.ofSeconds(Long.MAX_VALUE));
            assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY);
        }
        assertThat(probeFor(LoopbackPeers.closedPort()).probe(NODE, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))
                .failure()).contains(FailureKind.CRASHED);
    }

    @Test
    void brokenResolverIsAnUnreachableVerdictNotAnException() {
        HostResolver throwing = host -> {
            throw new IllegalStateException("resolver bug");
        };
        HostResolver nothing = host -> null;
        HostResolver noAddress = host -> CompletableFuture.completedFuture(null);
        for (HostResolver r : List.of(throwing, nothing, noAddress)) {
            ProbeResult p = TcpConnectProbe.builder().target(NODE, "service.example", 80).resolver(r).build()
                    .probe(NODE, Duration.ofSeconds(1));
            assertThat(p.status()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(p.detail()).contains("service.example");
        }
    }
}
