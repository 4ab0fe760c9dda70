package dev.ha4j.core;

/**
 * A fencing epoch: the generation number of the coordinator's lease. Each new lease carries an epoch greater
 * than every epoch before it; every command that acts on the active node carries the epoch it was decided
 * under, and an SPI that can check epochs refuses a smaller one than it has seen.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the epoch number, zero meaning "no lease yet"
 */
public record Epoch(long value) implements Comparable<Epoch> {
    /** The epoch before any lease was granted. */
    public static final Epoch NONE = new Epoch(0);

    /**
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Epoch {
        if (value < 0) {
            throw new IllegalArgumentException("epoch " + value + " is negative");
        }
    }

    /**
     * @param value the epoch number
     * @return the epoch
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Epoch of(long value) {
        return new Epoch(value);
    }

    /** @return the next epoch */
    public Epoch next() {
        return new Epoch(Math.addExact(value, 1));
    }

    /**
     * @param other another epoch
     * @return whether this epoch is strictly newer
     */
    public boolean isAfter(Epoch other) {
        return value > other.value;
    }

    @Override
    public int compareTo(Epoch o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return "e" + value;
    }
}
