package dev.ha4j.fencing.ipmi.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A point in time on a monotonic nanosecond ticker ({@link System#nanoTime()} unless a test injects another),
 * so that a step of the wall clock moves no deadline. Timeouts too large to add are clamped to
 * {@link #MAX_NANOS} instead of overflowing. Immutable and thread-safe.
 *
 * @param ticker the ticker, read for "now"
 * @param atNanos the deadline, a value of {@code ticker}
 */
public record Deadline(LongSupplier ticker, long atNanos) {
    /** The longest budget a deadline is given: about 73 years, far from overflow in any arithmetic here. */
    public static final long MAX_NANOS = Long.MAX_VALUE / 4;

    /**
     * Checks the ticker.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Deadline {
        Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Creates the deadline {@code d} from now.
     *
     * @param ticker the ticker
     * @param d from now; negative counts as zero, huge is clamped
     * @return the deadline
     */
    public static Deadline after(LongSupplier ticker, Duration d) {
        return new Deadline(ticker, ticker.getAsLong() + nanos(d));
    }

    /**
     * Kept for {@code dev.ha4j.fencing.ipmi.testing.IpmiSimulator}, which is being moved to its own artifact:
     * the deadline {@code d} from now on {@link System#nanoTime()}. The clock is not read; no deadline follows
     * the wall clock any more.
     *
     * @param clock ignored
     * @param d from now; negative counts as zero, huge is clamped
     * @return the deadline
     * @deprecated use {@link #after(LongSupplier, Duration)}
     */
    @Deprecated(forRemoval = true)
    public static Deadline after(java.time.Clock clock, Duration d) {
        return after(System::nanoTime, d);
    }

    /**
     * Converts a duration to nanoseconds for deadline arithmetic.
     *
     * @param d a duration
     * @return its nanoseconds, 0 if negative, at most {@link #MAX_NANOS}
     */
    public static long nanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
            return MAX_NANOS;
        }
        return Math.min(MAX_NANOS, d.toNanos());
    }

    /**
     * Tells how long is left, in nanoseconds.
     *
     * @return the nanoseconds left, zero once passed
     */
    public long remainingNanos() {
        return Math.max(0, atNanos - ticker.getAsLong());
    }

    /**
     * Tells how long is left.
     *
     * @return the time left, zero once passed
     */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /**
     * Tells whether the deadline has passed.
     *
     * @return whether it has
     */
    public boolean expired() {
        return atNanos - ticker.getAsLong() <= 0;
    }

    /**
     * Gives the earlier of this deadline and one {@code d} from now.
     *
     * @param d a duration
     * @return the earlier deadline
     */
    public Deadline atMost(Duration d) {
        long other = ticker.getAsLong() + nanos(d);
        return other - atNanos < 0 ? new Deadline(ticker, other) : this;
    }

    /**
     * Gives a deadline {@code d} before this one (but not before now), to keep a reserve inside a budget.
     *
     * @param d the reserve
     * @return the earlier deadline
     */
    public Deadline minus(Duration d) {
        long now = ticker.getAsLong();
        long earlier = atNanos - nanos(d);
        return new Deadline(ticker, earlier - now < 0 ? Math.min(now, atNanos) : earlier);
    }
}
