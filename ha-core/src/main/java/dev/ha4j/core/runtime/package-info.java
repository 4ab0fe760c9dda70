/**
 * The runtime, the imperative shell around the pure engine: one serial event loop, SPI calls on workers with
 * deadlines, the journal, status snapshots and typed event listeners. Time and threads come from a
 * {@link dev.ha4j.core.runtime.RuntimeScheduler}, so the same runtime runs on virtual time in the testkit.
 */
package dev.ha4j.core.runtime;
