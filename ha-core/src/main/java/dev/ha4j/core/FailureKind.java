package dev.ha4j.core;

/**
 * The kinds of failure a policy can tell apart; each maps to a {@link Reaction} in the policy's failure
 * table. The defaults follow the failure table of the design document ({@code docs/design.md} in the
 * repository).
 */
public enum FailureKind {
    /** The network path from the request router to the service is lost. Default: fail over. */
    ROUTER_PATH_LOST(Reaction.FAILOVER),
    /** The whole server is down or unreachable. Default: fence, then fail over. */
    NODE_UNREACHABLE(Reaction.FENCE_AND_FAILOVER),
    /** The service process is gone, or its port refuses connections while the host answers. Default: restart. */
    CRASHED(Reaction.RESTART),
    /** The service ran out of memory. Default: restart. */
    OUT_OF_MEMORY(Reaction.RESTART),
    /** The service accepted the probe but did not answer in time. Default: restart. */
    HUNG(Reaction.RESTART),
    /** The service reports an error state (Atlassian {@code ERROR}, Actuator {@code DOWN}). Default: restart. */
    ERROR(Reaction.RESTART),
    /** The answer could not be understood: garbage, oversized, a redirect or a TLS failure. Default: restart. */
    BAD_RESPONSE(Reaction.RESTART),
    /** The service lost its database connection; it recovers by itself. Default: nothing. */
    DATABASE_CONNECTION_LOST(Reaction.IGNORE),
    /** The database is reported down; a standby would fail too. Default: nothing. */
    DATABASE_DOWN(Reaction.IGNORE),
    /**
     * The service fails to start (wrong binary version, bad configuration, web application failed to
     * deploy); a standby would fail too. Default: block for manual intervention.
     */
    START_FAILED(Reaction.BLOCK),
    /** The service stayed in STARTING beyond the start-up grace. Default: restart. */
    START_TIMEOUT(Reaction.RESTART),
    /** The service stayed in MAINTENANCE beyond the policy's maximum. Default: restart. */
    MAINTENANCE_TOO_LONG(Reaction.RESTART);

    private final Reaction defaultReaction;

    FailureKind(Reaction defaultReaction) {
        this.defaultReaction = defaultReaction;
    }

    /**
     * Returns the reaction of the default failure table (the design document, {@code docs/design.md}).
     *
     * @return the default reaction to this kind of failure
     */
    public Reaction defaultReaction() {
        return defaultReaction;
    }
}
