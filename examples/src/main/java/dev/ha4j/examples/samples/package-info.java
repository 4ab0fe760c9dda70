/**
 * One small sample implementation per SPI, each the simplest honest version of its contract, to read and
 * copy. Each is tested against the real thing it talks to on this machine (the file system, a process, a TCP
 * peer, an HTTP server) and runs its compatibility kit where the testkit has one.
 *
 * <ul>
 *   <li>{@link dev.ha4j.examples.samples.LinePingProbe} ({@code HealthProbe}): a text-protocol ping such as
 *       Redis' {@code PING}/{@code +PONG}, with the whole exchange inside the deadline.</li>
 *   <li>{@link dev.ha4j.examples.samples.FenceAgentFencer} ({@code Fencer}): runs a fence agent with the
 *       fence-agents stdin protocol and reads the power state back; never trusts the exit code of "off"
 *       alone.</li>
 *   <li>{@link dev.ha4j.examples.samples.SymlinkRouter} ({@code RequestRouter}): points a symbolic link (an
 *       upstream include of a reverse proxy) at the active node, atomically, refusing stale epochs.</li>
 *   <li>{@link dev.ha4j.examples.samples.RoleFileReplicator} ({@code Replicator}): for data something else
 *       copies; flips which side may write, refuses stale epochs, promotes an outdated replica only by force.</li>
 *   <li>{@link dev.ha4j.examples.samples.FileLeaseCoordinator} ({@code Coordinator}): a lease with a persisted,
 *       strictly increasing epoch in a locked file, for managers on one host.</li>
 *   <li>{@link dev.ha4j.examples.samples.WebhookNotifier} ({@code Notifier}): posts each notification as JSON,
 *       without ever blocking the runtime.</li>
 *   <li>{@link dev.ha4j.examples.samples.MirroredJournal} ({@code Journal}): writes every entry to two journals
 *       (say, two disks) and recovers from the first that can be read.</li>
 * </ul>
 *
 * <p>For {@code ServiceControl}, ha-core's {@code ProcessServiceControl} is the reference and
 * {@link dev.ha4j.examples.demo.PoweredNodes} a sample that wraps it (a power switch and a network cable in front
 * of the real processes); both run their kit.
 */
package dev.ha4j.examples.samples;
