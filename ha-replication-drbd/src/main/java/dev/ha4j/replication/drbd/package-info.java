/**
 * A {@link dev.ha4j.core.spi.Replicator} for DRBD 9 over {@code drbdadm}/{@code drbdsetup}
 * ({@link dev.ha4j.replication.drbd.DrbdReplicator}), its pure parsers ({@link
 * dev.ha4j.replication.drbd.Events2Parser}, {@link dev.ha4j.replication.drbd.StatusJsonParser}, and the
 * read-only 8.4 {@link dev.ha4j.replication.drbd.ProcDrbd}), the command runners it goes through (local, in a
 * namespace, over SSH), and {@link dev.ha4j.replication.drbd.FencePeerHandler}, the entry point for DRBD's
 * {@code fence-peer} handler.
 */
package dev.ha4j.replication.drbd;
