/**
 * Implementation of the HTTP health probe: the bounded body subscriber, the per-probe exchange with its
 * deadline, the mapping of transport exceptions to verdicts, HTTP code patterns and trust store loading.
 *
 * <p>No compatibility promise: anything here may change in any release. Use {@link dev.ha4j.probe.http}.
 */
package dev.ha4j.probe.http.internal;
