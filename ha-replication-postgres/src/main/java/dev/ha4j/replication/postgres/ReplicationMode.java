package dev.ha4j.replication.postgres;

/**
 * How the primary acknowledges commits, and therefore when a standby counts as up to date.
 *
 * <p>Immutable and thread-safe.
 */
public enum ReplicationMode {
    /**
     * The primary names the standby in {@code synchronous_standby_names} and acknowledges a commit only once the
     * standby has flushed it: a standby that was the synchronous one holds every acknowledged commit, whatever
     * its replay lag, even after the primary is gone. Writes stop while the standby is away.
     */
    SYNCHRONOUS,
    /**
     * The primary acknowledges commits without waiting: a standby counts as up to date while it streams and its
     * replay lag is within the configured maximum; a failover may lose up to that much.
     */
    ASYNCHRONOUS
}
