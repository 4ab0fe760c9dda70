package dev.ha4j.fencing.ipmi.internal;

import dev.ha4j.fencing.ipmi.IpmiFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import dev.ha4j.core.builtin.HostResolver;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;

/**
 * A non-blocking UDP channel connected to one BMC, waited on with a {@link Selector}.
 *
 * <p>Being connected is what makes an ICMP port unreachable surface as a {@link PortUnreachableException}, so
 * a missing BMC is reported at once instead of at the deadline. Waiting in a selector makes a wait end as
 * soon as the thread is interrupted (reported as {@link IpmiFailure#INTERRUPTED}, the interrupt status kept).
 *
 * <p>Not thread-safe: one session uses it from one thread.
 */
public final class UdpTransport implements AutoCloseable {
    private static final int MAX_DATAGRAM = 1024;
    /** The longest single wait in the selector before the deadline's ticker is read again. */
    static final long MAX_SLICE_MILLIS = 100;
    private final DatagramChannel channel;
    private final Selector selector;
    private final String target;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);

    private UdpTransport(DatagramChannel channel, Selector selector, String target) {
        this.channel = channel;
        this.selector = selector;
        this.target = target;
    }

    /**
     * Resolves the BMC's host inside the deadline and opens a connected channel to it.
     *
     * @param host the BMC's host
     * @param port the BMC's port
     * @param resolver how the host name becomes an address; waited for only until {@code deadline}
     * @param deadline the deadline of the whole action
     * @return a connected transport
     * @throws IpmiException BMC_UNREACHABLE if the host does not resolve (or not before the deadline) or no
     *     socket can be opened; INTERRUPTED if the thread is interrupted during the lookup (its interrupt status
     *     stays set)
     */
    public static UdpTransport connect(String host, int port, HostResolver resolver, Deadline deadline)
            throws IpmiException {
        String target = host + ":" + port;
        InetAddress address;
        long started = deadline.ticker().getAsLong();
        try {
            address = HostResolver.await(resolver, host, deadline.atNanos(), deadline.ticker());
        } catch (UnknownHostException e) {
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "cannot resolve host '" + host + "'"
                    + (e.getCause() != null ? ": " + e.getMessage() : ""));
        } catch (TimeoutException e) {
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "the name lookup of '" + host + "' did not finish "
                    + "before the deadline (waited " + (deadline.ticker().getAsLong() - started) / 1_000_000
                    + " ms); no datagram was sent");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpmiException(IpmiFailure.INTERRUPTED, "the calling thread was interrupted during the name "
                    + "lookup of '" + host + "'");
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open();
            ch.configureBlocking(false);
            ch.connect(new InetSocketAddress(address, port));
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new UdpTransport(ch, sel, target);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "cannot open a UDP socket to " + target + ": "
                    + e.getMessage());
        }
    }

    /** @return host:port of the BMC */
    public String target() {
        return target;
    }

    /**
     * @param datagram what to send
     * @throws IpmiException BMC_UNREACHABLE if an earlier ICMP error is reported or sending fails
     */
    public void send(byte[] datagram) throws IpmiException {
        try {
            channel.write(ByteBuffer.wrap(datagram));
        } catch (PortUnreachableException e) {
            throw unreachable();
        } catch (IOException e) {
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "cannot send to " + target + ": " + e.getMessage());
        }
    }

    /**
     * Waits for one datagram until {@code until}. The wait is measured on the deadline's own ticker, re-read at
     * least every {@link #MAX_SLICE_MILLIS} ms, so an injected ticker governs it as well as the default one.
     *
     * @param until when to stop waiting
     * @return the datagram, or null if none arrived in time
     * @throws IpmiException BMC_UNREACHABLE on ICMP port unreachable or a socket error; INTERRUPTED if the
     *     thread is interrupted (its interrupt status stays set)
     */
    public byte[] receive(Deadline until) throws IpmiException {
        try {
            while (true) {
                checkInterrupt();
                buffer.clear();
                if (channel.read(buffer) > 0) {
                    buffer.flip();
                    return Arrays.copyOf(buffer.array(), buffer.limit());
                }
                long left = until.remainingNanos();
                if (left <= 0) {
                    return null;
                }
                // select(0) would block for ever, hence at least 1 ms
                selector.select(Math.max(1, Math.min(MAX_SLICE_MILLIS, left / 1_000_000)));
                selector.selectedKeys().clear();
            }
        } catch (PortUnreachableException e) {
            throw unreachable();
        } catch (IOException e) {
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "cannot receive from " + target + ": "
                    + e.getMessage());
        }
    }

    private static void checkInterrupt() throws IpmiException {
        if (Thread.currentThread().isInterrupted()) {
            throw new IpmiException(IpmiFailure.INTERRUPTED, "the calling thread was interrupted");
        }
    }

    private IpmiException unreachable() {
        return new IpmiException(IpmiFailure.BMC_UNREACHABLE, "ICMP port unreachable from " + target
                + " (nothing listens there)");
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
