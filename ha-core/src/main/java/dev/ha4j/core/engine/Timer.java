package dev.ha4j.core.engine;

/** The timers the engine arms; the runtime fires them back as {@link Event.TimerFired}. */
public enum Timer {
    /** Time for the next health probe of the active node. */
    PROBE,
    /** A fencing delay has passed. */
    FENCE_DELAY,
    /** Operator maintenance reaches its end. */
    MAINTENANCE_END,
    /** Time to check the standbys: reachable, the service not running there, the replica usable. */
    STANDBY_CHECK
}
