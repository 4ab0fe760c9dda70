package dev.ha4j.core.spi;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import java.time.Duration;
import java.util.Optional;

/**
 * Grants the single lease that makes a node the active one, with a fencing epoch that increases with every
 * grant and is never reused, even across coordinator restarts where the implementation persists it.
 *
 * <p>Implementations must be thread-safe, honour deadlines and return expected failures as results.
 * Listeners are called from the coordinator's own thread; they must not block.
 */
public interface Coordinator {
    /**
     * Acquires the lease for {@code node}, superseding a lease it already holds (with a new epoch).
     *
     * @param node the node to make the holder
     * @param timeout the deadline
     * @return granted with a new lease whose epoch exceeds every earlier one; or not granted, naming the holder
     */
    LeaseResult acquire(NodeId node, Duration timeout);

    /**
     * Releases the lease if {@code lease} is still the current one; a stale lease is ignored.
     *
     * @param lease the lease to release
     * @param timeout the deadline
     * @return OK when released or no longer held
     */
    OpResult release(Lease lease, Duration timeout);

    /**
     * @param timeout the deadline
     * @return the current lease, or empty when none is held or it cannot be told
     */
    Optional<Lease> current(Duration timeout);

    /**
     * Registers a listener told when a lease held through this coordinator is lost or expires.
     *
     * @param listener the listener
     */
    void addListener(LeaseListener listener);

    /** Told when a lease is lost. */
    @FunctionalInterface
    interface LeaseListener {
        /**
         * @param holder the node that held the lease
         * @param epoch the lease's epoch
         * @param reason why, for the timeline
         */
        void leaseLost(NodeId holder, Epoch epoch, String reason);
    }
}
