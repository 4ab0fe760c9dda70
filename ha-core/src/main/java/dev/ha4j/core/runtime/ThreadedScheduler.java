package dev.ha4j.core.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link RuntimeScheduler}: one daemon thread for the event loop and its timers, and a cached pool of
 * daemon worker threads for blocking SPI calls.
 *
 * <p>Thread-safe. Timers at an instant are turned into a delay against the injected clock when scheduled and
 * then run on {@link System#nanoTime()}, so a step of the clock afterwards moves none of them; call deadlines
 * ({@link #scheduleAfter}) and durations ({@link #ticker()}) never read the clock at all.
 */
public final class ThreadedScheduler implements RuntimeScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedScheduler.class);
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final ExecutorService workers;

    /**
     * @param clock the clock
     * @param name a name for the threads
     * @throws NullPointerException if an argument is null
     */
    public ThreadedScheduler(Clock clock, String name) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(name, "name");
        this.loop = Executors.newSingleThreadScheduledExecutor(factory(name + "-loop"));
        this.workers = Executors.newCachedThreadPool(factory(name + "-worker"));
    }

    /** @return a scheduler on the system clock */
    public static ThreadedScheduler systemDefault() {
        return new ThreadedScheduler(Clock.systemUTC(), "ha4j");
    }

    private static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void execute(Runnable task) {
        try {
            loop.execute(guard(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop is shut down; dropping a task");
        }
    }

    @Override
    public Cancellable schedule(Instant at, Runnable task) {
        long delayNanos = Math.max(0, Duration.between(clock.instant(), at).toNanos());
        try {
            ScheduledFuture<?> f = loop.schedule(guard(task), delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    /** Straight onto the loop's own timer, which runs on {@link System#nanoTime()}: no wall clock involved. */
    @Override
    public Cancellable scheduleAfter(Duration delay, Runnable task) {
        try {
            // a delay past Long.MAX_VALUE nanoseconds (about 292 years) must not throw on the loop: saturate it
            long nanos = delay.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : delay.toNanos();
            ScheduledFuture<?> f = loop.schedule(guard(task), Math.max(0, nanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    /** @return {@link System#nanoTime()}: real time that no step of the wall clock moves */
    @Override
    public LongSupplier ticker() {
        return System::nanoTime;
    }

    @Override
    public void executeBlocking(Runnable call) {
        try {
            workers.execute(guard(call));
        } catch (RejectedExecutionException e) {
            LOG.debug("workers are shut down; dropping a call");
        }
    }

    private static Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOG.error("task failed", e);
            }
        };
    }

    @Override
    public void shutdown() {
        loop.shutdownNow();
        workers.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
