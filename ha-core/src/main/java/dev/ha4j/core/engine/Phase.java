package dev.ha4j.core.engine;

/** Where the cluster stands, as the engine sees it. */
public enum Phase {
    /** Observing the cluster before acting (after a start, a maintenance, a clear). */
    RECONCILING,
    /** Bringing the service up where none ran. */
    STARTING,
    /** Taking over a service found running. */
    ADOPTING,
    /** The service runs on the active node and is watched. */
    RUNNING,
    /** Restarting the service on the active node. */
    RESTARTING,
    /** Moving the service to a standby after a failure. */
    FAILING_OVER,
    /** Moving the service to a named node at an operator's request. */
    SWITCHING_OVER,
    /** Stopping the service because the lease was lost. */
    RELINQUISHING,
    /**
     * Making sure out a node that might run the service besides the active one (a start answered after its
     * plan was abandoned, a service seen on a standby); the active keeps running and is watched.
     */
    SECURING,
    /** Waiting for an operator; nothing is started, stopped or moved. */
    BLOCKED
}
