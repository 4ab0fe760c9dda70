/**
 * Immutable, validated configuration: the {@link dev.ha4j.core.config.Policy} (failure table, escalation,
 * timings, fencing) and the {@link dev.ha4j.core.config.ClusterConfig}, from builders or from JSON.
 */
package dev.ha4j.core.config;
