package dev.ha4j.router.vip.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs announcements (gratuitous ARP, unsolicited NA) in the background, so that a claim never waits for them:
 * at most {@code max} at once on daemon threads that end when idle, a short bounded queue behind them, and each
 * new claim cancels what is left of the previous one's (an announcement from a node that no longer holds the
 * address would send clients back to it). {@link #close()} interrupts what runs (the command runner then kills
 * its process) and waits for the threads to end.
 *
 * <p>Thread-safe.
 */
public final class Announcer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
    private final ThreadPoolExecutor pool;
    private final DaemonThreads threads;
    private final List<Future<?>> pending = new ArrayList<>();
    private boolean closed;

    /**
     * @param max how many announcements may run at once
     * @param name a name for the threads
     */
    public Announcer(int max, String name) {
        this.threads = new DaemonThreads(name);
        this.pool = new ThreadPoolExecutor(max, max, 5, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(2, max)),
                threads);
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Cancels the announcements still queued or running, then queues {@code task}.
     *
     * @param task the announcement
     * @return whether it was queued (false once closed, or if the queue is full of announcements that ignore
     *     their interrupt)
     */
    public synchronized boolean replaceWith(Runnable task) {
        cancelAllLocked();
        if (closed) {
            return false;
        }
        try {
            pending.add(pool.submit(task));
            return true;
        } catch (RejectedExecutionException e) {
            LOG.warn("announcement not queued: {} still running or queued", pool.getActiveCount() + pool.getQueue().size());
            return false;
        }
    }

    /** Cancels (interrupts) every queued or running announcement. */
    public synchronized void cancelAll() {
        cancelAllLocked();
    }

    private void cancelAllLocked() {
        for (Future<?> f : pending) {
            f.cancel(true);
        }
        pending.clear();
        pool.purge();
    }

    /** @return how many announcements are queued or running now */
    public synchronized int pending() {
        pending.removeIf(Future::isDone);
        return pending.size();
    }

    /** @return how many announcement threads are alive now */
    public int threads() {
        return threads.alive();
    }

    /** Stops every announcement and waits up to 5 s for the threads to end. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cancelAllLocked();
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS) || !threads.joinAll(TimeUnit.SECONDS.toNanos(2))) {
                LOG.warn("announcement threads still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
