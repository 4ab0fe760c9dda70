package dev.ha4j.examples.samples;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.testkit.compat.HealthProbeContract;
import dev.ha4j.testkit.peers.LoopbackPeers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The line-ping sample against real TCP peers on loopback: one that answers +PONG, one refused, one silent. */
class LinePingProbeCompatibilityTest extends HealthProbeContract {
    private final List<AutoCloseable> peers = new ArrayList<>();

    /** A loopback server that reads a line per connection and answers with {@code answer}, or never answers. */
    private int server(String answer) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        peers.add(ss);
        peers.add(() -> held.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }));
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    if (answer == null) {
                        held.add(s); // silent: keep it open, answer nothing
                        continue;
                    }
                    try (s) {
                        InputStream in = s.getInputStream();
                        int c;
                        do {
                            c = in.read(); // the request line; a client that left mid-line ends it too
                        } while (c != '\n' && c >= 0);
                        if (c < 0) {
                            continue;
                        }
                        s.getOutputStream().write((answer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "line-ping-peer");
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    private HealthProbe probeFor(int port) {
        return new LinePingProbe(Map.of(node(), new InetSocketAddress("127.0.0.1", port)), "PING", "+PONG");
    }

    @Override
    protected HealthProbe newHealthyProbe() throws IOException {
        return probeFor(server("+PONG"));
    }

    @Override
    protected HealthProbe newDownProbe() throws IOException {
        return probeFor(LoopbackPeers.closedPort());
    }

    @Override
    protected HealthProbe newHangingProbe() throws IOException {
        return probeFor(server(null));
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(2);
    }

    @AfterEach
    void closePeers() throws Exception {
        for (AutoCloseable c : peers) {
            c.close();
        }
        peers.clear();
    }

    @Override
    protected NodeId node() {
        return NodeId.of("cache-1");
    }
}
