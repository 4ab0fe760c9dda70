package dev.ha4j.core.engine;

import dev.ha4j.core.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordered plan in progress: its kind, its target, its steps and where it stands. Part of
 * {@link ClusterState}; immutable.
 *
 * @param kind what the plan is for
 * @param target the node that is to run the service at the end
 * @param steps the steps in order
 * @param index the current step
 * @param secureQueue nodes still to be made sure out (stopped and confirmed, or fenced), head first
 * @param stage where securing the head of {@code secureQueue} stands
 * @param subIndex while securing, the fencing level tried next; while outdating, the next secured node
 * @param unrouteFirst whether securing starts by unrouting
 * @param fenceFirst whether securing goes straight to fencing (the node is unreachable)
 * @param secured nodes made sure out by this plan, in order
 * @param force whether the target's replica is promoted by an operator's force
 * @param cause why the plan was started
 * @param passedOver candidates a failover already gave up on because their replica was not up to date
 */
public record Plan(Kind kind, NodeId target, List<Step> steps, int index, List<NodeId> secureQueue, Stage stage,
        int subIndex, boolean unrouteFirst, boolean fenceFirst, List<NodeId> secured, boolean force,
        String cause, List<NodeId> passedOver) {

    /** What a plan is for. */
    public enum Kind {
        /** Start the service where none runs. */
        START(Phase.STARTING),
        /** Adopt a service found running. */
        ADOPT(Phase.ADOPTING),
        /** Restart in place. */
        RESTART(Phase.RESTARTING),
        /** Fail over after a failure. */
        FAILOVER(Phase.FAILING_OVER),
        /** Planned switchover. */
        SWITCHOVER(Phase.SWITCHING_OVER),
        /** Stop because the lease was lost. */
        RELINQUISH(Phase.RELINQUISHING);

        private final Phase phase;

        Kind(Phase phase) {
            this.phase = phase;
        }

        /** @return the phase the cluster is in while this plan runs */
        public Phase phase() {
            return phase;
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
                force, cause, passedOver);
    }

    Plan withStage(Stage s, int sub) {
        return new Plan(kind, target, steps, index, secureQueue, s, sub, unrouteFirst, fenceFirst, secured, force,
                cause, passedOver);
    }

    Plan withSubIndex(int sub) {
        return withStage(stage, sub);
    }

    Plan securedHead(Stage nextStage) {
        List<NodeId> done = new java.util.ArrayList<>(secured);
        done.add(secureQueue.get(0));
        return new Plan(kind, target, steps, index, secureQueue.subList(1, secureQueue.size()), nextStage, 0,
                unrouteFirst, fenceFirst, done, force, cause, passedOver);
    }

    Plan withForce(boolean f) {
        return new Plan(kind, target, steps, index, secureQueue, stage, subIndex, unrouteFirst, fenceFirst, secured,
                f, cause, passedOver);
    }

    /**
     * A failover that moves on to another candidate: the lease is taken again for it.
     *
     * @param next the next candidate
     * @param acquireAt the index of the ACQUIRE_LEASE step
     * @return the plan aimed at {@code next}
     */
    Plan retarget(NodeId next, int acquireAt) {
        List<NodeId> over = new java.util.ArrayList<>(passedOver);
        over.add(target);
        return new Plan(kind, next, steps, acquireAt, secureQueue, stage, 0, unrouteFirst, fenceFirst, secured, force,
                cause, over);
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
