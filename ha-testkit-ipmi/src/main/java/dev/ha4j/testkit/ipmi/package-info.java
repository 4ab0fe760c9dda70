/**
 * Test and demo support for IPMI fencing: {@link dev.ha4j.testkit.ipmi.IpmiSimulator} runs Debian's
 * {@code ipmi_sim} as a real BMC on loopback, like Curator's {@code TestingServer} runs ZooKeeper. Needs the
 * {@code openipmi} and {@code ipmitool} packages. Depend on it at test scope (a demo may use it at compile
 * scope); no production module depends on it.
 */
package dev.ha4j.testkit.ipmi;
