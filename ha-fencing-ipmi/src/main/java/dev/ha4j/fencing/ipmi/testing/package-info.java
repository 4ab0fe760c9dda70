/**
 * Test and demo support: {@link dev.ha4j.fencing.ipmi.testing.IpmiSimulator} runs Debian's {@code ipmi_sim} as a
 * real BMC on loopback, like Curator's {@code TestingServer} runs ZooKeeper. Needs the {@code openipmi} and
 * {@code ipmitool} packages; not for production use.
 */
package dev.ha4j.fencing.ipmi.testing;
