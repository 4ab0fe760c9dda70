/**
 * The decision journal: entries; {@link dev.ha4j.core.journal.RotatingJournal} for months of decisions (rotated
 * segments, checkpoints, a stated fsync policy), a single-file JSON-lines journal and an in-memory one;
 * {@link dev.ha4j.core.journal.RecoveryState}, the one fold from entries to what a restarted manager recovers
 * (and the checkpoint's content); and replay that checks a journal reproduces exactly through the engine.
 */
package dev.ha4j.core.journal;
