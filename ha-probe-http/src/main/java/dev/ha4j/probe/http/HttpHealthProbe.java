package dev.ha4j.probe.http;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.probe.http.internal.DeadlineTimer;
import dev.ha4j.probe.http.internal.FailureClassifier;
import dev.ha4j.probe.http.internal.ProbeExchange;
import dev.ha4j.probe.http.internal.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HealthProbe} that asks each node's service {@code GET <base><path>} (by default
 * {@code /status}) with the JDK {@link HttpClient} and turns the answer into a verdict through a
 * {@link StatusTable}: keyed on the JSON state <em>and</em> the HTTP code, never on the code alone.
 *
 * <pre>{@code
 * HttpHealthProbe probe = HttpHealthProbe.builder()
 *         .config(HttpProbeConfig.custom().statusTable(StatusTable.BITBUCKET).build())
 *         .node(NodeId.of("node-a"), URI.create("http://10.0.0.1:7990"))
 *         .node(NodeId.of("node-b"), URI.create("http://10.0.0.2:7990"))
 *         .build();
 * ProbeResult r = probe.probe(NodeId.of("node-a"), Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>Verdicts</h2>
 * The table decides answers (see {@link StatusTable}); the probe itself decides what never reaches it:
 * connection refused → FAILED/{@link FailureKind#CRASHED}; a connect that timed out by the probe's own
 * measure before the probe's deadline, or no route → UNREACHABLE/{@link FailureKind#NODE_UNREACHABLE}; no
 * answer within the timeout (a connect still pending at the deadline included), or a body that stops
 * arriving → FAILED/{@link FailureKind#HUNG}. The verdict follows from what the server did, never from which
 * timer fired first: the client's own request timer is only a backstop set after the deadline; a redirect (never followed), a body over
 * {@link HttpProbeConfig#maxBodyBytes()} (never read whole), something that is not HTTP, or a TLS failure →
 * FAILED/{@link FailureKind#BAD_RESPONSE} with the reason in the detail. Every verdict carries its latency.
 *
 * <h2>Resources</h2>
 * One {@link HttpClient} serves every node of the probe (and can be shared between probes with
 * {@link Builder#httpClient(HttpClient)}); HTTP/1.1 connections are kept alive and reused. No thread waits for
 * an answer: {@link #probeAsync} returns at once, one JVM-wide timer thread enforces the deadlines, and a small
 * pool (at most 4 threads) runs the client's completions. The timeout passed in is honoured even when a server
 * accepts the connection and never answers, or trickles its body.
 *
 * <p>Thread-safe: probe any node from any number of threads.
 */
public final class HttpHealthProbe implements HealthProbe, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHealthProbe.class);
    /** Extra wait of the blocking {@link #probe} beyond the timeout; the deadline normally fires long before. */
    private static final long BACKSTOP_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicBoolean THREAD_PER_TASK_WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final HttpProbeConfig config;
    private final Map<NodeId, Target> targets;
    private final HttpClient client;
    private final Executor executor;
    private final boolean ownsClient;
    private volatile boolean closed;

    private HttpHealthProbe(Builder b, Map<NodeId, Target> targets) {
        warnAboutThreadPerTaskOnce();
        this.config = b.config;
        this.targets = targets;
        if (b.client != null) {
            this.client = b.client;
            this.ownsClient = false;
            this.executor = b.executor != null ? b.executor
                    : b.client.executor().orElse(ForkJoinPool.commonPool());
        } else {
            this.executor = b.executor != null ? b.executor : newPool();
            this.client = newHttpClient(config, executor);
            this.ownsClient = true;
        }
    }

    private static void warnAboutThreadPerTaskOnce() {
        if (new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool
                || !THREAD_PER_TASK_WARNED.compareAndSet(false, true)) {
            return;
        }
        // The JDK client completes every sendAsync through CompletableFuture's default executor. Below a
        // common-pool parallelism of 2 that executor starts a new thread per task on the JDKs that have it
        // (17 among them), which costs CPU at high probe rates. The fix is a JVM flag, which a library must not
        // set for its host, so it says so once.
        LOG.warn("CompletableFuture's default executor starts a thread per task in this JVM (ForkJoinPool common"
                + " parallelism {}), and the JDK HttpClient completes every request through it: each probe costs a"
                + " short-lived thread. Start the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
                + " to avoid it.", ForkJoinPool.getCommonPoolParallelism());
    }

    /** @return a builder for a probe */
    public static Builder builder() {
        return new Builder();
    }


    /**
     * Builds the HTTP client a probe with this configuration would build, to share between several probes
     * (pass it to {@link Builder#httpClient(HttpClient)}): HTTP/1.1, redirects never followed, the
     * configuration's connect timeout and TLS context, a pool of at most 4 daemon threads that end when idle.
     *
     * @param config the configuration whose transport settings to use
     * @return a new client
     * @throws NullPointerException if {@code config} is null
     */
    public static HttpClient newHttpClient(HttpProbeConfig config) {
        Objects.requireNonNull(config, "config");
        return newHttpClient(config, newPool());
    }

    private static HttpClient newHttpClient(HttpProbeConfig config, Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout())
                .executor(executor);
        config.sslContext().ifPresent(b::sslContext);
        return b.build();
    }

    private static ThreadPoolExecutor newPool() {
        int n = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(n, n, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ha4j-http-probe-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // Idle threads end by themselves, so a probe that is never closed does not pin threads.
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /**
     * Probes {@code node} and blocks until the verdict, at most {@code timeout} plus scheduling delay.
     *
     * @param node a node given to the builder
     * @param timeout how long the probe may take in all
     * @return the verdict; FAILED/{@link FailureKind#HUNG} with detail "interrupted" (and the interrupt flag
     *     set again) when the calling thread is interrupted
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the node is unknown or the timeout is not positive
     * @throws IllegalStateException if the probe is closed
     */
    @Override
    public ProbeResult probe(NodeId node, Duration timeout) {
        long start = System.nanoTime();
        CompletableFuture<ProbeResult> f = probeAsync(node, timeout);
        try {
            return f.get(DeadlineTimer.saturatedNanos(timeout) + BACKSTOP_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return ProbeResult.failed(FailureKind.HUNG, "probe of " + node + " interrupted before a verdict")
                    .withLatency(Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            f.cancel(true);
            return FailureClassifier.hung(targets.get(node).hostPort, timeout, config.connectTimeout())
                    .withLatency(Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            // The exchange completes every path with a verdict; this is a safety net, not a route.
            return FailureClassifier.classify(e, targets.get(node).hostPort, timeout, config.connectTimeout())
                    .withLatency(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Probes {@code node} without blocking. The future completes (never exceptionally) within {@code timeout}
     * plus scheduling delay. Cancelling it aborts the request and closes its connection. Dependent actions run
     * on the probe's completion pool: keep them short or use the {@code *Async} variants.
     *
     * @param node a node given to the builder
     * @param timeout how long the probe may take in all
     * @return the verdict
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the node is unknown or the timeout is not positive
     * @throws IllegalStateException if the probe is closed
     */
    public CompletableFuture<ProbeResult> probeAsync(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is invalid: must be positive");
        }
        if (closed) {
            throw new IllegalStateException("the probe is closed");
        }
        Target target = targets.get(node);
        if (target == null) {
            throw new IllegalArgumentException("node " + node + " is unknown to this probe; known: " + targets.keySet());
        }
        // The probe's own deadline decides "no answer in time"; the client's request timer is only a backstop
        // set later, so that it never races the deadline: when it fired first during a connect, the JDK reported
        // a connect timeout, and the same silent server got NODE_UNREACHABLE one time and HUNG the next.
        HttpRequest.Builder rb = HttpRequest.newBuilder(target.statusUri)
                .GET()
                .timeout(Duration.ofNanos(DeadlineTimer.saturatedNanos(timeout) + BACKSTOP_NANOS))
                .header("Accept", "application/json")
                .header("User-Agent", config.userAgent());
        config.authorizationHeader().ifPresent(v -> rb.header("Authorization", v));
        StatusTable table = config.statusTable();
        ProbeExchange exchange = new ProbeExchange((code, headers, body, complete) -> table.classify(
                new StatusTable.Answer(code, headers, body, complete, target.healthySeen)), config.maxBodyBytes(),
                target.hostPort, timeout, config.connectTimeout());
        LOG.trace("probe {}: GET {} (timeout {})", node, target.statusUri, timeout);
        CompletableFuture<ProbeResult> f = exchange.start(client, rb.build(), executor);
        f.thenAccept(target::observe);
        if (LOG.isDebugEnabled()) {
            f.thenAccept(r -> LOG.debug("probe {}: {} in {}", node, r, Text.duration(r.latency())));
        }
        return f;
    }

    /** @return the configuration */
    public HttpProbeConfig config() {
        return config;
    }

    /** @return the nodes this probe knows, in name order */
    public Set<NodeId> nodes() {
        return targets.keySet();
    }

    /**
     * @param node a node
     * @return the URI probed for it, if the node is known
     */
    public Optional<URI> statusUri(NodeId node) {
        Target t = targets.get(node);
        return t == null ? Optional.empty() : Optional.of(t.statusUri);
    }

    /** @return the HTTP client in use */
    public HttpClient httpClient() {
        return client;
    }

    /**
     * Refuses further probes. A client the probe built is shut down where the JDK allows it (Java 21+); on
     * Java 17 it and its idle threads are released when no longer referenced. A client passed to the builder is
     * left alone. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsClient && client instanceof AutoCloseable) {
            try {
                HttpClient.class.getMethod("shutdownNow").invoke(client);
            } catch (ReflectiveOperationException e) {
                LOG.debug("cannot shut the HTTP client down: {}", e.toString());
            }
            if (executor instanceof ThreadPoolExecutor) {
                ((ThreadPoolExecutor) executor).shutdown();
            }
        }
    }

    @Override
    public java.util.Optional<java.util.Set<NodeId>> coveredNodes() {
        return java.util.Optional.of(java.util.Set.copyOf(targets.keySet()));
    }

    @Override
    public String toString() {
        return "HttpHealthProbe[" + targets.size() + " nodes, " + config + "]";
    }

    private static final class Target {
        final URI statusUri;
        final String hostPort;
        /**
         * Whether the node answered HEALTHY since the probe last could not reach its service (refused, or no
         * connection): a table's "until healthy" state (Actuator's OUT_OF_SERVICE before readiness) reads as
         * STARTING until then.
         */
        volatile boolean healthySeen;

        void observe(ProbeResult r) {
            if (r.status() == dev.ha4j.core.HealthStatus.HEALTHY) {
                healthySeen = true;
            } else if (r.failure().filter(k -> k == FailureKind.CRASHED || k == FailureKind.NODE_UNREACHABLE)
                    .isPresent()) {
                healthySeen = false;
            }
        }

        Target(URI statusUri) {
            this.statusUri = statusUri;
            this.hostPort = Text.hostPort(statusUri);
        }
    }

    /**
     * Builds an {@link HttpHealthProbe}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private HttpProbeConfig config = HttpProbeConfig.ofDefaults();
        private final Map<NodeId, URI> nodes = new LinkedHashMap<>();
        private HttpClient client;
        private Executor executor;

        private Builder() {
        }

        /**
         * @param config the configuration; default {@link HttpProbeConfig#ofDefaults()}
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder config(HttpProbeConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param node a node
         * @param baseUri the base URI of its service, such as {@code http://127.0.0.1:7990} or
         *     {@code https://host/bitbucket}; the configured path is appended
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder node(NodeId node, URI baseUri) {
            nodes.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(baseUri, "baseUri"));
            return this;
        }

        /**
         * @param node a node name
         * @param baseUri the base URI text
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the name or the URI text is invalid
         */
        public Builder node(String node, String baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            URI u;
            try {
                u = new URI(baseUri);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("base URI of node " + node + " is invalid: " + e.getMessage(), e);
            }
            return node(NodeId.of(node), u);
        }

        /**
         * @param baseUris node → base URI
         * @return this builder
         * @throws NullPointerException if the map, a key or a value is null
         */
        public Builder nodes(Map<NodeId, URI> baseUris) {
            Objects.requireNonNull(baseUris, "baseUris").forEach(this::node);
            return this;
        }

        /**
         * Shares an existing client (for instance one from {@link HttpHealthProbe#newHttpClient}) instead of
         * building one. Its own settings then apply: the configuration's connect timeout and TLS context are not
         * used, and it must not follow redirects.
         *
         * @param client the client
         * @return this builder
         * @throws NullPointerException if {@code client} is null
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param executor runs the client's completions (when the probe builds the client) and the deadline
         *     work; default a pool of at most 4 daemon threads that end when idle
         * @return this builder
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the probe
         * @throws IllegalArgumentException if no node is given; a base URI is not absolute {@code http} or
         *     {@code https} with a host, or carries user info, a query or a fragment; a shared client follows
         *     redirects; or a shared client is combined with a configured trust store or TLS context
         */
        public HttpHealthProbe build() {
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("nodes is empty: add node(NodeId, URI) for every node to probe");
            }
            if (client != null) {
                if (client.followRedirects() != HttpClient.Redirect.NEVER) {
                    throw new IllegalArgumentException("httpClient follows redirects (" + client.followRedirects()
                            + "): a health probe must never follow one; build it with Redirect.NEVER");
                }
                if (config.trustStore().isPresent() || config.sslContext().isPresent()) {
                    throw new IllegalArgumentException("config sets TLS trust but an httpClient was given, which"
                            + " would ignore it: configure TLS on that client, or let the probe build its own");
                }
            }
            Map<NodeId, Target> targets = new TreeMap<>();
            for (Map.Entry<NodeId, URI> e : nodes.entrySet()) {
                targets.put(e.getKey(), new Target(statusUri(e.getKey(), e.getValue(), config.path())));
            }
            return new HttpHealthProbe(this, Collections.unmodifiableMap(targets));
        }

        private static URI statusUri(NodeId node, URI base, String path) {
            String where = "base URI of node " + node + " '" + Text.printable(base.toString(), 100) + "'";
            if (!base.isAbsolute() || base.isOpaque()
                    || !("http".equalsIgnoreCase(base.getScheme()) || "https".equalsIgnoreCase(base.getScheme()))) {
                throw new IllegalArgumentException(where + " is invalid: it must be an absolute http:// or https://"
                        + " URI");
            }
            if (base.getRawUserInfo() != null) {
                // Not echoed: the user info may hold a password.
                throw new IllegalArgumentException("base URI of node " + node + " carries user info: put"
                        + " credentials in HttpProbeConfig basicAuth or bearerToken, never in a URI");
            }
            if (base.getHost() == null) {
                throw new IllegalArgumentException(where + " is invalid: it has no host");
            }
            if (base.getRawQuery() != null || base.getRawFragment() != null) {
                throw new IllegalArgumentException(where + " is invalid: a base URI takes no query or fragment;"
                        + " set the path with HttpProbeConfig.path");
            }
            String basePath = base.getRawPath() == null ? "" : base.getRawPath();
            while (basePath.endsWith("/")) {
                basePath = basePath.substring(0, basePath.length() - 1);
            }
            String s = base.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + base.getRawAuthority()
                    + basePath + path;
            try {
                return new URI(s);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(where + " with path '" + path + "' is not a valid URI: "
                        + e.getReason(), e);
            }
        }
    }
}
