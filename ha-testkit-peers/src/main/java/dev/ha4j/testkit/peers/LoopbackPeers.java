package dev.ha4j.testkit.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Peers on loopback for tests of probes and clients: a port that refuses, a listener that accepts and closes,
 * and a listener whose accept queue is full so that a connect never completes (like a host that does not
 * answer). Close every listener, e.g. with try-with-resources.
 *
 * <p>The factory methods are thread-safe; each listener is meant for one test and is not.
 */
public final class LoopbackPeers {
    private LoopbackPeers() {
    }

    /**
     * Finds a loopback port nothing listens on, by binding one and closing it again.
     *
     * @return the port; a connect to it is refused (unless another process binds it meanwhile)
     * @throws IOException if no port can be bound
     */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts a listener that accepts every connection and closes it at once.
     *
     * @return the running listener
     * @throws IOException if it cannot bind
     */
    public static AcceptingListener accepting() throws IOException {
        return new AcceptingListener();
    }

    /** A loopback listener that accepts on a daemon thread, so its queue never fills. Not thread-safe. */
    public static final class AcceptingListener implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        AcceptingListener() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        server.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "accepting-listener");
            t.setDaemon(true);
            t.start();
        }

        /**
         * Returns the port it listens on.
         *
         * @return the port on the loopback address
         */
        public int port() {
            return server.getLocalPort();
        }

        /**
         * Stops listening.
         *
         * @throws IOException if the socket cannot be closed
         */
        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * Starts a listener whose accept queue is full, so that a new connect to it never completes.
     *
     * @return the listener
     * @throws IOException if it cannot bind, or the kernel never dropped a connect (the queue did not fill)
     */
    public static BacklogFullListener backlogFull() throws IOException {
        return new BacklogFullListener();
    }

    /**
     * A listener with a backlog of one that never accepts, filled with connections until the kernel drops
     * further SYNs: a connect to it stays pending until the caller gives up, as to a host that does not answer.
     * Not thread-safe.
     */
    public static final class BacklogFullListener implements AutoCloseable {
        private final ServerSocket server;
        private final List<SocketChannel> fillers = new ArrayList<>();

        BacklogFullListener() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try {
                for (int i = 0; i < 64; i++) {
                    SocketChannel ch = SocketChannel.open();
                    fillers.add(ch);
                    ch.configureBlocking(false);
                    if (ch.connect(addr)) {
                        continue;
                    }
                    try (Selector sel = Selector.open()) {
                        ch.register(sel, SelectionKey.OP_CONNECT);
                        if (sel.select(200) == 0) {
                            return; // this one hangs: the queue is full
                        }
                        ch.finishConnect();
                    }
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            close();
            throw new IOException("could not fill the accept queue of a loopback listener");
        }

        /**
         * Returns the port it listens on.
         *
         * @return the port on the loopback address
         */
        public int port() {
            return server.getLocalPort();
        }

        /** Closes the filler connections and the listener; best effort, never throws. */
        @Override
        public void close() {
            for (SocketChannel ch : fillers) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
