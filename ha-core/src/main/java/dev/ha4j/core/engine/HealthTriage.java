package dev.ha4j.core.engine;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.Reason.Code;
import java.time.Instant;

/**
 * Health triage, a pure part of the engine: what one verdict about the active node means before anything is
 * done about it. It honours the start-up grace (STARTING is no failure until the grace is over; other failures
 * but a failed start are not counted within it), the service's own maintenance up to the policy's maximum,
 * the failure table's IGNORE, and the failures in a row the policy asks for before acting. Only a
 * {@link Outcome#CONFIRMED} failure goes on to the escalation ({@link Escalation}).
 *
 * <p>Stateless and thread-safe.
 */
final class HealthTriage {
    private HealthTriage() {
    }

    /**
     * What the engine remembers of the active node's health between verdicts.
     *
     * @param failuresInRow bad verdicts in a row so far
     * @param lastFailure the kind of the last failure counted
     * @param startingSince since when the service has been starting, if it is
     * @param graceDeadline until when STARTING is no failure, if a start is waited for
     * @param serviceMaintenanceSince since when the service has reported its own MAINTENANCE, if it does
     */
    record Health(int failuresInRow, FailureKind lastFailure, Instant startingSince, Instant graceDeadline,
            Instant serviceMaintenanceSince) {
    }

    /** What a verdict comes to. */
    enum Outcome {
        /** Healthy (or a first run): the failures in a row are forgotten; a plan waiting for health goes on. */
        HEALTHY,
        /** Nothing to do: within the grace or the service's maintenance, ignored by the failure table, or counted. */
        NO_ACTION,
        /** A failure confirmed by enough bad verdicts in a row: for the escalation to react to. */
        CONFIRMED
    }

    /**
     * The triage of one verdict.
     *
     * @param health the health after the verdict
     * @param outcome what it comes to
     * @param reason why, for the decision's reasons
     * @param kind the failure, for {@link Outcome#CONFIRMED} (else null)
     * @param detail the failure's detail, for {@link Outcome#CONFIRMED} (else null)
     */
    record Triage(Health health, Outcome outcome, Reason reason, FailureKind kind, String detail) {
    }

    /**
     * Triage of a verdict about the active node (operator maintenance is not this class's business: the engine
     * records verdicts then without triage).
     *
     * @param policy the policy
     * @param now when the verdict arrived
     * @param h the health before it
     * @param node the node it is about
     * @param r the verdict
     * @param source who gave it ("probe", or the reporter of a verdict from outside)
     * @return what it comes to
     */
    static Triage triage(Policy policy, Instant now, Health h, NodeId node, ProbeResult r, String source) {
        switch (r.status()) {
            case HEALTHY, FIRST_RUN -> {
                Reason why = Reason.of(Code.VERDICT_GOOD, source, node, r.status(),
                        h.failuresInRow() > 0 ? Reason.of(Code.AGAIN_AFTER, h.failuresInRow()) : Reason.NONE);
                return new Triage(new Health(0, h.lastFailure(), null, null, null), Outcome.HEALTHY, why, null, null);
            }
            case STARTING -> {
                Health starting = h;
                if (h.graceDeadline() == null) {
                    starting = new Health(h.failuresInRow(), h.lastFailure(), now, now.plus(policy.startupGrace()),
                            h.serviceMaintenanceSince());
                }
                if (!now.isAfter(starting.graceDeadline())) {
                    return new Triage(starting, Outcome.NO_ACTION, Reason.of(Code.VERDICT_STARTING, source, node,
                            starting.graceDeadline()), null, null);
                }
                return failure(policy, now, starting, FailureKind.START_TIMEOUT,
                        "still STARTING after the start-up grace of " + policy.startupGrace(), source, node);
            }
            case STOPPING -> {
                return failure(policy, now, h, FailureKind.CRASHED, "the service is stopping by itself", source, node);
            }
            case MAINTENANCE -> {
                Health m = h;
                if (h.serviceMaintenanceSince() == null) {
                    m = new Health(h.failuresInRow(), h.lastFailure(), h.startingSince(), h.graceDeadline(), now);
                }
                Instant limit = m.serviceMaintenanceSince().plus(policy.maxMaintenance());
                if (now.isAfter(limit)) {
                    return failure(policy, now, m, FailureKind.MAINTENANCE_TOO_LONG, "in MAINTENANCE since "
                            + m.serviceMaintenanceSince() + ", beyond the limit of " + policy.maxMaintenance(), source,
                            node);
                }
                return new Triage(m, Outcome.NO_ACTION, Reason.of(Code.VERDICT_SERVICE_MAINTENANCE, source, node,
                        m.serviceMaintenanceSince(), limit), null, null);
            }
            case FAILED, UNREACHABLE -> {
                return failure(policy, now, h, r.failure().orElseThrow(), r.detail(), source, node);
            }
            default -> throw new IllegalStateException("unknown status " + r.status());
        }
    }

    /** A bad verdict: ignored by the failure table, not counted within the grace, counted, or confirmed. */
    static Triage failure(Policy policy, Instant now, Health h, FailureKind kind, String detail, String source,
            NodeId node) {
        Reason what = Reason.of(Code.FAILURE_SEEN, source, node, kind,
                detail.isEmpty() ? Reason.NONE : Reason.of(Code.IN_PARENTHESES, detail));
        if (policy.reactionTo(kind) == Reaction.IGNORE) {
            return new Triage(h, Outcome.NO_ACTION, Reason.of(Code.FAILURE_IGNORED, what, kind,
                    kind == FailureKind.DATABASE_DOWN || kind == FailureKind.DATABASE_CONNECTION_LOST
                            ? Reason.of(Code.DATABASE_TROUBLE) : Reason.NONE), null, null);
        }
        if (kind != FailureKind.START_FAILED && h.graceDeadline() != null && !now.isAfter(h.graceDeadline())) {
            return new Triage(h, Outcome.NO_ACTION, Reason.of(Code.FAILURE_IN_GRACE, what, h.graceDeadline()), null,
                    null);
        }
        int inRow = h.failuresInRow() + 1;
        if (inRow < policy.failuresBeforeAction()) {
            return new Triage(new Health(inRow, kind, h.startingSince(), h.graceDeadline(),
                    h.serviceMaintenanceSince()), Outcome.NO_ACTION, Reason.of(Code.FAILURE_COUNTED, what, inRow,
                    policy.failuresBeforeAction()), null, null);
        }
        return new Triage(new Health(0, kind, h.startingSince(), h.graceDeadline(), h.serviceMaintenanceSince()),
                Outcome.CONFIRMED, Reason.of(Code.FAILURE_CONFIRMED, what, inRow), kind, detail);
    }
}
