package dev.ha4j.core.runtime;

import java.time.Clock;
import java.time.Instant;

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
     * Runs a blocking call off the event loop.
     *
     * @param call the call; it reports back through {@link #execute}
     */
    void executeBlocking(Runnable call);

    /** Stops the loop and the workers; pending tasks are dropped and running calls interrupted. */
    void shutdown();
}
