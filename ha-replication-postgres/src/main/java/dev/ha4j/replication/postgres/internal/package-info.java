/**
 * Internals of the PostgreSQL replicator (deadline-bound JDBC calls, PostgreSQL's tools as argument lists, file
 * edits in a data directory); no compatibility promise.
 */
package dev.ha4j.replication.postgres.internal;
