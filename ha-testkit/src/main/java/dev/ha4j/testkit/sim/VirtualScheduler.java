package dev.ha4j.testkit.sim;

import dev.ha4j.core.runtime.Cancellable;
import dev.ha4j.core.runtime.RuntimeScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.BooleanSupplier;

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
 * <p>A call that must wait for something in the simulated world (a stalled agent that answers only when the
 * stall ends) {@link #block blocks}: the scheduler runs the other tasks in their usual order meanwhile, the
 * clock moving with them, so the runtime's watchdog for that call fires, other calls run and events are
 * handled, and the call resumes when its condition holds. Calls blocked at once resume last-blocked-first;
 * each resumes at the instant its condition first holds or, when an inner one holds it up, later.
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

    /**
     * Blocks the blocking call in progress until {@code until} holds, running the other pending tasks (the
     * event loop, timers, watchdogs, other blocking calls, which may block in turn) in their usual order
     * meanwhile; the clock moves with them. Afterwards the call goes on at the current instant. The driving
     * thread's interrupt flag is cleared after every task run meanwhile (a runtime watchdog interrupts the
     * thread of the call it gives up on, which here is the driving thread) and set again on return if any
     * task set it, so that it reaches the blocked call and nothing else.
     *
     * @param until the condition to wait for; checked before every task
     * @param notAfter run no task later than this
     * @return true when {@code until} holds; false when nothing is pending, the next task is after
     *     {@code notAfter}, or the scheduler was shut down first
     * @throws IllegalStateException if no blocking call is in progress
     */
    public synchronized boolean block(BooleanSupplier until, Instant notAfter) {
        Objects.requireNonNull(until, "until");
        if (blockingElapsed < 0) {
            throw new IllegalStateException("block outside a blocking call: the event loop must never block");
        }
        long own = now + blockingElapsed;
        long limit = Duration.between(start, notAfter).toMillis();
        boolean interrupted = Thread.interrupted();
        try {
            while (!until.getAsBoolean()) {
                if (shutdown || queue.size() == 0 || queue.peekTime() > limit) {
                    return false;
                }
                runNext();
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            blockingElapsed = Math.max(0, own - now);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
            // Inside a blocked call (see block) the task runs with its own context, the blocked one's after it.
            long outer = blockingElapsed;
            blockingElapsed = t.blocking ? 0 : -1;
            try {
                t.body.run();
            } finally {
                blockingElapsed = outer;
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
