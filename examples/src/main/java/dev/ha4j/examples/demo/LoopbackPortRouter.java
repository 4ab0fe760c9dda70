package dev.ha4j.examples.demo;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.spi.RequestRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RequestRouter} for the demo: a TCP forwarder on a loopback port that sends every connection to the
 * active node's port, the way a virtual IP sends clients to the active server. Unrouting closes the
 * connections in flight and refuses new ones until the next route. It refuses a route under an epoch older
 * than one it has seen.
 *
 * <p>Thread-safe. Close it to release the port and its threads.
 */
public final class LoopbackPortRouter implements RequestRouter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackPortRouter.class);
    private final Map<NodeId, Integer> ports;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile NodeId target;
    private volatile Epoch highest = Epoch.NONE;
    private volatile boolean closed;

    /**
     * @param port the loopback port clients connect to (0 picks a free one)
     * @param ports each node's service port
     * @throws IOException if the port cannot be bound
     */
    public LoopbackPortRouter(int port, Map<NodeId, Integer> ports) throws IOException {
        this.ports = Map.copyOf(ports);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread t = new Thread(this::acceptLoop, "demo-router");
        t.setDaemon(true);
        t.start();
    }

    /** @return the port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public synchronized OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        if (!ports.containsKey(node)) {
            return OpResult.failed("unknown node " + node);
        }
        if (highest.isAfter(epoch)) {
            return OpResult.refused("epoch " + epoch + " is older than " + highest);
        }
        highest = epoch;
        if (!node.equals(target)) {
            closeConnections();
        }
        target = node;
        return OpResult.ok("127.0.0.1:" + port() + " -> 127.0.0.1:" + ports.get(node));
    }

    @Override
    public synchronized OpResult unroute(NodeId node, Duration timeout) {
        if (node.equals(target)) {
            target = null;
            closeConnections();
        }
        return OpResult.ok();
    }

    @Override
    public Optional<NodeId> currentTarget(Duration timeout) {
        return Optional.ofNullable(target);
    }

    private void closeConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("router accept failed: {}", e.toString());
                }
                return;
            }
            NodeId t = target;
            if (t == null) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(t)), 1000);
                open.add(client);
                open.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side closed; closing both ends below is all there is to do.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "demo-router-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Closing a broken socket can fail; it is closed either way.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing router: {}", e.toString());
        }
        closeConnections();
    }

    @Override
    public String toString() {
        return "LoopbackPortRouter{port=" + server.getLocalPort() + ", target=" + target + "}";
    }

}
