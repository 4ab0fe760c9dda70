package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InMemoryCoordinatorTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final Duration T = Duration.ofSeconds(1);

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2024-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static Lease grant(InMemoryCoordinator c, NodeId n) {
        LeaseResult r = c.acquire(n, T);
        assertThat(r.isGranted()).isTrue();
        return r.lease().orElseThrow();
    }

    @Test
    void everyAcquireSupersedesWithTheNextEpoch() {
        InMemoryCoordinator c = InMemoryCoordinator.builder().build();
        List<String> lost = new ArrayList<>();
        c.addListener((h, e, why) -> lost.add(h + "@" + e));
        Lease a1 = grant(c, A);
        Lease a2 = grant(c, A);
        Lease b3 = grant(c, B);
        assertThat(List.of(a1.epoch(), a2.epoch(), b3.epoch())).containsExactly(Epoch.of(1), Epoch.of(2),
                Epoch.of(3));
        assertThat(c.current(T)).contains(b3);
        assertThat(lost).as("re-acquire by the holder is no loss; a grant to another node is")
                .containsExactly("a@e2");
        assertThat(c.lastEpoch()).isEqualTo(Epoch.of(3));
    }

    @Test
    void releaseOfAStaleLeaseIsIgnored() {
        InMemoryCoordinator c = InMemoryCoordinator.builder().build();
        Lease a1 = grant(c, A);
        Lease a2 = grant(c, A);
        assertThat(c.release(a1, T).outcome()).isEqualTo(Outcome.OK);
        assertThat(c.current(T)).contains(a2);
        assertThat(c.release(a2, T).outcome()).isEqualTo(Outcome.OK);
        assertThat(c.current(T)).isEmpty();
        assertThat(grant(c, B).epoch()).as("epochs are never reused after a release").isEqualTo(Epoch.of(3));
    }

    @Test
    void leaseExpiresOnTheInjectedClockAndListenersAreTold() {
        MutableClock clock = new MutableClock();
        InMemoryCoordinator c = InMemoryCoordinator.builder().clock(clock).leaseTtl(Duration.ofSeconds(10)).build();
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        c.addListener((h, e, why) -> lost.add(h + "@" + e + " " + why));
        Lease a1 = grant(c, A);
        clock.advance(Duration.ofSeconds(9));
        assertThat(c.renew(a1).outcome()).isEqualTo(Outcome.OK);
        clock.advance(Duration.ofSeconds(9));
        assertThat(c.checkExpiry()).isEmpty();
        assertThat(c.current(T)).contains(a1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(c.current(T)).isEmpty();
        assertThat(lost).singleElement().asString().startsWith("a@e1 expired");
        assertThat(c.renew(a1).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(grant(c, B).epoch()).isEqualTo(Epoch.of(2));
        clock.advance(Duration.ofSeconds(10));
        assertThat(c.checkExpiry()).map(Lease::holder).contains(B);
        assertThat(lost).hasSize(2);
    }

    @Test
    void expireAndRevokeTellListeners() {
        InMemoryCoordinator c = InMemoryCoordinator.builder().build();
        List<String> lost = new ArrayList<>();
        c.addListener((h, e, why) -> lost.add(h + "@" + e + " " + why));
        assertThat(c.expire()).isEmpty();
        Lease a1 = grant(c, A);
        assertThat(c.expire()).contains(a1);
        Lease b2 = grant(c, B);
        assertThat(c.revoke("operator")).contains(b2);
        assertThat(lost).containsExactly("a@e1 expired", "b@e2 revoked: operator");
        assertThat(c.current(T)).isEmpty();
    }

    @Test
    void listenersRunOutsideTheLockAndAThrowingOneDoesNotStopTheOthers() throws Exception {
        InMemoryCoordinator c = InMemoryCoordinator.builder().build();
        AtomicReference<Optional<Lease>> seenFromOtherThread = new AtomicReference<>();
        c.addListener((h, e, why) -> {
            throw new IllegalStateException("boom");
        });
        c.addListener((h, e, why) -> {
            // another thread must be able to use the coordinator while we are being told: no lock is held
            Thread t = new Thread(() -> seenFromOtherThread.set(c.current(T)));
            t.start();
            try {
                t.join(2000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        grant(c, A);
        c.revoke("test");
        assertThat(seenFromOtherThread.get()).isEqualTo(Optional.empty());
    }

    @Test
    void concurrentAcquiresGetDistinctIncreasingEpochs() throws Exception {
        InMemoryCoordinator c = InMemoryCoordinator.builder().build();
        Set<Epoch> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int t = 0; t < 4; t++) {
                NodeId n = t % 2 == 0 ? A : B;
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 250; i++) {
                        assertThat(seen.add(c.acquire(n, T).lease().orElseThrow().epoch())).isTrue();
                    }
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(1000);
        assertThat(c.lastEpoch()).isEqualTo(Epoch.of(1000));
    }

    @Test
    void continuesFromAPersistedEpoch() {
        InMemoryCoordinator c = InMemoryCoordinator.builder().lastEpoch(Epoch.of(41)).build();
        assertThat(grant(c, A).epoch()).isEqualTo(Epoch.of(42));
        assertThat(c.toString()).contains("a@e42", "lastEpoch=42");
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> InMemoryCoordinator.builder().leaseTtl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTtl");
        assertThatThrownBy(() -> InMemoryCoordinator.builder().clock(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> InMemoryCoordinator.builder().lastEpoch(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lastEpoch");
    }
}
