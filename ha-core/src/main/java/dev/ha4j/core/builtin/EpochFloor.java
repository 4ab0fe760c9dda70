package dev.ha4j.core.builtin;

import dev.ha4j.core.Epoch;

/**
 * A coordinator that a restarted manager can tell the highest epoch it knows of, so that its next grant is newer
 * than every epoch granted before, even those granted before the coordinator itself was created (a coordinator
 * that lives in the manager's JVM starts again with the manager). {@link dev.ha4j.core.runtime.HaRuntime} does
 * it at start with the highest epoch its journal recovered; a coordination service that keeps its own epochs
 * (ZooKeeper) needs no such help.
 *
 * <p>Implementations are thread-safe.
 */
public interface EpochFloor {
    /**
     * Makes every later grant newer than {@code epoch}; a floor at or below the last epoch granted changes
     * nothing.
     *
     * @param epoch the highest epoch known to have been granted
     * @return the highest epoch granted or known after the call
     * @throws NullPointerException if {@code epoch} is null
     */
    Epoch continueAfter(Epoch epoch);
}
