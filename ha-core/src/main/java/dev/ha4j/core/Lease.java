package dev.ha4j.core;

import java.util.Objects;

/**
 * The coordinator's lease: which node holds the right to be active, and under which epoch.
 *
 * <p>Immutable and thread-safe.
 *
 * @param holder the node that holds it
 * @param epoch its epoch, greater than that of every lease granted before
 */
public record Lease(NodeId holder, Epoch epoch) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public Lease {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(epoch, "epoch");
    }

    @Override
    public String toString() {
        return holder + "@" + epoch;
    }
}
