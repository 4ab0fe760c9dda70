/**
 * Test support for end-to-end tests in Linux network namespaces: {@link dev.ha4j.testkit.netns.NetnsLab} builds
 * node namespaces and a client namespace on a bridge (nothing in the root namespace is touched), starts real HTTP
 * servers in the nodes and a polling HTTP client in the client namespace, and removes everything again, also the
 * leftovers of a run that was killed.
 *
 * <p>Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and {@code ip} from iproute2; {@link
 * dev.ha4j.testkit.netns.NetnsLab#unavailableReason()} says what is missing. Like Curator's {@code curator-test},
 * this artifact belongs in test scope only.
 */
package dev.ha4j.testkit.netns;
