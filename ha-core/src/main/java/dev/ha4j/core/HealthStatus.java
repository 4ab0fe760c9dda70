package dev.ha4j.core;

/**
 * What a health probe saw of the service. Only {@link #FAILED} and {@link #UNREACHABLE} are failures; the
 * others are states the engine treats by the policy's rules (start-up grace, maintenance limit).
 */
public enum HealthStatus {
    /** The service reports that it is running (Atlassian {@code RUNNING}, Actuator {@code UP}). */
    HEALTHY,
    /** The service is starting; not a failure until the start-up grace runs out. */
    STARTING,
    /** The service is shutting down. */
    STOPPING,
    /** The service is in maintenance (for example a backup); no action until the maintenance limit. */
    MAINTENANCE,
    /** The service runs but waits for its first-run setup; healthy as far as failover is concerned. */
    FIRST_RUN,
    /** The service answered, or was found, in a failed state; {@link ProbeResult#failure()} says which. */
    FAILED,
    /** The node or the network path to it did not answer; {@link ProbeResult#failure()} says which. */
    UNREACHABLE
}
