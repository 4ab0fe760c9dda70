package dev.ha4j.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.runtime.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void tasksRunInTimeThenSubmissionOrderAndTheClockJumps() {
        VirtualScheduler s = new VirtualScheduler(T0);
        List<String> ran = new ArrayList<>();
        s.schedule(T0.plusSeconds(10), () -> ran.add("b@" + s.now()));
        s.execute(() -> ran.add("a@" + s.now()));
        s.schedule(T0.plusSeconds(10), () -> ran.add("c@" + s.now()));
        Cancellable x = s.schedule(T0.plusSeconds(5), () -> ran.add("cancelled"));
        x.cancel();
        s.runFor(Duration.ofHours(1));
        assertThat(ran).containsExactly("a@" + T0, "b@" + T0.plusSeconds(10), "c@" + T0.plusSeconds(10));
        assertThat(s.clock().instant()).isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void aBlockingCallTakesTheTimeItSleepsAndReportsBackThen() {
        VirtualScheduler s = new VirtualScheduler(T0);
        List<String> ran = new ArrayList<>();
        s.executeBlocking(() -> {
            s.sleep(Duration.ofSeconds(3));
            Instant inside = s.clock().instant();
            s.execute(() -> ran.add("result@" + s.now() + " seen inside at " + inside));
        });
        s.schedule(T0.plusSeconds(1), () -> ran.add("loop@" + s.now()));
        s.runFor(Duration.ofSeconds(10));
        assertThat(ran).containsExactly("loop@" + T0.plusSeconds(1),
                "result@" + T0.plusSeconds(3) + " seen inside at " + T0.plusSeconds(3));
    }

    @Test
    void aBlockedCallLetsTheLoopRunItsWatchdogAndResumesWhenItsConditionHolds() {
        VirtualScheduler s = new VirtualScheduler(T0);
        List<String> ran = new ArrayList<>();
        boolean[] released = new boolean[1];
        s.schedule(T0.plusSeconds(3), () -> {
            ran.add("watchdog@" + s.now());
            Thread.currentThread().interrupt(); // as HaRuntime's watchdog interrupts the (here: driving) thread
        });
        s.schedule(T0.plusSeconds(10), () -> released[0] = true);
        s.executeBlocking(() -> {
            s.executeBlocking(() -> {
                // A second call blocks inside the first one's wait and resumes first (last blocked, first resumed).
                assertThat(s.block(() -> released[0], T0.plusSeconds(60))).isTrue();
                ran.add("inner resumed@" + s.now() + " interrupted=" + Thread.interrupted());
            });
            assertThat(s.block(() -> released[0], T0.plusSeconds(60))).isTrue();
            ran.add("outer resumed@" + s.now() + " interrupted=" + Thread.interrupted());
            s.sleep(Duration.ofSeconds(1));
            s.execute(() -> ran.add("answer@" + s.now()));
        });
        s.runFor(Duration.ofSeconds(30));
        assertThat(ran).containsExactly("watchdog@" + T0.plusSeconds(3),
                "inner resumed@" + T0.plusSeconds(10) + " interrupted=true",
                "outer resumed@" + T0.plusSeconds(10) + " interrupted=false",
                "answer@" + T0.plusSeconds(11));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aBlockedCallGivesUpWhenTheRunIsOver() {
        VirtualScheduler s = new VirtualScheduler(T0);
        boolean[] gaveUp = new boolean[1];
        s.schedule(T0.plusSeconds(100), () -> { });
        s.executeBlocking(() -> gaveUp[0] = !s.block(() -> false, T0.plusSeconds(50)));
        s.runNext();
        assertThat(gaveUp[0]).isTrue();
        assertThatThrownBy(() -> s.block(() -> true, T0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a blocking call");
    }

    @Test
    void theEventLoopNeverSleeps() {
        VirtualScheduler s = new VirtualScheduler(T0);
        assertThatThrownBy(() -> s.sleep(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        s.shutdown();
        s.execute(() -> {
            throw new AssertionError("ran after shutdown");
        });
        assertThat(s.runNext()).isFalse();
    }
}
