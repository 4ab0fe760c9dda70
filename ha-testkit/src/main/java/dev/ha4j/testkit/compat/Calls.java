package dev.ha4j.testkit.compat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Timing, interruption and secret checks shared by the compatibility kits. Not part of the kits' API.
 *
 * <p>Stateless and thread-safe.
 */
final class Calls {
    private Calls() {
    }

    /** A value and how long it took to get it, measured with {@link System#nanoTime()}. */
    record Timed<T>(T value, Duration elapsed) {
    }

    /**
     * What happened to a call whose thread was interrupted.
     *
     * @param value the result, null only if the call threw or never returned
     * @param failure what the call threw, if it threw
     * @param returned whether it returned before the wait ran out
     * @param afterInterrupt how long after the interrupt it returned (zero if it returned before)
     * @param interruptedBeforeReturn whether the interrupt reached the thread before the call returned
     * @param flagKept whether the thread's interrupt status was still set when the call returned
     */
    record Interrupted<T>(T value, Throwable failure, boolean returned, Duration afterInterrupt,
            boolean interruptedBeforeReturn, boolean flagKept) {
    }

    /**
     * Runs {@code call} on the current thread, timing it; an exception from it fails the test, since expected
     * failures must be results.
     */
    static <T> Timed<T> timed(String what, Callable<T> call) {
        long t0 = System.nanoTime();
        T value;
        try {
            value = call.call();
        } catch (Exception | Error e) {
            throw new AssertionError(what + " threw " + e + "; expected failures must be returned as results", e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        if (value == null) {
            fail(what + " returned null");
        }
        return new Timed<>(value, elapsed);
    }

    /** Fails unless {@code elapsed <= limit + slack}. */
    static void assertWithin(String what, Duration elapsed, Duration limit, Duration slack) {
        Duration max = limit.plus(slack);
        assertTrue(elapsed.compareTo(max) <= 0,
                () -> what + " took " + elapsed.toMillis() + " ms, more than its deadline " + limit.toMillis()
                        + " ms + slack " + slack.toMillis() + " ms");
    }

    /** Fails if any non-empty secret occurs in {@code text}. */
    static void assertNoSecret(Set<String> secrets, String what, Object text) {
        String s = String.valueOf(text);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                assertFalse(s.contains(secret), () -> what + " reveals a secret (" + secret.length()
                        + " characters, not repeated here)");
            }
        }
    }

    /**
     * Calls {@code call} on a fresh thread whose interrupt status is already set, so that the first blocking
     * step sees the interrupt. Returns within {@code maxWait} or reports that the call did not return.
     */
    static <T> Interrupted<T> preInterrupted(String what, Callable<T> call, Duration maxWait) {
        return run(what, call, null, maxWait);
    }

    /**
     * Calls {@code call} on a fresh thread and interrupts that thread after {@code delay}; waits at most
     * {@code maxWait} after the interrupt.
     */
    static <T> Interrupted<T> interruptedAfter(String what, Callable<T> call, Duration delay, Duration maxWait) {
        return run(what, call, delay, maxWait);
    }

    private static <T> Interrupted<T> run(String what, Callable<T> call, Duration delay, Duration maxWait) {
        AtomicReference<T> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] returnedAt = new long[1];
        boolean[] flag = new boolean[1];
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            if (delay == null) {
                Thread.currentThread().interrupt();
            }
            started.countDown();
            try {
                value.set(call.call());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                returnedAt[0] = System.nanoTime();
                flag[0] = Thread.currentThread().isInterrupted();
                done.countDown();
            }
        }, "ha4j-compat-" + what);
        t.setDaemon(true);
        t.start();
        long interruptAt;
        try {
            started.await();
            if (delay != null) {
                if (done.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                    interruptAt = Long.MAX_VALUE;
                } else {
                    interruptAt = System.nanoTime();
                    t.interrupt();
                }
            } else {
                interruptAt = Long.MIN_VALUE;
            }
            boolean returned = done.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            if (!returned) {
                return new Interrupted<>(null, null, false, maxWait, true, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("test thread interrupted", e);
        }
        boolean before;
        Duration after;
        if (interruptAt == Long.MIN_VALUE) {
            before = true;
            after = Duration.ZERO;
        } else if (interruptAt == Long.MAX_VALUE) {
            before = false;
            after = Duration.ZERO;
        } else {
            before = returnedAt[0] - interruptAt >= 0;
            after = Duration.ofNanos(Math.max(0, returnedAt[0] - interruptAt));
        }
        return new Interrupted<>(value.get(), failure.get(), true, after, before, flag[0]);
    }

    /**
     * Checks the common rules for an interrupted call: it returned within the wait, did not throw, did not
     * return null, and kept the interrupt status when the interrupt reached it before it returned.
     */
    static <T> T assertInterruptHandled(String what, Interrupted<T> r, Duration maxWait) {
        if (!r.returned()) {
            fail(what + " did not return within " + maxWait.toMillis() + " ms of being interrupted");
        }
        if (r.failure() != null) {
            throw new AssertionError(what + " threw " + r.failure() + " when interrupted; return a result and "
                    + "keep the interrupt status instead", r.failure());
        }
        if (r.value() == null) {
            fail(what + " returned null when interrupted");
        }
        if (r.interruptedBeforeReturn()) {
            assertTrue(r.flagKept(), () -> what + " swallowed the interrupt: restore it with "
                    + "Thread.currentThread().interrupt() after catching InterruptedException");
        }
        return r.value();
    }

    /** Closes {@code o} if it is {@link AutoCloseable}, ignoring what it throws. */
    static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: a failing close must not hide the test's own result
            }
        }
    }

    /** Polls {@code condition} until it holds or {@code max} passes; returns whether it held. */
    static boolean eventually(Duration max, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(condition.call())) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
    }
}
