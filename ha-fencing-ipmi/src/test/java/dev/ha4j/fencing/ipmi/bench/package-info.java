/** Benchmark harnesses run by hand (exec-maven-plugin), never as timed tests. */
package dev.ha4j.fencing.ipmi.bench;
