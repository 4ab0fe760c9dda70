// FROZEN: a copy of dev.ha4j.core.engine.Plan as of commit 596be15, before the restructuring of issue 8.
// The differential oracle of LegacyDifferentialTest: never edit it to follow the engine.
package dev.ha4j.testkit.legacy;

import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;

import dev.ha4j.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordered plan in progress: its kind, its target, its steps and where it stands. Part of
 * {@link ClusterState}; immutable. Plans are made by {@link #of} and changed only through the {@code with…}
 * methods, so a new field never has to be threaded through positional constructor calls.
 *
 * <p>The steps of each kind are listed in one place, {@link Kind#steps()}; the engine inserts one conditional
 * step, {@link Step#SECURE} (with {@link Step#DEMOTE_OLD}) at the front, when a node whose state it cannot tell
 * must be made sure out first, and again before {@link Step#PROMOTE} or {@link Step#START} when a node might be
 * running the service (invariant 9).
 *
 * @param kind what the plan is for
 * @param target the node that is to run the service at the end
 * @param steps the steps in order
 * @param index the current step
 * @param secureQueue nodes still to be made sure out (stopped and confirmed, or fenced), head first
 * @param stage where securing the head of {@code secureQueue} stands
 * @param subIndex while securing, the fencing level tried next; while demoting or outdating, the next node
 * @param unrouteFirst whether securing starts by unrouting
 * @param fenceFirst whether securing goes straight to fencing (the node is unreachable)
 * @param secured nodes made sure out by this plan, in order
 * @param force whether the target's replica is promoted by an operator's force
 * @param cause why the plan was started
 * @param passedOver candidates a failover already gave up on because their replica was not up to date
 * @param demoted secured nodes whose replicas this plan demoted successfully
 * @param serviceFailure whether this failover follows a service that used up its restarts (not a lost node): it
 *     then never targets a node whose service did the same within the restart window
 */
public record Plan(Kind kind, NodeId target, List<Step> steps, int index, List<NodeId> secureQueue, Stage stage,
        int subIndex, boolean unrouteFirst, boolean fenceFirst, List<NodeId> secured, boolean force,
        String cause, List<NodeId> passedOver, List<NodeId> demoted, boolean serviceFailure) {

    /**
     * What a plan is for, and its steps in order: the failover plan of the design, as built.
     *
     * <table>
     * <caption>Plan kinds and their steps</caption>
     * <tr><th>kind</th><th>steps</th></tr>
     * <tr><td>START</td><td>[SECURE] ACQUIRE_LEASE, DEMOTE_OLD, CHECK_REPLICA, OUTDATE_PEER, PROMOTE, START,
     *     WAIT_HEALTHY, ROUTE</td></tr>
     * <tr><td>ADOPT</td><td>[SECURE] ACQUIRE_LEASE, DEMOTE_OLD, CHECK_REPLICA, PROMOTE, ROUTE</td></tr>
     * <tr><td>RESTART</td><td>SECURE (the active itself), CHECK_REPLICA, PROMOTE, START, WAIT_HEALTHY</td></tr>
     * <tr><td>FAILOVER</td><td>PRECHECK_REPLICA, SECURE, ACQUIRE_LEASE, DEMOTE_OLD, CHECK_REPLICA, OUTDATE_PEER,
     *     PROMOTE, START, WAIT_HEALTHY, ROUTE</td></tr>
     * <tr><td>SWITCHOVER</td><td>PRECHECK_REPLICA, SECURE, ACQUIRE_LEASE, DEMOTE_OLD, CHECK_REPLICA, PROMOTE,
     *     START, WAIT_HEALTHY, ROUTE</td></tr>
     * <tr><td>RELINQUISH</td><td>SECURE, DEMOTE_OLD</td></tr>
     * <tr><td>SECURE_STRAY</td><td>SECURE, DEMOTE_OLD (a node that might run the service besides the
     *     active)</td></tr>
     * </table>
     *
     * <p>[SECURE] is the one conditional step: it is there when a node's state is unknown. Before PROMOTE and
     * START every plan also secures any node that might be running the service (an unanswered or late start),
     * so the inserted steps SECURE, DEMOTE_OLD can appear there too. DEMOTE_OLD comes after the new lease, so
     * that the demotion carries the new epoch and a replicator can refuse an older, orphaned promotion.
     */
    public enum Kind {
        /** Start the service where none runs. */
        START(Phase.STARTING, List.of(Step.ACQUIRE_LEASE, Step.DEMOTE_OLD, Step.CHECK_REPLICA, Step.OUTDATE_PEER,
                Step.PROMOTE, Step.START, Step.WAIT_HEALTHY, Step.ROUTE)),
        /** Adopt a service found running. */
        ADOPT(Phase.ADOPTING, List.of(Step.ACQUIRE_LEASE, Step.DEMOTE_OLD, Step.CHECK_REPLICA, Step.PROMOTE,
                Step.ROUTE)),
        /** Restart in place. */
        RESTART(Phase.RESTARTING, List.of(Step.SECURE, Step.CHECK_REPLICA, Step.PROMOTE, Step.START,
                Step.WAIT_HEALTHY)),
        /** Fail over after a failure. */
        FAILOVER(Phase.FAILING_OVER, List.of(Step.PRECHECK_REPLICA, Step.SECURE, Step.ACQUIRE_LEASE, Step.DEMOTE_OLD,
                Step.CHECK_REPLICA,
                Step.OUTDATE_PEER, Step.PROMOTE, Step.START, Step.WAIT_HEALTHY, Step.ROUTE)),
        /** Planned switchover. */
        SWITCHOVER(Phase.SWITCHING_OVER, List.of(Step.PRECHECK_REPLICA, Step.SECURE, Step.ACQUIRE_LEASE,
                Step.DEMOTE_OLD, Step.CHECK_REPLICA, Step.PROMOTE, Step.START, Step.WAIT_HEALTHY, Step.ROUTE)),
        /** Stop because the lease was lost. */
        RELINQUISH(Phase.RELINQUISHING, List.of(Step.SECURE, Step.DEMOTE_OLD)),
        /** Make sure out a node that might run the service besides the active one; the active keeps running. */
        SECURE_STRAY(Phase.SECURING, List.of(Step.SECURE, Step.DEMOTE_OLD));

        private final Phase phase;
        private final List<Step> steps;

        Kind(Phase phase, List<Step> steps) {
            this.phase = phase;
            this.steps = steps;
        }

        /** @return the phase the cluster is in while this plan runs */
        public Phase phase() {
            return phase;
        }

        /** @return this kind's steps in order, without the conditional leading SECURE */
        public List<Step> steps() {
            return steps;
        }
    }

    /** One step of a plan. */
    public enum Step {
        /** Check the target's replica before touching the active node (switchover). */
        PRECHECK_REPLICA,
        /** Make sure every node in the secure queue is out: stop and confirm, or fence. */
        SECURE,
        /** Demote the old active's replicas. */
        DEMOTE_OLD,
        /** Acquire the lease for the target: a new epoch. */
        ACQUIRE_LEASE,
        /** Check that the target's replica is up to date. */
        CHECK_REPLICA,
        /** Resource fencing: outdate the secured nodes' replicas. */
        OUTDATE_PEER,
        /** Promote the target's replicas, all or none. */
        PROMOTE,
        /** Start the service on the target. */
        START,
        /** Wait until probes say the service is healthy. */
        WAIT_HEALTHY,
        /** Route requests to the target. */
        ROUTE
    }

    /** Where securing one node stands. */
    public enum Stage {
        /** Taking the node out of the route. */
        UNROUTE,
        /** Graceful stop sent. */
        STOP,
        /** Kill sent. */
        KILL,
        /** Confirming after a graceful stop. */
        CONFIRM_AFTER_STOP,
        /** Confirming after a kill. */
        CONFIRM_AFTER_KILL,
        /** Waiting the fencing delay. */
        FENCE_DELAY,
        /** Fencing at the level {@code subIndex}. */
        FENCE
    }

    /**
     * Checks the parts; plans are made by {@link #of} inside the engine.
     *
     * @throws NullPointerException if a required argument is null
     */
    public Plan {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        steps = List.copyOf(steps);
        secureQueue = List.copyOf(secureQueue);
        Objects.requireNonNull(stage, "stage");
        secured = List.copyOf(secured);
        Objects.requireNonNull(cause, "cause");
        passedOver = List.copyOf(passedOver);
        demoted = List.copyOf(demoted);
    }

    /**
     * A new plan of {@code kind}'s steps, led by SECURE when {@code secureQueue} is not empty and the kind does
     * not begin with it.
     */
    static Plan of(Kind kind, NodeId target, List<NodeId> secureQueue, Stage stage, boolean unrouteFirst,
            boolean fenceFirst, String cause) {
        List<Step> steps = kind.steps();
        if (!secureQueue.isEmpty() && !steps.contains(Step.SECURE)) {
            List<Step> s = new ArrayList<>(steps.size() + 1);
            s.add(Step.SECURE);
            s.addAll(steps);
            steps = s;
        }
        return new Plan(kind, target, steps, 0, secureQueue, stage, 0, unrouteFirst, fenceFirst, List.of(), false,
                cause, List.of(), List.of(), false);
    }

    /** @return the current step, empty when all are done */
    public Optional<Step> step() {
        return index < steps.size() ? Optional.of(steps.get(index)) : Optional.empty();
    }

    Step current() {
        return index < steps.size() ? steps.get(index) : null;
    }

    Plan next() {
        return new Plan(kind, target, steps, index + 1, secureQueue, stage, 0, unrouteFirst, fenceFirst, secured,
                force, cause, passedOver, demoted, serviceFailure);
    }

    Plan withStage(Stage s, int sub) {
        return new Plan(kind, target, steps, index, secureQueue, s, sub, unrouteFirst, fenceFirst, secured, force,
                cause, passedOver, demoted, serviceFailure);
    }

    Plan withSubIndex(int sub) {
        return withStage(stage, sub);
    }

    Plan securedHead(Stage nextStage) {
        List<NodeId> done = new ArrayList<>(secured);
        NodeId head = secureQueue.get(0);
        done.remove(head);
        done.add(head);
        return new Plan(kind, target, steps, index, secureQueue.subList(1, secureQueue.size()), nextStage, 0,
                unrouteFirst, fenceFirst, done, force, cause, passedOver, demoted, serviceFailure);
    }

    Plan withForce(boolean f) {
        return new Plan(kind, target, steps, index, secureQueue, stage, subIndex, unrouteFirst, fenceFirst, secured,
                f, cause, passedOver, demoted, serviceFailure);
    }

    Plan withDemoted(NodeId n) {
        List<NodeId> d = new ArrayList<>(demoted);
        d.add(n);
        return new Plan(kind, target, steps, index, secureQueue, stage, subIndex + 1, unrouteFirst, fenceFirst,
                secured, force, cause, passedOver, d, serviceFailure);
    }

    /**
     * This plan with {@code nodes} to be made sure out before the current step: SECURE and DEMOTE_OLD are put
     * in front of what remains, beginning at {@code stage}.
     */
    Plan secureFirst(List<NodeId> nodes, Stage stage) {
        List<Step> s = new ArrayList<>(steps.size() - index + 2);
        s.add(Step.SECURE);
        if (current() != Step.DEMOTE_OLD) {
            s.add(Step.DEMOTE_OLD);
        }
        s.addAll(steps.subList(index, steps.size()));
        List<NodeId> queue = new ArrayList<>(nodes);
        for (NodeId n : secureQueue) {
            if (!queue.contains(n)) {
                queue.add(n);
            }
        }
        return new Plan(kind, target, s, 0, queue, stage, 0, unrouteFirst, fenceFirst, secured, force, cause,
                passedOver, demoted, serviceFailure);
    }

    Plan asServiceFailure() {
        return new Plan(kind, target, steps, index, secureQueue, stage, subIndex, unrouteFirst, fenceFirst, secured,
                force, cause, passedOver, demoted, true);
    }

    /**
     * A failover that moves on to another candidate: the lease is taken again for it.
     *
     * @param next the next candidate
     * @param from the step to go back to (PRECHECK_REPLICA, or ACQUIRE_LEASE for a new lease)
     * @return the plan aimed at {@code next}
     */
    Plan retarget(NodeId next, Step from) {
        List<NodeId> over = new ArrayList<>(passedOver);
        over.add(target);
        // Steps inserted before the current one (securing a node that might run) may have dropped the step to
        // go back to: then the kind's own steps from there on.
        List<Step> s = steps;
        int at = steps.indexOf(from);
        if (at < 0) {
            List<Step> own = kind.steps();
            s = own.subList(Math.max(0, own.indexOf(from)), own.size());
            at = 0;
        }
        return new Plan(kind, next, s, at, secureQueue, stage, 0, unrouteFirst, fenceFirst, secured, force,
                cause, over, demoted, serviceFailure);
    }

    /** @return the node being made sure out, if securing */
    public Optional<NodeId> securing() {
        return secureQueue.isEmpty() ? Optional.empty() : Optional.of(secureQueue.get(0));
    }

    @Override
    public String toString() {
        return kind + "->" + target + " at " + (current() == null ? "end" : current())
                + (secureQueue.isEmpty() ? "" : " securing " + secureQueue.get(0) + "/" + stage);
    }
}
