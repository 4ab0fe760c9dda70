/**
 * Test support for {@code ha-replication-drbd}: {@link dev.ha4j.testkit.drbd.DrbdStandIn}, a scripted stand-in
 * {@code drbdadm}/{@code drbdsetup} that keeps the state of a two-node resource in files and answers as DRBD 9
 * does, for machines without the DRBD kernel module. Test scope only; never in a production jar.
 */
package dev.ha4j.testkit.drbd;
