/**
 * Test support every ha4j module's tests share, with no dependency beyond JUnit's API:
 * {@link dev.ha4j.testkit.peers.Prerequisites}, the one rule for tests against real peers (skip locally, fail in
 * CI), and {@link dev.ha4j.testkit.peers.LoopbackPeers}, sockets on loopback that refuse, accept or never
 * answer. ha-core's tests use it directly; {@code dev.ha4j.testkit.Prerequisites} in ha-testkit delegates to it.
 */
package dev.ha4j.testkit.peers;
