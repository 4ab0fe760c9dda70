package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.spi.Fencer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real runtime while the wall clock (its injected {@link Clock}) is stepped, as NTP or an operator does:
 * every deadline of a call follows a monotonic ticker, so a step back neither stretches a call nor its budget,
 * and a step forward fails none. Both with the scheduler the runtime builds and with a {@link ThreadedScheduler}
 * handed in.
 */
class WallClockStepTest {
    static final NodeId A = NodeId.of("a");
    static final Duration FENCE_TIMEOUT = Duration.ofSeconds(2);

    /** The system clock plus an offset a test steps. */
    static final class SteppedClock extends Clock {
        final AtomicLong offsetNanos = new AtomicLong();

        void step(Duration d) {
            offsetNanos.addAndGet(d.toNanos());
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
            return Clock.systemUTC().instant().plusNanos(offsetNanos.get());
        }
    }

    /** A fencing device that takes {@code takes} and steps the clock by {@code step} while it works. */
    final class SlowDevice implements Fencer {
        final Duration takes;
        final Duration step;
        final List<Duration> budgets = new CopyOnWriteArrayList<>();

        SlowDevice(Duration takes, Duration step) {
            this.takes = takes;
            this.step = step;
        }

        @Override
        public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
            budgets.add(timeout);
            clock.step(step);
            try {
                Thread.sleep(Math.min(takes.toMillis(), timeout.toMillis()));
            } catch (InterruptedException e) {
                return FenceResult.failed(dev.ha4j.core.Outcome.TIMED_OUT, PowerState.UNKNOWN, "interrupted");
            }
            if (takes.compareTo(timeout) > 0) {
                return FenceResult.failed(dev.ha4j.core.Outcome.TIMED_OUT, PowerState.UNKNOWN, "gave up");
            }
            return infra.fence(node, action, timeout);
        }

        @Override
        public PowerState status(NodeId node, Duration timeout) {
            return infra.status(node, timeout);
        }
    }

    final SteppedClock clock = new SteppedClock();
    final FakeInfra infra = new FakeInfra(Secret.of("pw"));
    final List<RuntimeEvent.CommandFinished> fences = new CopyOnWriteArrayList<>();
    HaRuntime runtime;
    ThreadedScheduler scheduler;

    static ClusterConfig config() {
        return ClusterConfig.custom().name("step").nodes("a", "b").policy(Policy.custom()
                .probeInterval(Duration.ofMillis(50)).probeTimeout(Duration.ofMillis(40))
                .firstProbeTimeout(Duration.ofMillis(40)).startupGrace(Duration.ofMillis(1))
                .restarts(1, Duration.ofMinutes(10)).failuresBeforeAction(2).fenceTimeout(FENCE_TIMEOUT)
                .stopTimeout(Duration.ofSeconds(1)).fencingLevels(List.of("bmc")).build()).build();
    }

    HaRuntime.Builder builder(Fencer... devices) {
        HaRuntime.Builder b = HaRuntime.builder().config(config()).probe(infra).serviceControl(infra)
                .replicator(infra.replicator).router(infra).coordinator(InMemoryCoordinator.builder().build())
                .deadlineSlack(Duration.ofMillis(300));
        for (Fencer f : devices) {
            b.fencer("bmc", f);
        }
        return b;
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    /** Cuts a's power so that it must be fenced, and waits for the fence's answer; returns it. */
    RuntimeEvent.CommandFinished fenceA() {
        runtime.events().onCommandFinished(f -> {
            if (f.command() instanceof Command.Fence) {
                fences.add(f);
            }
        });
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().active().equals(Optional.of("a")));
        infra.power.put(A, false);
        await().atMost(Duration.ofSeconds(15)).until(() -> !fences.isEmpty());
        return fences.get(0);
    }

    @Test
    void aStepBackDuringAHungFenceNeitherStretchesItsDeadlineNorItsReportedDuration() {
        SlowDevice hung = new SlowDevice(Duration.ofMinutes(1), Duration.ofSeconds(-20));
        runtime = builder(hung).clock(clock).build();
        long t0 = System.nanoTime();
        RuntimeEvent.CommandFinished f = fenceA();
        Duration real = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(((Event.FenceCompleted) f.result()).result().isVerifiedOff()).isFalse();
        assertThat(hung.budgets.get(0)).isLessThanOrEqualTo(FENCE_TIMEOUT);
        assertThat(f.took()).as("the reported duration is monotonic, not wall time")
                .isBetween(Duration.ofMillis(1_500), FENCE_TIMEOUT.plusSeconds(2));
        assertThat(real).as("answered at its deadline, not 20 s later").isLessThan(Duration.ofSeconds(12));
    }

    @Test
    void aStepForwardDuringAHealthyFenceFailsNothing() {
        SlowDevice slow = new SlowDevice(Duration.ofMillis(300), Duration.ofSeconds(20));
        runtime = builder(slow).clock(clock).build();
        RuntimeEvent.CommandFinished f = fenceA();
        assertThat(((Event.FenceCompleted) f.result()).result().isVerifiedOff()).isTrue();
        assertThat(f.took()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().active().equals(Optional.of("b")));
    }

    @Test
    void withAThreadedSchedulerHandedInAStepForwardLeavesTheNextDeviceItsBudget() {
        // Two devices at one level share the fence's deadline: the second gets what the first left.
        SlowDevice first = new SlowDevice(Duration.ofMillis(300), Duration.ofSeconds(20));
        SlowDevice second = new SlowDevice(Duration.ofMillis(10), Duration.ZERO);
        scheduler = new ThreadedScheduler(clock, "step");
        runtime = builder(first, second).scheduler(scheduler).build();
        RuntimeEvent.CommandFinished f = fenceA();
        assertThat(second.budgets).as("the second device was asked").hasSize(1);
        assertThat(second.budgets.get(0)).isBetween(FENCE_TIMEOUT.minusMillis(800), FENCE_TIMEOUT.minusMillis(250));
        assertThat(((Event.FenceCompleted) f.result()).result().isVerifiedOff()).isTrue();
    }

    @Test
    void withAThreadedSchedulerHandedInAStepBackDoesNotStretchTheNextDevicesBudget() {
        SlowDevice first = new SlowDevice(Duration.ofMillis(300), Duration.ofSeconds(-20));
        SlowDevice second = new SlowDevice(Duration.ofMillis(10), Duration.ZERO);
        scheduler = new ThreadedScheduler(clock, "step");
        runtime = builder(first, second).scheduler(scheduler).build();
        RuntimeEvent.CommandFinished f = fenceA();
        assertThat(second.budgets).hasSize(1);
        assertThat(second.budgets.get(0)).isLessThanOrEqualTo(FENCE_TIMEOUT.minusMillis(250));
        assertThat(f.took()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
    }
}
