package dev.ha4j.core.builtin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link HostResolver#system()}: the OS resolver on a small shared pool, one lookup per name at a time. */
final class SystemHostResolver implements HostResolver {
    static final SystemHostResolver INSTANCE = new SystemHostResolver();
    private static final int THREADS = 4;
    private static final int QUEUE = 256;

    private final Map<String, CompletableFuture<InetAddress>> inFlight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    private SystemHostResolver() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "ha4j-resolver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<InetAddress> resolve(String host) {
        if (TcpConnectProbe.isLiteral(host)) {
            // a literal is parsed, never looked up
            try {
                return CompletableFuture.completedFuture(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<InetAddress> shared = inFlight.computeIfAbsent(host, h -> {
            CompletableFuture<InetAddress> f = new CompletableFuture<>();
            try {
                pool.execute(() -> {
                    try {
                        f.complete(InetAddress.getByName(h));
                    } catch (UnknownHostException | RuntimeException e) {
                        f.completeExceptionally(e);
                    } finally {
                        inFlight.remove(h, f);
                    }
                });
            } catch (RejectedExecutionException e) {
                f.completeExceptionally(new UnknownHostException(h + ": too many name lookups pending"));
            }
            return f;
        });
        if (shared.isDone()) {
            inFlight.remove(host, shared);
        }
        // each caller gets its own copy: cancelling it must not cancel the lookup other callers wait for
        return shared.thenApply(a -> a);
    }

    @Override
    public String toString() {
        return "HostResolver.system()";
    }
}
