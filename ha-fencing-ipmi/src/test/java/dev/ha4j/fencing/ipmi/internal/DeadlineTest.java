package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 1_000); // near the wrap, on purpose

    @Test
    void hugeAndNegativeDurationsAreClamped() {
        assertThat(Deadline.nanos(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isEqualTo(Deadline.MAX_NANOS);
        assertThat(Deadline.nanos(Duration.ofDays(365L * 200))).isEqualTo(Deadline.MAX_NANOS);
        assertThat(Deadline.nanos(Duration.ofMillis(-5))).isZero();
        assertThat(Deadline.nanos(Duration.ofMillis(5))).isEqualTo(5_000_000L);
        Deadline d = Deadline.after(now::get, Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(d.expired()).isFalse();
        assertThat(d.remainingNanos()).isEqualTo(Deadline.MAX_NANOS);
    }

    @Test
    void arithmeticSurvivesTheTickerWrapping() {
        Deadline d = Deadline.after(now::get, Duration.ofSeconds(2));
        now.addAndGet(1_000_000_000L); // wraps past Long.MAX_VALUE, as System.nanoTime may
        assertThat(d.expired()).isFalse();
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.atMost(Duration.ofMillis(100)).remaining()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.atMost(Duration.ofSeconds(5))).isSameAs(d);
        assertThat(d.minus(Duration.ofMillis(300)).remaining()).isEqualTo(Duration.ofMillis(700));
        assertThat(d.minus(Duration.ofSeconds(9)).remaining()).isZero();
        now.addAndGet(1_000_000_000L);
        assertThat(d.expired()).isTrue();
        assertThat(d.remaining()).isZero();
    }
}
