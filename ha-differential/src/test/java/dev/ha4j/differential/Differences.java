package dev.ha4j.differential;

import java.util.List;

/**
 * Every deliberate difference between ha4j and Pacemaker, each with the rule of the guide ({@code DESIGN.md}:
 * the failure table, the failover plan, the safety invariants) that makes ha4j decide otherwise. A scenario step
 * marked DELIBERATE names one of these rows; the suite fails if such a step matches after all (the row would be
 * stale) or if a step differs without a row.
 *
 * <p>Immutable and thread-safe.
 */
final class Differences {
    /**
     * One deliberate difference.
     *
     * @param id the id a step names
     * @param pacemaker what Pacemaker does
     * @param ha4j what ha4j does instead
     * @param rule the guide's rule that says so
     */
    record Difference(String id, String pacemaker, String ha4j, String rule) {
    }

    static final List<Difference> ALL = List.of(
            new Difference("start-failure-blocks",
                    "a failed start counts INFINITY on that node and the service is started on the other",
                    "blocks for manual intervention, starts nothing elsewhere",
                    "failure table: \"service fails to start (wrong binary version, bad config) → block: manual"
                            + " intervention, a standby would fail too\"; invariant 5"),
            new Difference("database-does-nothing",
                    "the service's monitor fails, so it is restarted (and moved after the threshold)",
                    "does nothing: the service recovers when the database is back",
                    "failure table: \"database reported down → nothing: a standby would fail too\"; invariant 5"),
            new Difference("at-least-one-restart",
                    "migration-threshold=1 moves the service at its first failure",
                    "refuses restarts(0, W) and restarts in place at least once",
                    "\"At least one restart before a failover\"; invariant 4"),
            new Difference("sliding-window",
                    "failure-timeout expires all of a node's failures W after the last one",
                    "counts the restarts within the last W: each one expires W after itself",
                    "\"Escalation is data: restarts N within a window W, then failover; failures expire after W\""),
            new Difference("fencing-only-to-take-over",
                    "fences any node that is lost, also a standby",
                    "fences only the old active, to take over (a lost standby is reported, not fenced)",
                    "failover plan, step 1: \"Make sure the old active is out: stop it and confirm, or fence it\""),
            new Difference("block-waits-for-an-operator",
                    "a service stopped everywhere by its fail counts starts again when failure-timeout expires",
                    "a block stays until an operator clears it",
                    "failover plan, step 1: \"BLOCKED, notify, start nothing\"; a block is recovered from the"
                            + " journal and waits for an operator's clear"),
            new Difference("node-loss-fails-back",
                    "when the new active's node dies, the old node is still banned by its crash fail count: the"
                            + " service stays down until failure-timeout expires, then starts there",
                    "fails back at once to the node whose earlier failure was a service crash",
                    "failure table: \"whole server down or unreachable → fail over (fence first)\": a node loss"
                            + " is a node problem, not the service's"),
            new Difference("no-stop-without-takeover",
                    "with the only standby lost, a service that keeps failing is stopped everywhere",
                    "blocks and leaves the service where it is: the takeover cannot happen, so nothing is stopped"
                            + " for it",
                    "invariant 11: \"a running service is never stopped for a takeover that cannot happen\""));

    private Differences() {
    }

    static Difference byId(String id) {
        for (Difference d : ALL) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no deliberate difference named " + id);
    }
}
