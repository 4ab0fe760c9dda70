package dev.ha4j.probe.http.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon timer thread for the deadlines of all probes in the JVM, so that a probe never needs a thread of
 * its own while it waits. Cancelled deadlines are removed at once (most probes finish long before their
 * deadline), so the queue holds only the probes in flight.
 *
 * <p>Thread-safe. Timer tasks must be short: they only hand work to an executor.
 */
public final class DeadlineTimer {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private DeadlineTimer() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "ha4j-http-probe-deadlines");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return t;
    }

    /**
     * @param task what to run at the deadline
     * @param delay how long from now
     * @return the handle to cancel it
     */
    public static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(task, saturatedNanos(delay), TimeUnit.NANOSECONDS);
    }

    /** @return how many deadlines are pending (for tests and the benchmark) */
    public static int pending() {
        return TIMER.getQueue().size();
    }

    /**
     * @param d a duration
     * @return its nanoseconds, saturated at {@code Long.MAX_VALUE / 4} so that additions cannot overflow
     */
    public static long saturatedNanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
