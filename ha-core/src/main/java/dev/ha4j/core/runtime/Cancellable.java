package dev.ha4j.core.runtime;

/** A handle to a scheduled task. */
@FunctionalInterface
public interface Cancellable {
    /** Cancels the task if it has not run yet; harmless otherwise. */
    void cancel();
}
