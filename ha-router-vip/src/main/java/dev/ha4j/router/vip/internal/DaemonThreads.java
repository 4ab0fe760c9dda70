package dev.ha4j.router.vip.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread factory for the router's pools that remembers its threads, so that {@code close()} can wait until they
 * have really ended: an executor reports itself terminated a moment before its last worker thread is gone.
 *
 * <p>Thread-safe.
 */
public final class DaemonThreads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

    /**
     * @param name the prefix of the thread names
     */
    public DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, name + "-" + count.incrementAndGet());
        t.setDaemon(true);
        threads.removeIf(x -> !x.isAlive() && x.getState() == Thread.State.TERMINATED);
        threads.add(t);
        return t;
    }

    /**
     * Waits until every thread made here has ended, at most {@code timeoutNanos} in all.
     *
     * @param timeoutNanos the longest wait
     * @return whether all have ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean joinAll(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        threads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
        return threads.isEmpty();
    }

    /** @return how many of its threads are alive now */
    public int alive() {
        int n = 0;
        for (Thread t : threads) {
            if (t.isAlive()) {
                n++;
            }
        }
        return n;
    }
}
