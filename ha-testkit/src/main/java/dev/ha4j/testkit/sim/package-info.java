/**
 * The simulators: {@link dev.ha4j.testkit.sim.SimulatedWorld} (nodes, network, fencing, replicas, database,
 * coordinator), the fast {@link dev.ha4j.testkit.sim.EngineSimulator} that drives a decision function
 * directly, the {@link dev.ha4j.testkit.sim.RuntimeSimulator} that runs the real
 * {@link dev.ha4j.core.runtime.HaRuntime} on a {@link dev.ha4j.testkit.sim.VirtualScheduler} with simulated SPIs,
 * and the invariant checks both share.
 */
package dev.ha4j.testkit.sim;
