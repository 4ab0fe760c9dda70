/**
 * Example: moving a virtual IP with {@link dev.ha4j.router.vip.VipRouter} between two nodes of a network-namespace
 * lab while a client in a third namespace keeps connecting to it. {@link dev.ha4j.examples.vip.VipMoveExample}
 * needs root and network namespaces and says so when it cannot run.
 */
package dev.ha4j.examples.vip;
