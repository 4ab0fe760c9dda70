package dev.ha4j.core.builtin;

import java.time.Duration;
import java.util.Objects;

/**
 * The built-ins' deadline rules in one place: deadlines are {@link System#nanoTime()} values (monotonic, so a
 * step of the wall clock moves none of them), and a timeout too large to add is clamped instead of throwing
 * {@link ArithmeticException}.
 *
 * <p>Stateless and thread-safe.
 */
final class Deadlines {
    /** The longest budget a deadline is given: about 73 years, far enough from overflow for any arithmetic. */
    static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Deadlines() {
    }

    /**
     * @param timeout a timeout
     * @return its nanoseconds, at most {@link #MAX_NANOS}
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    static long clampedNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " is negative");
        }
        if (timeout.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
            return MAX_NANOS;
        }
        return Math.min(MAX_NANOS, timeout.toNanos());
    }

    /**
     * @param timeout a timeout
     * @return the deadline {@code timeout} from now, as a {@link System#nanoTime()} value
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    static long after(Duration timeout) {
        return System.nanoTime() + clampedNanos(timeout);
    }

    /**
     * @param deadline a {@link System#nanoTime()} deadline
     * @return the nanoseconds left, never negative
     */
    static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
