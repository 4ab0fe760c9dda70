/**
 * The HTTP health probe: {@link dev.ha4j.probe.http.HttpHealthProbe} asks a service's status endpoint
 * ({@code GET /status}) with the JDK HTTP client and turns the answer into a
 * {@link dev.ha4j.core.ProbeResult} through a per-product {@link dev.ha4j.probe.http.StatusTable}, configured by
 * an immutable {@link dev.ha4j.probe.http.HttpProbeConfig}.
 *
 * <p>Everything here is thread-safe unless a builder says otherwise.
 */
package dev.ha4j.probe.http;
