/**
 * JUnit 5 entry point of the testkit: {@link dev.ha4j.testkit.junit.PolicyProperty} marks a test as a
 * simulation property of a failover policy, and {@link dev.ha4j.testkit.junit.HaSimulationExtension} hands it
 * a preset {@link dev.ha4j.testkit.junit.PolicyCheck}. The rest of the testkit does not depend on JUnit.
 */
package dev.ha4j.testkit.junit;
