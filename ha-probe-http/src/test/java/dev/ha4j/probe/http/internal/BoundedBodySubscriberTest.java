package dev.ha4j.probe.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.ProbeResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedBodySubscriberTest {
    private static final class Sub implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void collectsAndClassifiesWithBoundedDemand() {
        BoundedBodySubscriber s = new BoundedBodySubscriber(1024, 200,
                b -> ProbeResult.of(HealthStatus.HEALTHY, new String(b, StandardCharsets.UTF_8)));
        Sub sub = new Sub();
        s.onSubscribe(sub);
        assertThat(sub.requested.get()).isEqualTo(1);
        s.onNext(List.of(buf("{\"state\":"), buf("\"RUNNING\"")));
        s.onNext(List.of(buf("}")));
        assertThat(sub.requested.get()).isEqualTo(3);
        s.onComplete();
        assertThat(s.getBody().toCompletableFuture().join().detail()).isEqualTo("{\"state\":\"RUNNING\"}");
        assertThat(sub.cancelled.get()).isFalse();
    }

    @Test
    void cancelsPastTheCapWithoutReadingOn() {
        BoundedBodySubscriber s = new BoundedBodySubscriber(1024, 200, b -> ProbeResult.healthy());
        Sub sub = new Sub();
        s.onSubscribe(sub);
        s.onNext(List.of(ByteBuffer.allocate(1000)));
        s.onNext(List.of(ByteBuffer.allocate(100), ByteBuffer.allocate(100)));
        assertThat(sub.cancelled.get()).isTrue();
        ProbeResult r = s.getBody().toCompletableFuture().join();
        assertThat(r.failure()).contains(FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).contains("1024-byte cap").contains("after 1024 bytes");
        long requested = sub.requested.get();
        s.onNext(List.of(ByteBuffer.allocate(100)));
        assertThat(sub.requested.get()).isEqualTo(requested);
    }

    @Test
    void exactlyTheCapIsAccepted() {
        BoundedBodySubscriber s = new BoundedBodySubscriber(1024, 200, b -> ProbeResult.of(HealthStatus.HEALTHY,
                "n=" + b.length));
        s.onSubscribe(new Sub());
        s.onNext(List.of(ByteBuffer.allocate(1024)));
        s.onComplete();
        assertThat(s.getBody().toCompletableFuture().join().detail()).isEqualTo("n=1024");
    }

    @Test
    void cancelBeforeSubscribeCancelsOnArrival() {
        BoundedBodySubscriber s = new BoundedBodySubscriber(1024, 200, b -> ProbeResult.healthy());
        s.cancel();
        Sub sub = new Sub();
        s.onSubscribe(sub);
        assertThat(sub.cancelled.get()).isTrue();
        assertThat(sub.requested.get()).isZero();
    }

    @Test
    void aThrowingTableBecomesABadResponse() {
        BoundedBodySubscriber s = new BoundedBodySubscriber(1024, 200, b -> {
            throw new IllegalStateException("boom");
        });
        s.onSubscribe(new Sub());
        s.onComplete();
        assertThat(s.getBody().toCompletableFuture().join().failure()).contains(FailureKind.BAD_RESPONSE);
    }

    @Test
    void decidedCancelsAtOnce() {
        var d = BoundedBodySubscriber.decided(ProbeResult.failed(FailureKind.BAD_RESPONSE, "x"));
        Sub sub = new Sub();
        d.onSubscribe(sub);
        assertThat(sub.cancelled.get()).isTrue();
        assertThat(d.getBody().toCompletableFuture().join().detail()).isEqualTo("x");
    }
}
