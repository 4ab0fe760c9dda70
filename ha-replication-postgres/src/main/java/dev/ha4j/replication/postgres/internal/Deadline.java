package dev.ha4j.replication.postgres.internal;

import java.time.Duration;

/**
 * A point on the monotonic clock ({@link System#nanoTime()}) by which a call must be answered.
 *
 * <p>Immutable and thread-safe.
 */
public final class Deadline {
    private final long at;

    private Deadline(long at) {
        this.at = at;
    }

    /**
     * @param timeout how long from now
     * @return the deadline
     */
    public static Deadline in(Duration timeout) {
        long n = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        long now = System.nanoTime();
        return new Deadline(now + Math.min(n, Long.MAX_VALUE / 4));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** @return what is left, never negative */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, at - System.nanoTime()));
    }

    /** @return whether it has passed */
    public boolean passed() {
        return at - System.nanoTime() <= 0;
    }

    /**
     * @param fraction the share of what is left, between 0 and 1
     * @return a deadline that leaves the rest of this one for later steps
     */
    public Deadline share(double fraction) {
        return Deadline.in(Duration.ofNanos((long) (remaining().toNanos() * fraction)));
    }

    /** @return the whole seconds left, at least 1 (for tools and settings that count in seconds) */
    public int seconds() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining().toSeconds()));
    }
}
