package dev.ha4j.examples.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.testkit.peers.LoopbackPeers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The webhook sample against a real HTTP server on loopback, and against none. */
class WebhookNotifierTest {
    private static Notification fenced() {
        return new Notification(Instant.parse("2026-01-01T00:00:00Z"), Notification.Kind.values()[0],
                Optional.of(NodeId.of("stash-b")), Epoch.of(3), "fenced \"b\"\nat level power");
    }

    @Test
    void postsEachNotificationAsJson() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            got.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            WebhookNotifier n = new WebhookNotifier(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/hook?token=t0ken"), Duration.ofSeconds(2));
            n.notify(fenced());
            String body = got.poll(5, TimeUnit.SECONDS);
            assertThat(body).contains("\"node\":\"stash-b\"", "\"epoch\":3", "fenced \\\"b\\\"\\u000aat level power");
            assertThat(n.toString()).doesNotContain("t0ken");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDeadWebhookNeitherBlocksNorThrowsAndIsCounted() throws Exception {
        WebhookNotifier n = new WebhookNotifier(URI.create("http://127.0.0.1:" + LoopbackPeers.closedPort() + "/hook"),
                Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        n.notify(fenced());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (n.failures() == 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(n.failures()).isEqualTo(1);
    }
}
