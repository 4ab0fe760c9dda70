package dev.ha4j.core.builtin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns a host name into an address without blocking the caller, so that a caller with a deadline can stop
 * waiting for a name service that does not answer.
 *
 * <p>The JDK's {@link InetAddress#getByName(String)} blocks until the operating system's resolver gives up
 * (about 10 s with glibc's defaults) and ignores interrupts. Components with a deadline therefore never call
 * it on their own thread: they ask a {@code HostResolver} for a future and wait for it with
 * {@link #await(HostResolver, String, long, java.util.function.LongSupplier)}, which gives up at the deadline
 * or on an interrupt and cancels the future. Tests inject a resolver whose future never completes to show
 * that such a name service costs a call no more than its deadline and leaves no thread behind.
 *
 * <p>Implementations must be thread-safe and must not block in {@link #resolve(String)}.
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * Starts resolving {@code host}.
     *
     * @param host a host name or IP literal, already validated by the caller
     * @return a future that completes with the address, or exceptionally with an {@link UnknownHostException}
     *     when the name does not exist; the caller cancels it when it stops waiting
     */
    CompletableFuture<InetAddress> resolve(String host);

    /**
     * The operating system's resolver ({@link InetAddress#getByName(String)}, so {@code /etc/hosts}, DNS and
     * whatever else {@code nsswitch.conf} names, with the JDK's address cache). IP literals are answered at
     * once on the caller's thread. Names are looked up on a small shared pool (at most four daemon threads
     * named {@code ha4j-resolver}, which end one second after their last lookup); concurrent lookups of one
     * name share a single lookup, so a name service that hangs holds at most one thread per distinct name
     * until the operating system gives up on it, however many calls time out meanwhile.
     *
     * @return the shared system resolver
     */
    static HostResolver system() {
        return SystemHostResolver.INSTANCE;
    }

    /**
     * Resolves {@code host} with {@code resolver}, waiting no later than {@code deadlineNanos} on
     * {@code ticker}.
     *
     * @param resolver the resolver
     * @param host the host name or IP literal
     * @param deadlineNanos the deadline, a value of {@code ticker}
     * @param ticker a monotonic nanosecond ticker, usually {@code System::nanoTime}
     * @return the address
     * @throws UnknownHostException if the name does not exist, or the resolver failed otherwise (threw, returned
     *     no future or no address; the cause is attached)
     * @throws TimeoutException if the deadline passed first; the lookup is cancelled
     * @throws InterruptedException if the calling thread was interrupted; the lookup is cancelled
     */
    static InetAddress await(HostResolver resolver, String host, long deadlineNanos,
            java.util.function.LongSupplier ticker)
            throws UnknownHostException, TimeoutException, InterruptedException {
        CompletableFuture<InetAddress> f;
        try {
            f = resolver.resolve(host);
        } catch (RuntimeException e) {
            // a broken resolver is a failed lookup for the caller, never an exception out of a probe or fence
            UnknownHostException u = new UnknownHostException(host + ": the resolver failed: " + e);
            u.initCause(e);
            throw u;
        }
        if (f == null) {
            throw new UnknownHostException(host + ": the resolver returned no lookup");
        }
        try {
            if (!f.isDone()) {
                long left = deadlineNanos - ticker.getAsLong();
                if (left <= 0) {
                    throw new TimeoutException("no address for " + host + " before the deadline");
                }
                f.get(left, TimeUnit.NANOSECONDS);
            }
            InetAddress a = f.get();
            if (a == null) {
                throw new UnknownHostException(host + ": the resolver answered no address");
            }
            return a;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UnknownHostException u) {
                throw u;
            }
            UnknownHostException u = new UnknownHostException(host + ": " + c);
            u.initCause(c);
            throw u;
        } catch (CancellationException e) {
            UnknownHostException u = new UnknownHostException(host + ": the lookup was cancelled");
            u.initCause(e);
            throw u;
        } finally {
            if (!f.isDone()) {
                f.cancel(false);
            }
        }
    }
}
