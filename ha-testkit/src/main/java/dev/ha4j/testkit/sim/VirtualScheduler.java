package dev.ha4j.testkit.sim;

import dev.ha4j.core.runtime.Cancellable;
import dev.ha4j.core.runtime.RuntimeScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link RuntimeScheduler} on virtual time: the real {@link dev.ha4j.core.runtime.HaRuntime} runs on it
 * without threads, so a simulated hour takes milliseconds and every run is a pure function of its inputs.
 * Nothing runs until the owner drives it with {@link #runUntil(Instant)}, {@link #runFor(Duration)} or
 * {@link #runNext()}; tasks then run one at a time in (time, submission) order and the clock jumps from one
 * to the next.
 *
 * <p>Blocking calls ({@link #executeBlocking}) run as tasks at the current instant. A simulated SPI models
 * how long its call takes with {@link #sleep(Duration)}: inside a blocking call the clock reads the call's
 * start plus the time slept so far, and whatever the call hands to {@link #execute} (the runtime's way of
 * reporting a result) is delivered at that later instant. Deadlines of the runtime's watchdogs are ordinary
 * scheduled tasks.
 *
 * <p>Thread-safe in the sense that every method is synchronized, but meant to be driven from one thread;
 * tasks run on the driving thread.
 */
public final class VirtualScheduler implements RuntimeScheduler {
    private final Instant start;
    private final EventQueue queue = new EventQueue();
    private final Clock clock = new VirtualClock();
    private long now;
    private long blockingElapsed = -1;
    private boolean shutdown;
    private long tasksRun;

    /**
     * @param start the instant virtual time starts at
     * @throws NullPointerException if {@code start} is null
     */
    public VirtualScheduler(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    /** A task that can be cancelled before it runs. */
    private static final class Task implements Cancellable {
        final Runnable body;
        final boolean blocking;
        volatile boolean cancelled;

        Task(Runnable body, boolean blocking) {
            this.body = body;
            this.blocking = blocking;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** @return the current virtual instant (inside a blocking call: its start plus the time slept) */
    public synchronized Instant now() {
        return start.plusMillis(nowMillis());
    }

    synchronized long nowMillis() {
        return blockingElapsed >= 0 ? now + blockingElapsed : now;
    }

    /** @return how many tasks have run */
    public synchronized long tasksRun() {
        return tasksRun;
    }

    @Override
    public synchronized void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!shutdown) {
            queue.add(nowMillis(), 0, new Task(task, false));
        }
    }

    @Override
    public synchronized Cancellable schedule(Instant at, Runnable task) {
        Objects.requireNonNull(at, "at");
        Task t = new Task(Objects.requireNonNull(task, "task"), false);
        if (!shutdown) {
            queue.add(Math.max(nowMillis(), Duration.between(start, at).toMillis()), 0, t);
        }
        return t;
    }

    @Override
    public synchronized void executeBlocking(Runnable call) {
        Objects.requireNonNull(call, "call");
        if (!shutdown) {
            queue.add(nowMillis(), 0, new Task(call, true));
        }
    }

    /**
     * Models the duration of the blocking call in progress.
     *
     * @param d how long the call takes beyond what it has taken so far
     * @throws IllegalStateException if no blocking call is in progress
     */
    public synchronized void sleep(Duration d) {
        if (blockingElapsed < 0) {
            throw new IllegalStateException("sleep outside a blocking call: the event loop must never block");
        }
        blockingElapsed += Math.max(0, d.toMillis());
    }

    /** Drops every pending task; later submissions are ignored. */
    @Override
    public synchronized void shutdown() {
        shutdown = true;
        while (queue.size() > 0) {
            queue.poll();
        }
    }

    /**
     * Runs the next task, moving the clock to its instant.
     *
     * @return false when nothing is pending
     */
    public synchronized boolean runNext() {
        while (queue.size() > 0) {
            queue.poll();
            Task t = (Task) queue.headPayload;
            now = Math.max(now, queue.headTime);
            if (t.cancelled) {
                continue;
            }
            tasksRun++;
            if (t.blocking) {
                blockingElapsed = 0;
                try {
                    t.body.run();
                } finally {
                    blockingElapsed = -1;
                }
            } else {
                t.body.run();
            }
            return true;
        }
        return false;
    }

    /**
     * Runs every task due up to {@code until}; the clock ends at {@code until}.
     *
     * @param until the instant to run to
     */
    public synchronized void runUntil(Instant until) {
        long end = Duration.between(start, until).toMillis();
        while (queue.size() > 0 && queue.peekTime() <= end) {
            runNext();
        }
        now = Math.max(now, end);
    }

    /** @param d how long to run @see #runUntil(Instant) */
    public synchronized void runFor(Duration d) {
        runUntil(now().plus(d));
    }

    /** @return the instant of the next pending task, or null */
    public synchronized Instant nextAt() {
        return queue.size() == 0 ? null : start.plusMillis(queue.peekTime());
    }

    private final class VirtualClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(instant(), zone);
        }

        @Override
        public Instant instant() {
            return now();
        }

        @Override
        public long millis() {
            return Duration.between(Instant.EPOCH, now()).toMillis();
        }
    }
}
