package dev.ha4j.core;

/** Whether a service process runs on a node, as a {@link dev.ha4j.core.spi.ServiceControl} observed it. */
public enum RunState {
    /** The service process runs. */
    RUNNING,
    /** The service process is confirmed gone (not merely signalled: zombies count as gone only once reaped). */
    STOPPED,
    /** It could not be told: the node did not answer, or the deadline passed. */
    UNKNOWN
}
