package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.internal.DeadlineTimer;
import dev.ha4j.probe.http.support.RawServer;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.probe.http.support.StatusServer.Answer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many endpoints through one probe: one shared client, no thread per probe while requests wait, deadlines that
 * leave nothing behind, connections reused, and a blocking probe that gives up promptly on interrupt.
 */
class ManyEndpointsIT {
    private static HttpHealthProbe probeOver(URI base, int nodes, HttpProbeConfig cfg) {
        HttpHealthProbe.Builder b = HttpHealthProbe.builder().config(cfg);
        for (int i = 0; i < nodes; i++) {
            b.node(NodeId.of("node-" + i), URI.create(base + "/node-" + i));
        }
        return b.build();
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void threeHundredHangingProbesNeedNoThreadEach() throws Exception {
        int n = 300;
        HttpProbeConfig cfg = HttpProbeConfig.custom().connectTimeout(Duration.ofMillis(500)).build();
        try (RawServer silent = new RawServer(null, 1024); HttpHealthProbe p = probeOver(silent.base(), n, cfg)) {
            int before = liveThreads();
            long t0 = System.nanoTime();
            Duration timeout = Duration.ofMillis(1500);
            List<CompletableFuture<ProbeResult>> all = new ArrayList<>();
            for (NodeId node : p.nodes()) {
                all.add(p.probeAsync(node, timeout));
            }
            Duration issued = Duration.ofNanos(System.nanoTime() - t0);
            // look while they wait: 700 ms after the first was issued, and only claim "none done" when the
            // look happened well inside the timeout (a loaded CI machine may take most of it to issue them)
            long look = t0 + TimeUnit.MILLISECONDS.toNanos(700) - System.nanoTime();
            if (look > 0) {
                TimeUnit.NANOSECONDS.sleep(look);
            }
            int during = liveThreads();
            if (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1200)) {
                assertThat(all).noneMatch(CompletableFuture::isDone);
            }
            assertThat(DeadlineTimer.pending()).isGreaterThanOrEqualTo(n);
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            for (CompletableFuture<ProbeResult> f : all) {
                assertThat(f.join().failure()).contains(FailureKind.HUNG);
            }
            // generous bounds: what matters is that issuing does not wait for answers and that every probe ends
            // by its own deadline, not how fast a shared 2-core machine is
            assertThat(issued).as("issuing %d probes", n).isLessThan(timeout);
            assertThat(took).isLessThan(timeout.plusMillis(3000));
            assertThat(during - before).as("threads added while %d probes wait", n).isLessThan(12);
            assertThat(silent.acceptedCount()).isEqualTo(n);
        }
    }

    @Test
    void manyHealthyEndpointsShareConnectionsAndLeaveNoDeadlines() throws Exception {
        int n = 200;
        try (StatusServer server = StatusServer.start()) {
            server.fallback(Answer.of(200, "{\"state\":\"RUNNING\"}"));
            try (HttpHealthProbe p = probeOver(server.base(), n, HttpProbeConfig.ofDefaults())) {
                for (int round = 0; round < 5; round++) {
                    List<CompletableFuture<ProbeResult>> all = new ArrayList<>();
                    for (NodeId node : p.nodes()) {
                        all.add(p.probeAsync(node, Duration.ofSeconds(5)));
                    }
                    for (CompletableFuture<ProbeResult> f : all) {
                        ProbeResult r = f.get(10, TimeUnit.SECONDS);
                        assertThat(r.status()).as("%s", r).isEqualTo(HealthStatus.HEALTHY);
                        assertThat(r.latency()).isPositive();
                    }
                }
                assertThat(server.hits()).isEqualTo(5 * n);
                // Keep-alive: far fewer connections than requests (one host:port, pooled by the client).
                assertThat(server.connections()).isLessThan(n);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (DeadlineTimer.pending() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(DeadlineTimer.pending()).as("deadlines left after all probes finished").isZero();
            }
        }
    }

    @Test
    void sequentialProbesReuseOneConnection() throws Exception {
        try (StatusServer server = StatusServer.start().state("/status", 200, "state", "RUNNING");
                HttpHealthProbe p = HttpHealthProbe.builder().node("n", server.base().toString()).build()) {
            for (int i = 0; i < 50; i++) {
                assertThat(p.probe(NodeId.of("n"), Duration.ofSeconds(5)).status()).isEqualTo(HealthStatus.HEALTHY);
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void blockingProbeGivesUpPromptlyOnInterruptAndKeepsTheFlag() throws Exception {
        try (RawServer silent = new RawServer(null);
                HttpHealthProbe p = HttpHealthProbe.builder().node("n", silent.base().toString()).build()) {
            AtomicReference<ProbeResult> result = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                result.set(p.probe(NodeId.of("n"), Duration.ofSeconds(30)));
                flag.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            t.interrupt();
            t.join(2000);
            assertThat(t.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
            assertThat(flag.get()).isTrue();
            assertThat(result.get().failure()).contains(FailureKind.HUNG);
            assertThat(result.get().detail()).contains("interrupted");
        }
    }

    @Test
    void cancellingTheFutureAbortsTheRequest() throws Exception {
        try (RawServer silent = new RawServer(null);
                HttpHealthProbe p = HttpHealthProbe.builder().node("n", silent.base().toString()).build()) {
            int pendingBefore = DeadlineTimer.pending();
            CompletableFuture<ProbeResult> f = p.probeAsync(NodeId.of("n"), Duration.ofSeconds(30));
            Thread.sleep(200);
            assertThat(DeadlineTimer.pending()).isEqualTo(pendingBefore + 1);
            f.cancel(true);
            assertThat(DeadlineTimer.pending()).isEqualTo(pendingBefore);
        }
    }
}
