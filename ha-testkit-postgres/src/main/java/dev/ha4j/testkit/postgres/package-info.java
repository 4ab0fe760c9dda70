/**
 * Test support that starts real PostgreSQL servers: {@link dev.ha4j.testkit.postgres.PostgresPair} creates a
 * primary and a streaming standby in temporary directories on free loopback ports, as an unprivileged operating
 * system user (PostgreSQL refuses to run as root), and removes them again, killing by PID what did not stop.
 *
 * <p>This is a test-support artifact, never a dependency of a production jar.
 */
package dev.ha4j.testkit.postgres;
