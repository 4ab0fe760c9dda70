package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AsyncNotifierTest {
    static Notification n(int i) {
        return new Notification(Instant.EPOCH, Notification.Kind.BLOCKED, Optional.empty(), Epoch.NONE, "n" + i);
    }

    @Test
    void aHangingNotifierNeverBlocksTheCallerAndTheQueueIsBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        List<String> sent = new CopyOnWriteArrayList<>();
        try (AsyncNotifier async = AsyncNotifier.builder().name("pager").capacity(3).notifier(x -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.add(x.message());
        }).build()) {
            async.notify(n(0));
            entered.await();
            long t0 = System.nanoTime();
            for (int i = 1; i < 10; i++) {
                async.notify(n(i));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            // One in the hands of the hanging notifier, three queued, the rest dropped and counted.
            assertThat(async.dropped()).isEqualTo(6);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 4);
            assertThat(sent).containsExactly("n0", "n1", "n2", "n3");
        }
    }

    @Test
    void aNotifierThatThrowsDoesNotStopTheOthers() {
        List<String> sent = new CopyOnWriteArrayList<>();
        try (AsyncNotifier async = AsyncNotifier.builder().notifier(x -> {
            if (x.message().equals("n1")) {
                throw new IllegalStateException("pager down");
            }
            sent.add(x.message());
        }).build()) {
            async.notify(n(1));
            async.notify(n(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.contains("n2"));
        }
        assertThatThrownBy(() -> AsyncNotifier.builder().capacity(0)).hasMessageContaining("capacity 0");
    }
}
