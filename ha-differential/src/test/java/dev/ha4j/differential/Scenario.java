package dev.ha4j.differential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One timed scenario of the differential suite: a cluster of two nodes {@code n1} (preferred) and {@code n2},
 * a stack, a restart budget, and steps at offsets from the start. Step 0 (the cluster comes up at offset 0) is
 * implicit. Each step says what it expects of the comparison: a MATCH, a deliberate difference (naming a row of
 * {@link Differences}), or a difference the engine is known to get wrong for now.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id a short stable id, used in the table
 * @param title what the scenario plays
 * @param stack what Pacemaker manages (ha4j always manages one service, with or without replicated data)
 * @param restarts ha4j's {@code N} in {@code restarts(N, W)}
 * @param window ha4j's {@code W}, Pacemaker's {@code failure-timeout}
 * @param migrationThreshold Pacemaker's {@code migration-threshold} (normally {@code N + 1})
 * @param steps the steps after the implicit start
 */
record Scenario(String id, String title, Stack stack, int restarts, Duration window, int migrationThreshold,
        List<Step> steps) {

    /** What runs in the cluster. */
    enum Stack {
        /** One primitive service, no replicated data. */
        PRIMITIVE,
        /** A Stash-like stack: promotable DRBD, then filesystem, VIP and the application, with IPMI fencing. */
        STASH
    }

    /** What happens at a step; {@code ACTIVE} means "wherever this side runs the service". */
    enum Act {
        /** The service crashes where it runs (a monitor finds it not running). */
        CRASH_ACTIVE,
        /** The service hangs where it runs (answers, but not healthy); a stop still works. */
        HANG_ACTIVE,
        /** The service hangs where it runs and can be neither stopped nor killed. */
        HANG_UNSTOPPABLE_ACTIVE,
        /** From now on the service fails to start on the node (a bad build, a bad configuration). */
        START_FAILS_ON,
        /** The node running the service dies. */
        NODE_FAILS_ACTIVE,
        /** The node dies (whatever runs on it). */
        NODE_FAILS,
        /** The database is reported down once (the service's status says so). */
        DATABASE_DOWN,
        /** An operator switches maintenance on. */
        MAINTENANCE_ON,
        /** An operator switches maintenance off. */
        MAINTENANCE_OFF,
        /** An operator moves the service to the node. */
        SWITCHOVER,
        /** An operator repairs every node (powers it on, fixes the build) and clears the failure history. */
        REPAIR_AND_CLEAR,
        /** Nothing happens; time passes. */
        WAIT
    }

    /** What a step's comparison is expected to give. */
    enum Verdict {
        /** Both decide the same. */
        MATCH,
        /** They differ on purpose; the step names the row of {@link Differences} that says why. */
        DELIBERATE,
        /** They differ because the engine does not implement the guide's rule yet; does not fail the build. */
        PENDING_ENGINE_FIX
    }

    /**
     * One step.
     *
     * @param at the offset from the scenario's start
     * @param act what happens
     * @param node the node it concerns, for acts that name one
     * @param expected the expected verdict
     * @param note for DELIBERATE the id of a {@link Differences} row; for PENDING_ENGINE_FIX why, and what the
     *     lead should flip it to
     */
    record Step(Duration at, Act act, String node, Verdict expected, String note) {
        Step {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(act, "act");
            Objects.requireNonNull(expected, "expected");
        }

        String describe() {
            return switch (act) {
                case CRASH_ACTIVE -> "the service crashes where it runs";
                case HANG_ACTIVE -> "the service hangs where it runs";
                case HANG_UNSTOPPABLE_ACTIVE -> "the service hangs where it runs and cannot be stopped";
                case START_FAILS_ON -> "from now on the service cannot start on " + node;
                case NODE_FAILS_ACTIVE -> "the node running the service dies";
                case NODE_FAILS -> node + " dies";
                case DATABASE_DOWN -> "the database is reported down";
                case MAINTENANCE_ON -> "operator: maintenance on";
                case MAINTENANCE_OFF -> "operator: maintenance off";
                case SWITCHOVER -> "operator: switch over to " + node;
                case REPAIR_AND_CLEAR -> "operator: repair every node, clear failures";
                case WAIT -> "time passes";
            };
        }
    }

    Scenario {
        Objects.requireNonNull(id, "id");
        steps = List.copyOf(steps);
    }

    /**
     * Starts a scenario with {@code restarts(n, w)} mapped to {@code migration-threshold = n + 1}.
     *
     * @param id the id
     * @param title the title
     * @param stack the stack
     * @param n restarts within the window
     * @param w the window
     * @return a builder
     */
    static Builder of(String id, String title, Stack stack, int n, Duration w) {
        return new Builder(id, title, stack, n, w, n + 1);
    }

    /** Collects the steps of a scenario. Not thread-safe. */
    static final class Builder {
        private final String id;
        private final String title;
        private final Stack stack;
        private final int n;
        private final Duration w;
        private int threshold;
        private final List<Step> steps = new ArrayList<>();

        private Builder(String id, String title, Stack stack, int n, Duration w, int threshold) {
            this.id = id;
            this.title = title;
            this.stack = stack;
            this.n = n;
            this.w = w;
            this.threshold = threshold;
        }

        Builder migrationThreshold(int t) {
            this.threshold = t;
            return this;
        }

        Builder at(int minutes, Act act) {
            return at(minutes, act, null, Verdict.MATCH, null);
        }

        Builder at(int minutes, Act act, String node) {
            return at(minutes, act, node, Verdict.MATCH, null);
        }

        Builder deliberate(int minutes, Act act, String node, String differenceId) {
            Differences.byId(differenceId);
            return at(minutes, act, node, Verdict.DELIBERATE, differenceId);
        }

        Builder pending(int minutes, Act act, String node, String why) {
            return at(minutes, act, node, Verdict.PENDING_ENGINE_FIX, why);
        }

        Builder at(int minutes, Act act, String node, Verdict v, String note) {
            steps.add(new Step(Duration.ofMinutes(minutes), act, node, v, note));
            return this;
        }

        Scenario build() {
            return new Scenario(id, title, stack, n, w, threshold, steps);
        }
    }
}
