package dev.ha4j.core.engine;

/** What the engine knows of one node. */
public enum NodeRole {
    /** Not known yet, or no longer known. */
    UNKNOWN,
    /** Runs (or is being brought up to run) the service. */
    ACTIVE,
    /** Ready to take over. */
    STANDBY,
    /** The service was confirmed stopped there. */
    STOPPED,
    /** Fenced and verified off. */
    FENCED
}
