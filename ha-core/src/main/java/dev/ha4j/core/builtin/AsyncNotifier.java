package dev.ha4j.core.builtin;

import dev.ha4j.core.Notification;
import dev.ha4j.core.spi.Notifier;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications to a slow or blocking {@link Notifier} (a pager, a chat webhook, a ticket queue) on a
 * thread of its own, in order, through a bounded queue: a notifier that hangs never holds one of the runtime's
 * workers, and never more than {@code capacity} notifications wait. When the queue is full the newest
 * notification is dropped and counted, with a warning naming the notifier, rather than blocking the caller.
 *
 * <pre>{@code
 * HaRuntime.builder()...
 *         .notifier(AsyncNotifier.builder().name("pager").notifier(n -> pager.send(n.toString())).build())
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the thread after the notifications already queued, waiting at most a
 * second for them.
 */
public final class AsyncNotifier implements Notifier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncNotifier.class);

    private final String name;
    private final Notifier delegate;
    private final BlockingQueue<Object> queue;
    private final int capacity;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private AsyncNotifier(Builder b) {
        this.name = b.name;
        this.delegate = b.delegate;
        this.capacity = b.capacity;
        this.queue = new ArrayBlockingQueue<>(b.capacity + 1);
        this.thread = new Thread(this::drain, "ha4j-notifier-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void notify(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        if (closed || queue.size() >= capacity || !queue.offer(notification)) {
            long n = dropped.incrementAndGet();
            LOG.warn("notifier {}: dropped a {} notification ({} dropped so far): {}", name, notification.kind(), n,
                    closed ? "closed" : "its queue is full");
        }
    }

    /** @return how many notifications were dropped because the queue was full or the notifier closed */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        while (true) {
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (next == Closing.INSTANCE) {
                return;
            }
            try {
                delegate.notify((Notification) next);
            } catch (Throwable t) {
                LOG.warn("notifier {} failed: {}", name, t.toString());
            }
        }
    }

    private enum Closing { INSTANCE }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // The queue has one place more than its capacity, kept for this marker.
        queue.offer(Closing.INSTANCE);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    @Override
    public String toString() {
        return "AsyncNotifier{" + name + ", queued " + queue.size() + ", dropped " + dropped.get() + "}";
    }

    /** Builds an {@link AsyncNotifier}. Not thread-safe. */
    public static final class Builder {
        private String name = "async";
        private Notifier delegate;
        private int capacity = 1_000;

        private Builder() {
        }

        /**
         * Sets the notifier that does the slow work.
         *
         * @param notifier the notifier
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            this.delegate = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /**
         * Sets the name used in the thread's name and in log lines.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets how many notifications may wait; default 1,000.
         *
         * @param capacity 1 to 1,000,000
         * @return this builder
         */
        public Builder capacity(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("capacity " + capacity + " must be between 1 and 1000000");
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Starts the notifier's thread.
         *
         * @return the notifier
         * @throws IllegalStateException if no notifier was given
         */
        public AsyncNotifier build() {
            if (delegate == null) {
                throw new IllegalStateException("notifier is missing: what should the notifications be handed to?");
            }
            return new AsyncNotifier(this);
        }
    }
}
