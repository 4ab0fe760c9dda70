package dev.ha4j.core.builtin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** Loopback peers for probe tests. Not thread-safe. */
final class LoopbackPeers {
    private LoopbackPeers() {
    }

    /** @return a loopback port nothing listens on (bound, then closed) */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return a listener whose accept queue is full, so that a new connect never completes */
    static BacklogFullListener backlogFull() throws IOException {
        return new BacklogFullListener();
    }

    /**
     * A listener with a backlog of one that never accepts, filled with connections until the kernel drops
     * further SYNs: a connect to it stays pending until the caller gives up, as to a host that does not answer.
     */
    static final class BacklogFullListener implements AutoCloseable {
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

        int port() {
            return server.getLocalPort();
        }

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
