package dev.ha4j.differential;

import static dev.ha4j.differential.Scenario.Act.CRASH_ACTIVE;
import static dev.ha4j.differential.Scenario.Act.DATABASE_DOWN;
import static dev.ha4j.differential.Scenario.Act.HANG_ACTIVE;
import static dev.ha4j.differential.Scenario.Act.HANG_UNSTOPPABLE_ACTIVE;
import static dev.ha4j.differential.Scenario.Act.MAINTENANCE_OFF;
import static dev.ha4j.differential.Scenario.Act.MAINTENANCE_ON;
import static dev.ha4j.differential.Scenario.Act.NODE_FAILS;
import static dev.ha4j.differential.Scenario.Act.NODE_FAILS_ACTIVE;
import static dev.ha4j.differential.Scenario.Act.REPAIR_AND_CLEAR;
import static dev.ha4j.differential.Scenario.Act.START_FAILS_ON;
import static dev.ha4j.differential.Scenario.Act.SWITCHOVER;
import static dev.ha4j.differential.Scenario.Act.WAIT;
import static dev.ha4j.differential.Scenario.Stack.PRIMITIVE;
import static dev.ha4j.differential.Scenario.Stack.STASH;

import java.time.Duration;
import java.util.List;

/**
 * The scenarios of the differential suite. Offsets are in minutes; the cluster comes up at 0 on {@code n1}.
 * Every failure window is 10 minutes ({@code W}, Pacemaker's {@code failure-timeout}).
 *
 * <p>When the engine learns a rule a {@code pending(...)} step waits for, turn the step into {@code at(...)}
 * (MATCH) or {@code deliberate(..., id)} naming a row of {@link Differences}, and regenerate the table with
 * {@link DifferentialSuite#REGENERATE}.
 *
 * <p>Stateless and thread-safe.
 */
final class Scenarios {
    private static final Duration W = Duration.ofMinutes(10);

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(
                Scenario.of("P01", "a crash is repaired in place", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).build(),
                Scenario.of("P02", "the move comes at failure N+1 (N = 1)", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).build(),
                Scenario.of("P03", "the move comes at failure N+1 (N = 2)", PRIMITIVE, 2, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE).build(),
                Scenario.of("P04", "the move comes at failure N+1 (N = 3)", PRIMITIVE, 3, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE).at(4, CRASH_ACTIVE).build(),
                Scenario.of("P05", "failures expire after W", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).at(12, CRASH_ACTIVE).at(13, CRASH_ACTIVE).build(),
                Scenario.of("P06", "a sliding window, not expiry from the last failure", PRIMITIVE, 2, W)
                        .at(1, CRASH_ACTIVE).at(7, CRASH_ACTIVE).deliberate(13, CRASH_ACTIVE, null, "sliding-window")
                        .build(),
                Scenario.of("P07", "node loss: fence, then start on the survivor", PRIMITIVE, 1, W)
                        .at(1, NODE_FAILS_ACTIVE).build(),
                Scenario.of("P08", "a service that cannot be stopped: fence, then move", PRIMITIVE, 1, W)
                        .at(1, HANG_UNSTOPPABLE_ACTIVE).build(),
                Scenario.of("P09", "a start failure blocks", PRIMITIVE, 1, W)
                        .at(1, START_FAILS_ON, "n1").deliberate(2, CRASH_ACTIVE, null, "start-failure-blocks").build(),
                Scenario.of("P10", "a start failure on the standby at failover", PRIMITIVE, 1, W)
                        .at(1, START_FAILS_ON, "n2").at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE).build(),
                Scenario.of("P11", "database trouble does nothing", PRIMITIVE, 1, W)
                        .deliberate(1, DATABASE_DOWN, null, "database-does-nothing").build(),
                Scenario.of("P12", "at least one restart before a failover", PRIMITIVE, 1, W).migrationThreshold(1)
                        .deliberate(1, CRASH_ACTIVE, null, "at-least-one-restart").build(),
                Scenario.of("P13", "maintenance: a crash is left alone until it ends", PRIMITIVE, 1, W)
                        .at(1, MAINTENANCE_ON).at(2, CRASH_ACTIVE).at(3, MAINTENANCE_OFF).build(),
                Scenario.of("P14", "a standby lost during maintenance is fenced when it ends", PRIMITIVE, 1, W)
                        .at(1, MAINTENANCE_ON).at(2, NODE_FAILS, "n2").at(3, MAINTENANCE_OFF).build(),
                Scenario.of("P15", "operator switchover", PRIMITIVE, 1, W)
                        .at(1, SWITCHOVER, "n2").at(2, CRASH_ACTIVE).build(),
                Scenario.of("P16", "a crash loop on every node", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE)
                        .at(4, CRASH_ACTIVE).at(5, CRASH_ACTIVE)
                        .at(6, CRASH_ACTIVE).build(),
                Scenario.of("P17", "a dead standby", PRIMITIVE, 1, W)
                        .deliberate(1, NODE_FAILS, "n2", "fencing-only-to-take-over").at(2, CRASH_ACTIVE)
                        .at(3, CRASH_ACTIVE).build(),
                Scenario.of("P18", "the new active's node dies after a move", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE)
                        .deliberate(3, NODE_FAILS_ACTIVE, null, "node-loss-fails-back")
                        .deliberate(13, WAIT, null, "node-loss-fails-back").build(),
                Scenario.of("P19", "repair and clear after a fence, then switch back", PRIMITIVE, 1, W)
                        .at(1, NODE_FAILS_ACTIVE).at(2, REPAIR_AND_CLEAR).at(3, SWITCHOVER, "n1").build(),
                Scenario.of("P20", "a crash loop, then the failure timeout passes", PRIMITIVE, 1, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE)
                        .at(4, CRASH_ACTIVE).deliberate(15, WAIT, null, "block-waits-for-an-operator").build(),
                Scenario.of("P21", "a dead standby, then the active hangs", PRIMITIVE, 1, W)
                        .deliberate(1, NODE_FAILS, "n2", "fencing-only-to-take-over").at(2, HANG_ACTIVE)
                        .deliberate(3, HANG_ACTIVE, null, "no-stop-without-takeover").build(),
                Scenario.of("S01", "stack: a crash is repaired in place", STASH, 1, W)
                        .at(1, CRASH_ACTIVE).build(),
                Scenario.of("S02", "stack: the move at failure N+1 drags DRBD along (N = 2)", STASH, 2, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE).build(),
                Scenario.of("S03", "stack: node loss, fence, start on the survivor", STASH, 1, W)
                        .at(1, NODE_FAILS_ACTIVE).build(),
                Scenario.of("S04", "stack: a service that cannot be stopped", STASH, 1, W)
                        .at(1, HANG_UNSTOPPABLE_ACTIVE).build(),
                Scenario.of("S05", "stack: operator switchover and back", STASH, 1, W)
                        .at(1, SWITCHOVER, "n2").at(2, SWITCHOVER, "n1").build(),
                Scenario.of("S06", "stack: a start failure blocks", STASH, 1, W)
                        .at(1, START_FAILS_ON, "n1").deliberate(2, CRASH_ACTIVE, null, "start-failure-blocks").build(),
                Scenario.of("S07", "stack: database trouble does nothing", STASH, 1, W)
                        .deliberate(1, DATABASE_DOWN, null, "database-does-nothing").build(),
                Scenario.of("S08", "stack: a crash loop on every node", STASH, 1, W)
                        .at(1, CRASH_ACTIVE).at(2, CRASH_ACTIVE).at(3, CRASH_ACTIVE)
                        .at(4, CRASH_ACTIVE).at(5, CRASH_ACTIVE).build(),
                Scenario.of("S09", "stack: a dead standby", STASH, 1, W)
                        .deliberate(1, NODE_FAILS, "n2", "fencing-only-to-take-over").at(2, CRASH_ACTIVE)
                        .at(3, CRASH_ACTIVE).build());
    }
}
