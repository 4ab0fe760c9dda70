/**
 * Simple built-in SPI implementations that need nothing beyond the JDK: {@link
 * dev.ha4j.core.builtin.ProcessServiceControl} (the service as a child process, with process-tree kill and
 * zombie-aware confirmation), {@link dev.ha4j.core.builtin.TcpConnectProbe} and {@link
 * dev.ha4j.core.builtin.CommandProbe} (OCF exit codes) as health probes, {@link
 * dev.ha4j.core.builtin.InMemoryCoordinator} for one JVM, and {@link dev.ha4j.core.builtin.LoggingNotifier}.
 * {@link dev.ha4j.core.builtin.CommandSpec} describes an external command for the first two. Two composites
 * make the failover plan's "all or none" rules first-class: {@link dev.ha4j.core.builtin.ReplicaSet} promotes
 * every replicator of a data set or none, and {@link dev.ha4j.core.builtin.FencingLevel} is a fencing level
 * that succeeds only when every one of its devices reads back off.
 *
 * <p>All of them are thread-safe, honour deadlines, return expected failures as results, and pass the
 * compatibility kits of {@code ha-testkit}.
 */
package dev.ha4j.core.builtin;
