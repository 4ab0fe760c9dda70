package dev.ha4j.probe.http.internal;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.ProbeResult;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Collects a response body up to a cap and turns it into a verdict. Past the cap it cancels the subscription
 * at once — the HTTP client then closes the connection — so an oversized body costs at most the cap plus one
 * network buffer, never the whole body.
 *
 * <p>Follows the {@link Flow.Subscriber} rules: the {@code on*} methods are called serially by the HTTP
 * client; {@link #cancel()} may be called from any thread.
 */
public final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<ProbeResult> {
    private final int cap;
    private final int httpCode;
    private final Function<byte[], ProbeResult> classifier;
    private final Function<byte[], ProbeResult> prefixClassifier;
    private final CompletableFuture<ProbeResult> body = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile int size;
    private byte[] buf;

    /**
     * @param cap the most bytes to keep
     * @param httpCode the response's code, for the detail of an oversized body
     * @param classifier turns the complete body into a verdict
     */
    public BoundedBodySubscriber(int cap, int httpCode, Function<byte[], ProbeResult> classifier) {
        this(cap, httpCode, classifier, null);
    }

    /**
     * @param cap the most bytes to keep
     * @param httpCode the response's code, for the detail of an oversized body
     * @param classifier turns the complete body into a verdict
     * @param prefixClassifier turns the first {@code cap} bytes of a larger body into a verdict; null (or a
     *     function that returns null) makes an oversized body {@link FailureKind#BAD_RESPONSE}
     */
    public BoundedBodySubscriber(int cap, int httpCode, Function<byte[], ProbeResult> classifier,
            Function<byte[], ProbeResult> prefixClassifier) {
        this.cap = cap;
        this.httpCode = httpCode;
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.prefixClassifier = prefixClassifier;
        this.buf = new byte[Math.min(cap, 512)];
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.compareAndSet(null, s) || cancelled) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        int n = size;
        for (ByteBuffer b : items) {
            int r = b.remaining();
            if ((long) n + r > cap) {
                // Keep the cap's worth: where the state comes first, the verdict is already known.
                int take = cap - n;
                if (n + take > buf.length) {
                    buf = Arrays.copyOf(buf, cap);
                }
                b.get(buf, n, take);
                n += take;
                size = n;
                ProbeResult verdict = null;
                if (prefixClassifier != null) {
                    try {
                        verdict = prefixClassifier.apply(Arrays.copyOf(buf, n));
                    } catch (RuntimeException e) {
                        verdict = null;
                    }
                }
                buf = null;
                body.complete(verdict != null ? verdict : ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP "
                        + httpCode + " body is larger than the " + cap + "-byte cap; stopped reading after " + n
                        + " bytes"));
                cancel();
                return;
            }
            if (n + r > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(cap, Math.max(buf.length * 2, n + r)));
            }
            b.get(buf, n, r);
            n += r;
        }
        size = n;
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.request(1);
        }
    }

    @Override
    public void onError(Throwable t) {
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        byte[] bytes = Arrays.copyOf(buf, size);
        buf = null;
        try {
            body.complete(classifier.apply(bytes));
        } catch (RuntimeException e) {
            // A table must not throw; if it does, the answer counts as not understood rather than lost.
            body.complete(ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode
                    + " body could not be classified: " + e.getClass().getSimpleName()));
        }
    }

    @Override
    public CompletionStage<ProbeResult> getBody() {
        return body;
    }

    /**
     * Stops reading: cancels the subscription (now, or as soon as it arrives) and completes the body, if it is
     * not complete yet, with a {@link CancellationException}. The JDK client (17 at least) waits for the body
     * to complete before it ends the exchange; a body left pending after a cancel kept the exchange, its client
     * and the client's selector thread alive for the life of the JVM.
     */
    public void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
        body.completeExceptionally(new CancellationException("body no longer wanted"));
    }

    /** @return the body bytes read so far */
    public int bytesRead() {
        return size;
    }

    /**
     * A subscriber for answers decided on their headers alone (redirects, a declared length over the cap): it
     * cancels the body at once and yields the verdict.
     *
     * @param verdict the verdict
     * @return the subscriber
     */
    public static HttpResponse.BodySubscriber<ProbeResult> decided(ProbeResult verdict) {
        CompletableFuture<ProbeResult> done = CompletableFuture.completedFuture(verdict);
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public CompletionStage<ProbeResult> getBody() {
                return done;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                // cancelled: nothing more is wanted
            }

            @Override
            public void onError(Throwable throwable) {
                // the verdict is already known
            }

            @Override
            public void onComplete() {
                // the verdict is already known
            }
        };
    }
}
