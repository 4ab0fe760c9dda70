package dev.ha4j.core.builtin;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.spi.HealthProbe;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link HealthProbe} that only opens a TCP connection to each node's service port and closes it again.
 *
 * <p>Verdicts: connected → {@link dev.ha4j.core.HealthStatus#HEALTHY}; connection refused (the host answers,
 * the service does not) → FAILED / {@link FailureKind#CRASHED}; no answer within the deadline, no route, or a
 * host name that does not resolve in time → UNREACHABLE / {@link FailureKind#NODE_UNREACHABLE}. An interrupted
 * probe returns at once with UNREACHABLE and the thread's interrupt status kept. A connect probe cannot see a
 * service that accepts connections but no longer answers; use an HTTP probe for that.
 *
 * <pre>{@code
 * HealthProbe probe = TcpConnectProbe.builder()
 *         .target(NodeId.of("alice"), "10.0.0.11", 7990)
 *         .target(NodeId.of("bob"), "10.0.0.12", 7990)
 *         .build();
 * }</pre>
 *
 * <p>The deadline (on {@link System#nanoTime()}, so a step of the wall clock does not move it; a huge timeout is
 * clamped to about 73 years) covers name resolution and connect: the name is looked up through a
 * {@link HostResolver} whose answer the probe waits for only until the deadline, on the calling thread, so a
 * name service that never answers costs one probe its timeout and no thread.
 *
 * <p>Thread-safe: immutable after {@link Builder#build()}; each probe uses its own non-blocking channel and
 * selector.
 */
public final class TcpConnectProbe implements HealthProbe {
    private final Map<NodeId, Target> targets;
    private final HostResolver resolver;

    /** Where one node's service listens. */
    private record Target(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private TcpConnectProbe(Map<NodeId, Target> targets, HostResolver resolver) {
        this.targets = Collections.unmodifiableMap(new TreeMap<>(targets));
        this.resolver = resolver;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no target is configured for {@code node} or the timeout is negative
     */
    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " is negative");
        }
        Target target = targets.get(node);
        if (target == null) {
            throw new IllegalArgumentException("no target configured for node " + node + "; known: "
                    + targets.keySet());
        }
        long start = System.nanoTime();
        // clamped: Duration.ofSeconds(Long.MAX_VALUE) means "no deadline to speak of", not an overflow
        long deadline = start + Deadlines.clampedNanos(timeout);
        ProbeResult r = connect(target, deadline);
        return r.withLatency(Duration.ofNanos(System.nanoTime() - start));
    }

    private ProbeResult connect(Target target, long deadline) {
        InetAddress address;
        try {
            address = HostResolver.await(resolver, target.host(), deadline, System::nanoTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted(target);
        } catch (TimeoutException e) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE,
                    "could not resolve " + target.host() + " within the deadline");
        } catch (UnknownHostException e) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "unknown host " + target.host()
                    + (e.getCause() != null ? " (" + e.getMessage() + ")" : ""));
        }
        InetSocketAddress socketAddress = new InetSocketAddress(address, target.port());
        try (SocketChannel ch = SocketChannel.open(); Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            if (ch.connect(socketAddress)) {
                return ProbeResult.of(HealthStatus.HEALTHY, "connected to " + target);
            }
            ch.register(selector, SelectionKey.OP_CONNECT);
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    return interrupted(target);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE,
                            "no answer from " + target + " within the deadline");
                }
                // select(ms) with 0 would block forever, hence at least 1 ms
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
                if (ch.isConnectionPending() && selector.selectedKeys().isEmpty()) {
                    continue;
                }
                selector.selectedKeys().clear();
                if (ch.finishConnect()) {
                    return ProbeResult.of(HealthStatus.HEALTHY, "connected to " + target);
                }
            }
        } catch (NoRouteToHostException e) {
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to " + target);
        } catch (ConnectException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("refused")) {
                return ProbeResult.failed(FailureKind.CRASHED,
                        "connection to " + target + " refused: service down while host answers");
            }
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "cannot connect to " + target + ": " + msg);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return interrupted(target);
            }
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE,
                    "cannot connect to " + target + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private static ProbeResult interrupted(Target target) {
        return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "probe of " + target + " interrupted");
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal, which resolves without a name service. */
    static boolean isLiteral(String host) {
        // a host name never holds ':', so anything with one is an IPv6 literal (possibly in brackets)
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    @Override
    public java.util.Optional<java.util.Set<NodeId>> coveredNodes() {
        return java.util.Optional.of(java.util.Set.copyOf(targets.keySet()));
    }

    @Override
    public String toString() {
        return "TcpConnectProbe" + targets;
    }

    /**
     * Builds a {@link TcpConnectProbe}: one target per node.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final Map<NodeId, Target> targets = new TreeMap<>();
        private HostResolver resolver = HostResolver.system();

        private Builder() {
        }

        /**
         * Sets how host names are turned into addresses; the probe waits for the answer only up to its own
         * deadline and then cancels the lookup. IP literals need no resolver.
         *
         * @param resolver the resolver (default {@link HostResolver#system()})
         * @return this builder
         * @throws NullPointerException if {@code resolver} is null
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Sets where {@code node}'s service listens; a later call for the same node replaces the earlier one.
         *
         * @param node the node
         * @param host its host name or IP literal
         * @param port the service port
         * @return this builder
         * @throws NullPointerException if {@code node} or {@code host} is null
         */
        public Builder target(NodeId node, String host, int port) {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(host, "host");
            targets.put(node, new Target(host, port));
            return this;
        }

        /**
         * @param node the node
         * @param address its service address; an unresolved address is resolved at each probe
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder target(NodeId node, InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            return target(node, address.getHostString(), address.getPort());
        }

        /**
         * @return the probe
         * @throws IllegalArgumentException if no target is configured, a port is outside 1-65535, or a host is
         *     blank or holds characters a host name cannot have
         */
        public TcpConnectProbe build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("targets is empty: configure at least one node with target()");
            }
            targets.forEach((node, t) -> {
                if (t.port() < 1 || t.port() > 65535) {
                    throw new IllegalArgumentException("port " + t.port() + " of node " + node
                            + " is invalid: it must be 1-65535");
                }
                if (!t.host().matches("[A-Za-z0-9._:%\\[\\]-]{1,253}")) {
                    throw new IllegalArgumentException("host '" + t.host().replaceAll("\\p{Cntrl}", "?")
                            + "' of node " + node + " is invalid: use a host name or an IP literal");
                }
            });
            return new TcpConnectProbe(targets, resolver);
        }
    }
}
