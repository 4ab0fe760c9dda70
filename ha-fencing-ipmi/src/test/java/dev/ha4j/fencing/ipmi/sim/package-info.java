/**
 * The fencer's test helpers around the lab BMC ({@link dev.ha4j.testkit.ipmi.IpmiSimulator} from
 * ha-testkit-ipmi): {@link dev.ha4j.fencing.ipmi.sim.LabBmc} points configurations and fencers at it, and
 * {@link dev.ha4j.fencing.ipmi.sim.Prerequisites} skips or fails tests whose Debian packages are missing.
 */
package dev.ha4j.fencing.ipmi.sim;
