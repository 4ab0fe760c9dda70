package dev.ha4j.probe.http.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A minimal HTTP/1.1 keep-alive server for the load harness: one selector thread serving many loopback ports,
 * answering every request head with {@code 200 {"state":"RUNNING"}}. It exists because 2,000 JDK HttpServers
 * cost two threads each and become the bottleneck of the measurement; it is a load fixture, not a test peer
 * (the tests use the JDK HttpServer).
 */
final class NioStatusServer {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 19\r\n\r\n{\"state\":\"RUNNING\"}").getBytes(StandardCharsets.US_ASCII);

    private final Selector selector;
    private final List<Integer> ports = new ArrayList<>();

    NioStatusServer(int count) throws IOException {
        selector = Selector.open();
        for (int i = 0; i < count; i++) {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_ACCEPT);
            ports.add(((InetSocketAddress) s.getLocalAddress()).getPort());
        }
    }

    List<Integer> ports() {
        return ports;
    }

    /** Serves until the thread is interrupted. */
    void serve() throws IOException {
        while (!Thread.currentThread().isInterrupted()) {
            selector.select(500);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                try {
                    if (k.isAcceptable()) {
                        SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new int[1]);
                        }
                    } else if (k.isReadable()) {
                        read(k);
                    }
                } catch (IOException e) {
                    k.cancel();
                    k.channel().close();
                }
            }
        }
    }

    private static final ByteBuffer IN = ByteBuffer.allocate(8192);

    private static void read(SelectionKey k) throws IOException {
        SocketChannel c = (SocketChannel) k.channel();
        int[] matched = (int[]) k.attachment(); // how much of "\r\n\r\n" the last bytes matched
        IN.clear();
        int n = c.read(IN);
        if (n < 0) {
            k.cancel();
            c.close();
            return;
        }
        IN.flip();
        int answers = 0;
        while (IN.hasRemaining()) {
            byte b = IN.get();
            int m = matched[0];
            if ((m % 2 == 0 && b == '\r') || (m % 2 == 1 && b == '\n')) {
                m++;
            } else {
                m = b == '\r' ? 1 : 0;
            }
            if (m == 4) {
                answers++;
                m = 0;
            }
            matched[0] = m;
        }
        for (int i = 0; i < answers; i++) {
            ByteBuffer out = ByteBuffer.wrap(RESPONSE);
            while (out.hasRemaining()) {
                if (c.write(out) == 0) {
                    Thread.onSpinWait(); // loopback with an empty socket buffer: does not happen for 100 bytes
                }
            }
        }
    }
}
