/**
 * The public value types of ha4j: node names, epochs, secrets, health verdicts and the results SPIs return.
 * Everything here is immutable and thread-safe.
 */
package dev.ha4j.core;
