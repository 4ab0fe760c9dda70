/**
 * A {@link dev.ha4j.core.spi.RequestRouter} that moves a virtual IP between nodes with {@code ip(8)}, checks
 * first that no other host answers for it ({@code arping -D} or {@code ndisc6}), and announces it with
 * gratuitous ARP or unsolicited neighbour advertisements in the background: {@link dev.ha4j.router.vip.VipRouter},
 * configured by {@link dev.ha4j.router.vip.VipRouterConfig}. Commands reach each node through a
 * {@link dev.ha4j.router.vip.CommandRunner}: locally, in a network namespace, over SSH or through a user's agent.
 */
package dev.ha4j.router.vip;
