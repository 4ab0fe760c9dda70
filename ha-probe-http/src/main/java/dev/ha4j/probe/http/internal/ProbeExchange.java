package dev.ha4j.probe.http.internal;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.ProbeResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.net.http.HttpHeaders;

/**
 * One probe in flight: sends the request, reads at most the capped body, and completes its verdict exactly
 * once — with the answer, with the classified transport failure, or at the deadline, whichever comes first.
 * Whatever completes the verdict (including a caller cancelling the future) releases the rest: the deadline is
 * cancelled, and an unfinished exchange and its body are cancelled so the connection is closed.
 *
 * <p>Thread-safe: the HTTP client, the deadline timer and the caller may act on it concurrently.
 */
public final class ProbeExchange implements HttpResponse.BodyHandler<ProbeResult> {
    /** Turns an answer into a verdict; must not block. */
    @FunctionalInterface
    public interface Classifier {
        /**
         * @param code the HTTP code
         * @param headers the response headers
         * @param body the body, or its first {@code cap} bytes when {@code complete} is false
         * @param complete whether {@code body} is the whole body
         * @return the verdict, or null for "cannot tell from this part of the body"
         */
        ProbeResult classify(int code, HttpHeaders headers, byte[] body, boolean complete);
    }

    private final Classifier table;
    private final int cap;
    private final String target;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final long startNanos;
    private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    private volatile int httpCode = -1;
    private volatile BoundedBodySubscriber body;
    private volatile CompletableFuture<HttpResponse<ProbeResult>> http;
    private volatile ScheduledFuture<?> deadline;
    private volatile boolean answered;
    private volatile Executor executor;

    /**
     * @param table turns an answer into a verdict
     * @param cap the most body bytes to read
     * @param target {@code host:port}, for details
     * @param timeout the probe's deadline, from now
     * @param connectTimeout the client's connect timeout, for details
     */
    public ProbeExchange(Classifier table, int cap, String target, Duration timeout,
            Duration connectTimeout) {
        this.table = table;
        this.cap = cap;
        this.target = target;
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
        this.startNanos = System.nanoTime();
    }

    /**
     * Sends the request and arms the deadline.
     *
     * @param client the shared client
     * @param request the request; its own timeout must be longer than the probe's, so that the client's request
     *     timer never decides a verdict the deadline should
     * @param executor where the deadline's work and completions run, so the timer thread stays free
     * @return the verdict, completed within the timeout plus scheduling delay; cancelling it aborts the probe
     */
    public CompletableFuture<ProbeResult> start(HttpClient client, HttpRequest request, Executor executor) {
        this.executor = executor;
        result.whenComplete((r, t) -> release());
        deadline = DeadlineTimer.schedule(() -> {
            try {
                executor.execute(this::onDeadline);
            } catch (RejectedExecutionException e) {
                onDeadline();
            }
        }, timeout);
        CompletableFuture<HttpResponse<ProbeResult>> f;
        try {
            f = client.sendAsync(request, this);
        } catch (RuntimeException e) {
            finish(FailureClassifier.classify(e, target, timeout, connectTimeout, elapsed()));
            return result;
        }
        http = f;
        // Answers complete the verdict from the body subscriber (see apply); this future matters for transport
        // failures. It is not waited on for answers because the JDK completes it through CompletableFuture's
        // default executor, which on a machine with fewer than 3 CPUs starts a new thread per task (JDK 17).
        f.whenComplete((resp, t) -> {
            if (t == null) {
                answer(resp.body());
            } else if (!result.isDone()) {
                finish(FailureClassifier.classify(t, target, timeout, connectTimeout, elapsed()));
            }
        });
        if (result.isDone()) {
            release();
        }
        return result;
    }

    @Override
    public HttpResponse.BodySubscriber<ProbeResult> apply(HttpResponse.ResponseInfo info) {
        int code = info.statusCode();
        httpCode = code;
        if (code >= 300 && code <= 399) {
            String location = info.headers().firstValue("location").orElse(null);
            return decided(ProbeResult.failed(FailureKind.BAD_RESPONSE, "redirect (HTTP " + code + " to "
                    + Text.safeUri(location) + ") not followed: any other URL may be a maintenance page"));
        }
        OptionalLong length;
        try {
            length = info.headers().firstValueAsLong("content-length");
        } catch (NumberFormatException e) {
            return decided(ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + code
                    + " with a malformed Content-Length"));
        }
        HttpHeaders headers = info.headers();
        String declared = length.isPresent() && length.getAsLong() > cap ? " body of " + length.getAsLong()
                + " bytes is larger than the " + cap + "-byte cap" : null;
        // A body over the cap is read up to the cap only, and judged on that part when the state is in it: a
        // healthy Actuator with show-details=always can send tens of kilobytes after its "status".
        BoundedBodySubscriber s = new BoundedBodySubscriber(cap, code,
                bytes -> table.classify(code, headers, bytes, true),
                bytes -> {
                    ProbeResult r = table.classify(code, headers, bytes, false);
                    if (r != null && declared != null && r.failure().isPresent()) {
                        return ProbeResult.failed(r.failure().get(), "HTTP " + code + declared + ", read " + cap
                                + " bytes only: " + r.detail());
                    }
                    return r;
                });
        body = s;
        if (result.isDone()) {
            s.cancel();
        }
        s.getBody().whenComplete((verdict, t) -> {
            if (verdict != null) {
                answer(verdict);
            }
        });
        return s;
    }

    private HttpResponse.BodySubscriber<ProbeResult> decided(ProbeResult verdict) {
        // The subscriber cancels the body, so the client closes this connection instead of reusing it.
        answer(verdict);
        return BoundedBodySubscriber.decided(verdict);
    }

    /** A verdict from the answer itself: the exchange ends normally and its connection may be reused. */
    private void answer(ProbeResult verdict) {
        answered = true;
        if (result.isDone()) {
            return;
        }
        // Hand over to the pool: the client may deliver bodies on its selector thread, and the caller's
        // dependent actions must never run there.
        Executor e = executor;
        try {
            e.execute(() -> finish(verdict));
        } catch (RejectedExecutionException x) {
            finish(verdict);
        }
    }

    private void onDeadline() {
        if (result.isDone()) {
            return;
        }
        int code = httpCode;
        BoundedBodySubscriber b = body;
        if (code < 0) {
            finish(FailureClassifier.hung(target, timeout, connectTimeout));
        } else {
            finish(ProbeResult.failed(FailureKind.HUNG, "HTTP " + code + " headers from " + target
                    + " arrived, but the body was incomplete after " + Text.duration(timeout) + " ("
                    + (b == null ? 0 : b.bytesRead()) + " bytes read)"));
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void finish(ProbeResult verdict) {
        if (!result.isDone()) {
            result.complete(verdict.withLatency(Duration.ofNanos(System.nanoTime() - startNanos)));
        }
    }

    private void release() {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        CompletableFuture<HttpResponse<ProbeResult>> f = http;
        BoundedBodySubscriber b = body;
        // An answered exchange is left to finish by itself, so that its connection goes back to the pool.
        if (!answered && f != null && !f.isDone()) {
            if (b != null) {
                b.cancel();
            }
            f.cancel(true);
        }
        // The client may keep this handler reachable from a pooled connection until the next request on it;
        // drop what the verdict no longer needs so an idle endpoint costs less heap.
        if (answered || (f != null && f.isDone())) {
            deadline = null;
            body = null;
        }
    }
}
