package dev.ha4j.core.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Time and threads for the {@link HaRuntime}: one serial event loop, timers on it, and workers for blocking
 * SPI calls. {@link ThreadedScheduler} is the real one; the testkit supplies one on virtual time, so the same
 * runtime runs a simulated hour in milliseconds.
 *
 * <p>Implementations must be thread-safe: {@link #execute} and {@link #schedule} are called from workers.
 */
public interface RuntimeScheduler {
    /** @return the clock all runtime time comes from */
    Clock clock();

    /**
     * Runs {@code task} on the event loop, after the tasks submitted before it; tasks never run concurrently.
     *
     * @param task the task
     */
    void execute(Runnable task);

    /**
     * Runs {@code task} on the event loop at {@code at} (at once if that has passed).
     *
     * @param at when
     * @param task the task
     * @return a handle to cancel it
     */
    Cancellable schedule(Instant at, Runnable task);

    /**
     * Runs {@code task} on the event loop after {@code delay}, measured on {@link #ticker()}: the runtime's call
     * deadlines use it, so that a step of the wall clock stretches or cuts none of them. The default goes
     * through {@link #schedule}, which is right for a scheduler on virtual time.
     *
     * @param delay how long from now
     * @param task the task
     * @return a handle to cancel it
     */
    default Cancellable scheduleAfter(Duration delay, Runnable task) {
        return schedule(clock().instant().plus(delay), task);
    }

    /**
     * The monotonic time the runtime measures call deadlines and durations on, in nanoseconds (only differences
     * mean anything). The default reads {@link #clock()}, which is right for a scheduler on virtual time; a
     * scheduler on real time must return {@link System#nanoTime()}, which no step of the wall clock moves.
     *
     * @return the ticker
     */
    default LongSupplier ticker() {
        Clock c = clock();
        return () -> {
            Instant t = c.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        };
    }

    /**
     * Runs a blocking call off the event loop.
     *
     * @param call the call; it reports back through {@link #execute}
     */
    void executeBlocking(Runnable call);

    /** Stops the loop and the workers; pending tasks are dropped and running calls interrupted. */
    void shutdown();
}
