/**
 * SPI compatibility kits: abstract JUnit 5 test classes that check the rules every implementation of an ha4j
 * SPI must keep (deadlines honoured, never null, expected failures as results, idempotent actions, prompt
 * return on interrupt, epochs checked, no secret in {@code toString()}).
 *
 * <p>An implementation's test class extends the kit for its SPI and supplies factories for the real peers it
 * talks to, in the style of Micrometer's compatibility kit:
 *
 * <pre>{@code
 * class MyProbeCompatibilityTest extends HealthProbeContract {
 *     @Override protected HealthProbe newHealthyProbe() { ... }
 *     @Override protected HealthProbe newDownProbe() { ... }
 *     @Override protected HealthProbe newHangingProbe() { ... }
 * }
 * }</pre>
 *
 * <p>Kits: {@link dev.ha4j.testkit.compat.HealthProbeContract}, {@link dev.ha4j.testkit.compat.FencerContract},
 * {@link dev.ha4j.testkit.compat.ServiceControlContract}, {@link dev.ha4j.testkit.compat.ReplicatorContract},
 * {@link dev.ha4j.testkit.compat.RequestRouterContract} and {@link dev.ha4j.testkit.compat.CoordinatorContract}.
 * Each has protected hooks with defaults (node names, deadlines, slack, secrets, optional peers) that a
 * subclass overrides as needed. The kits need {@code junit-jupiter-api} on the test classpath, which this
 * module brings in at compile scope.
 */
package dev.ha4j.testkit.compat;
