/**
 * The two-node demo: a Stash-like service program, a loopback router, simulated power fencing, and the script
 * that plays crash, failover and a blocked start. Run it with {@code mvn -B -q -Pdemo -pl examples -am package
 * -DskipTests}.
 */
package dev.ha4j.examples.demo;
