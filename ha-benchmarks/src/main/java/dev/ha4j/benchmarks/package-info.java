/** JMH benchmarks of ha4j; see the README for the commands and the figures. */
package dev.ha4j.benchmarks;
