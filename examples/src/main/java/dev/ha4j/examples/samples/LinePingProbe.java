package dev.ha4j.examples.samples;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.spi.HealthProbe;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sample {@link HealthProbe} for a text protocol: connect, send one line, expect one line back, as Redis
 * ({@code PING} / {@code +PONG}) or memcached ({@code version} / {@code VERSION ...}) answer. Connecting, the
 * name lookup and the answer all happen inside the caller's deadline, and an interrupt ends the wait at once; a refused connection is a crash of the
 * service (the host answered), silence is a hang, and no route at all is an unreachable node.
 *
 * <p>Thread-safe: every probe uses its own socket.
 */
public final class LinePingProbe implements HealthProbe {
    private static final int MAX_LINE = 512;

    private final Map<NodeId, InetSocketAddress> nodes;
    private final String request;
    private final String expectedPrefix;

    /**
     * Creates a probe.
     *
     * @param nodes each node's service address (resolved at every probe, inside its deadline)
     * @param request the line to send, without its line end
     * @param expectedPrefix what a healthy answer starts with
     */
    public LinePingProbe(Map<NodeId, InetSocketAddress> nodes, String request, String expectedPrefix) {
        this.nodes = Map.copyOf(nodes);
        this.request = request;
        this.expectedPrefix = expectedPrefix;
    }

    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        InetSocketAddress configured = nodes.get(node);
        if (configured == null) {
            return ProbeResult.failed(FailureKind.ERROR, "no address configured for " + node);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // Non-blocking channel and a selector: a select returns at once when the thread is interrupted (a blocking
        // Socket read would not), and every wait is bounded by what is left of the deadline.
        try (SocketChannel ch = SocketChannel.open(); Selector sel = Selector.open()) {
            InetSocketAddress addr = new InetSocketAddress(configured.getHostString(), configured.getPort());
            if (addr.isUnresolved()) {
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "cannot resolve " + configured);
            }
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);
            if (!ch.connect(addr)) {
                if (!await(sel, deadline)) {
                    return silent(configured, timeout);
                }
                ch.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap((request + "\r\n").getBytes(StandardCharsets.US_ASCII));
            key.interestOps(SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                if (!await(sel, deadline)) {
                    return silent(configured, timeout);
                }
                ch.write(out);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
            while (in.hasRemaining() && indexOfNewline(in) < 0) {
                if (!await(sel, deadline)) {
                    return silent(configured, timeout);
                }
                if (ch.read(in) < 0) {
                    break;
                }
            }
            String line = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            int nl = line.indexOf('\n');
            line = (nl >= 0 ? line.substring(0, nl) : line).replace("\r", "");
            return line.startsWith(expectedPrefix) ? ProbeResult.healthy()
                    : ProbeResult.failed(FailureKind.BAD_RESPONSE, "unexpected answer: " + printable(line));
        } catch (ConnectException e) {
            return ProbeResult.failed(FailureKind.CRASHED, "connection refused by " + configured);
        } catch (IOException e) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, configured + ": " + e.getMessage());
        }
    }

    /** Waits for the registered operation; false when the deadline passed or the thread was interrupted. */
    private static boolean await(Selector sel, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || Thread.currentThread().isInterrupted()) {
            return false;
        }
        int ready = sel.select(left);
        sel.selectedKeys().clear();
        return ready > 0 && !Thread.currentThread().isInterrupted();
    }

    private static ProbeResult silent(InetSocketAddress peer, Duration timeout) {
        return ProbeResult.failed(FailureKind.HUNG, Thread.currentThread().isInterrupted()
                ? "interrupted while waiting for " + peer : "no answer from " + peer + " within " + timeout);
    }

    private static int indexOfNewline(ByteBuffer b) {
        for (int i = 0; i < b.position(); i++) {
            if (b.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String printable(String s) {
        return s.chars().mapToObj(c -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "?")
                .reduce("", String::concat);
    }

    @Override
    public String toString() {
        return "LinePingProbe{" + request + " -> " + expectedPrefix + "..., " + nodes.keySet() + "}";
    }
}
