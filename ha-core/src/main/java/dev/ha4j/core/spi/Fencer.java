package dev.ha4j.core.spi;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import java.time.Duration;

/**
 * Node fencing (STONITH): powers a node off and reads back that it is off.
 *
 * <p>Implementations must be thread-safe, honour every deadline, return expected failures (device
 * unreachable, wrong credentials, verification timed out) as results, be idempotent (off on a node that is
 * off succeeds) and never report success without reading the state back. {@code toString()} must not reveal
 * credentials.
 */
public interface Fencer {
    /**
     * Performs a fencing action and verifies it.
     *
     * @param node the node to fence
     * @param action off, on or reboot
     * @param timeout the deadline for the whole action including verification
     * @return the result; for OFF, success means the device read back OFF
     */
    FenceResult fence(NodeId node, FenceAction action, Duration timeout);

    /**
     * Reads the node's power state.
     *
     * @param node the node
     * @param timeout the deadline
     * @return ON, OFF or UNKNOWN
     */
    PowerState status(NodeId node, Duration timeout);

    /**
     * The nodes this instance can act on, when it knows them (a probe, control or fencer configured per node);
     * empty when it serves any node. {@code HaRuntime.Builder#build()} refuses a runtime whose cluster has a
     * node that a configured instance does not cover, naming the node, instead of blocking at start.
     *
     * @return the nodes covered, or empty for any
     */
    default java.util.Optional<java.util.Set<dev.ha4j.core.NodeId>> coveredNodes() {
        return java.util.Optional.empty();
    }
}
