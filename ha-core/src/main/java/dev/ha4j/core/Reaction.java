package dev.ha4j.core;

/** What the engine does about a confirmed failure; the policy's failure table maps each kind to one. */
public enum Reaction {
    /** Nothing: the cause is outside the service and a standby would not help. Recorded, not acted on. */
    IGNORE,
    /** Restart on the active node (graceful stop, kill, confirm, start), escalating to failover after N in W. */
    RESTART,
    /** Fail over to a standby; the old active is stopped and confirmed, or fenced. */
    FAILOVER,
    /** Fence the old active first (its state cannot be known), then fail over. */
    FENCE_AND_FAILOVER,
    /** Stop acting and wait for an operator: the failure would repeat on any node. */
    BLOCK
}
