/**
 * The decision journal: entries, a JSON-lines file journal, an in-memory one, and replay that checks a
 * journal reproduces exactly through the engine.
 */
package dev.ha4j.core.journal;
