package dev.ha4j.core.spi;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.RunState;
import java.time.Duration;

/**
 * Starts and stops the service on a node: the repair-in-place path (graceful stop, kill, confirm, start).
 *
 * <p>Implementations must be thread-safe, honour every deadline, return expected failures as results, and be
 * idempotent: stopping a stopped service and starting a running one succeed.
 *
 * <p><b>Calls for one node take effect in the order they were made.</b> A {@code start} that is still being
 * carried out on the node when its caller gave up on it (its deadline passed, or the manager that made it died
 * and a new one took over) must either take effect before a later {@code stop}, {@code kill} or {@code state}
 * for that node, or never take effect at all: a {@code state} must not read STOPPED while an earlier start can
 * still launch the process afterwards. This is what systemd's job queue does per unit and what a local control
 * does by construction (a start dies with the process that makes it). A remote agent that runs calls in
 * parallel must queue them per node. The engine relies on it: it confirms a node stopped before it starts the
 * service elsewhere, and only fencing could make a node safe whose agent lets an old start land after that
 * confirmation.
 */
public interface ServiceControl {
    /**
     * Starts the service. Success means the process was launched, not that it is healthy: health is the
     * probe's business.
     *
     * @param node the node
     * @param epoch the epoch the start was decided under; a control that can check it refuses a stale one
     * @param timeout how long launching may take
     * @return OK when launched or already running; FAILED when it could not start (a start failure)
     */
    OpResult start(NodeId node, Epoch epoch, Duration timeout);

    /**
     * Asks the service to stop gracefully and waits up to {@code timeout} for it to be gone.
     *
     * @param node the node
     * @param timeout the graceful-stop timeout
     * @return OK when the process is gone; TIMED_OUT when it still runs at the deadline
     */
    OpResult stop(NodeId node, Duration timeout);

    /**
     * Kills the service and everything it started, without grace.
     *
     * @param node the node
     * @param timeout how long killing may take
     * @return OK when the kill was delivered or nothing ran
     */
    OpResult kill(NodeId node, Duration timeout);

    /**
     * Observes whether the service runs. A killed process that has not been reaped counts as STOPPED only
     * once it cannot run again (a zombie still answers {@code kill -0}).
     *
     * @param node the node
     * @param timeout how long observing may take
     * @return RUNNING, STOPPED or UNKNOWN
     */
    RunState state(NodeId node, Duration timeout);

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
