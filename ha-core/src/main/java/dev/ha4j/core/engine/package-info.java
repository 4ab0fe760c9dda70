/**
 * The pure failover engine: {@link dev.ha4j.core.engine.FailoverEngine} maps (state, event) to (state,
 * commands, reason) with no I/O, threads, clock or randomness. Events come in, commands go out; this is what
 * the property suites, the simulator and users' policy tests drive.
 */
package dev.ha4j.core.engine;
