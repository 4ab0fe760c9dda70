/**
 * Test support: {@link dev.ha4j.fencing.ipmi.sim.IpmiSimulator}, a real BMC ({@code ipmi_sim}) on loopback
 * per test class, and {@link dev.ha4j.fencing.ipmi.sim.Prerequisites}, which skips or fails tests whose
 * Debian packages are missing.
 */
package dev.ha4j.fencing.ipmi.sim;
