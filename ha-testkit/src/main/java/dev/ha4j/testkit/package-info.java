/**
 * ha4j's testkit: deterministic simulation of failover policies. A {@link dev.ha4j.testkit.Simulation} runs
 * many {@link dev.ha4j.testkit.FaultSchedule fault schedules}, each generated from a seed with
 * {@link dev.ha4j.testkit.FaultWeights tunable weights}, against the engine of a configuration, checks every
 * decision against the eight safety invariants, liveness and the user's {@link dev.ha4j.testkit.Property
 * properties}, {@link dev.ha4j.testkit.Shrinker shrinks} a failing schedule and explains it with a
 * {@link dev.ha4j.testkit.Timeline}. {@link dev.ha4j.testkit.PlantedBugs} are engine variants with one rule
 * broken, to prove the checks. The simulators themselves live in {@code dev.ha4j.testkit.sim}, the JUnit entry
 * point in {@code dev.ha4j.testkit.junit}. Nothing here depends on a property-testing library.
 */
package dev.ha4j.testkit;
