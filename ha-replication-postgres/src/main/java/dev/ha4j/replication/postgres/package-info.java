/**
 * A {@link dev.ha4j.core.spi.Replicator} over PostgreSQL streaming replication:
 * {@link dev.ha4j.replication.postgres.PostgresReplicator} observes every node through JDBC, promotes a standby
 * only when it holds every acknowledged commit (synchronous mode) or is within a maximum lag (asynchronous
 * mode), records the lease's epoch in the promoted database and refuses an older one, and demotes an old
 * primary into a standby of the new one with {@code pg_ctl} and {@code pg_rewind}.
 */
package dev.ha4j.replication.postgres;
