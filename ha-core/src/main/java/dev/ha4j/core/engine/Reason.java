package dev.ha4j.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Why the engine decided what it did, as data: a {@link Code} and its arguments, rendered to a sentence by the
 * code's template ({@link #text()}). The journal stores codes and arguments next to the sentence, and a replay
 * compares them rather than the text, so rewording a template never breaks the replay of an older journal.
 *
 * <p>An argument is either a string (a value as the sentence shows it: a node, an epoch, a result) or a nested
 * reason: a clause with its own code, such as the cause of a block or an optional part of a sentence
 * ({@link #NONE} renders as nothing). Templates name their arguments {@code {0}}, {@code {1}}, … in any order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param code what kind of reason
 * @param args its arguments, each a {@link String} or a {@link Reason}
 */
public record Reason(Code code, List<Object> args) {
    /** The empty clause: an optional part of a sentence that is not there. */
    public static final Reason NONE = new Reason(Code.NOTHING, List.of());

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is neither a string nor a reason, or their number does not
     *     match the code's template
     */
    public Reason {
        Objects.requireNonNull(code, "code");
        args = List.copyOf(args);
        for (Object a : args) {
            if (!(a instanceof String) && !(a instanceof Reason)) {
                throw new IllegalArgumentException("argument " + a + " of " + code + " is a " + a.getClass().getName()
                        + ", not a String or a Reason");
            }
        }
        if (args.size() != code.arity) {
            throw new IllegalArgumentException(code + " takes " + code.arity + " argument(s), not " + args.size());
        }
    }

    /**
     * A reason whose arguments are rendered as a string concatenation would render them ({@code null} as
     * {@code "null"}); a {@link Reason} argument stays a nested reason.
     *
     * @param code the code
     * @param args the arguments
     * @return the reason
     * @throws NullPointerException if {@code code} is null
     * @throws IllegalArgumentException if the number of arguments does not match the code's template
     */
    public static Reason of(Code code, Object... args) {
        List<Object> a = new ArrayList<>(args.length);
        for (Object o : args) {
            a.add(o instanceof Reason ? o : String.valueOf(o));
        }
        return new Reason(code, a);
    }

    /** @return the sentence: the code's template with its arguments filled in */
    public String text() {
        if (args.isEmpty()) {
            return code.template;
        }
        StringBuilder b = new StringBuilder(code.template.length() + 32);
        renderTo(b);
        return b.toString();
    }

    void renderTo(StringBuilder b) {
        String[] literals = code.literals;
        int[] refs = code.refs;
        for (int i = 0; i < refs.length; i++) {
            b.append(literals[i]);
            Object a = args.get(refs[i]);
            if (a instanceof Reason r) {
                r.renderTo(b);
            } else {
                b.append((String) a);
            }
        }
        b.append(literals[refs.length]);
    }

    /**
     * Renders reasons the way a {@link Transition} states them: joined by {@code "; "}, {@code "no change"} when
     * there are none.
     *
     * @param reasons the reasons, in the order they were given
     * @return the sentence
     */
    public static String join(List<Reason> reasons) {
        if (reasons.isEmpty()) {
            return Code.NO_CHANGE.template;
        }
        if (reasons.size() == 1) {
            return reasons.get(0).text();
        }
        StringBuilder b = new StringBuilder(128);
        for (int i = 0; i < reasons.size(); i++) {
            if (i > 0) {
                b.append("; ");
            }
            reasons.get(i).renderTo(b);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return code + args.toString();
    }

    /**
     * Every reason the engine gives, with the template of its sentence. A code's name is what the journal stores
     * and compares: rename one only with a migration of old journals; reword its template freely.
     */
    public enum Code {
        NO_CHANGE("no change"),
        NOTHING(""),
        WAITING_FOR_ON("waiting for {0} to answer before {1} on {2}: one command at a time per node and kind"),
        WAITING_FOR("waiting for {0} to answer before {1}: one command at a time per node and kind"),
        RESTARTED_UNANSWERED("manager restarted: the journal has an unanswered start or promotion on {0}: they might be running and are made sure out before the service starts elsewhere"),
        RESTARTED_BLOCKED("manager restarted: the journal says the cluster is BLOCKED ({0}); staying blocked until an operator clears it"),
        RESTARTED_BLOCKED_IN_MAINTENANCE("manager restarted: the journal says the cluster is BLOCKED ({0}); staying blocked until an operator clears it; maintenance is on until {1}"),
        RESTARTED_IN_MAINTENANCE("manager restarted: the journal says maintenance is on until {0}; observing the cluster when it ends"),
        MANAGER_STARTED("manager started: assuming nothing, observing the cluster"),
        IGNORED_OBSERVATION("ignored observation {0}: no longer waited for"),
        SEVERAL_RUNNING("the service runs on several nodes at once {0}: an operator must choose which one to keep"),
        ADOPTING("observed the service running on {0}{1}: adopting it"),
        STATE_UNKNOWN_ON(", state unknown on {0}"),
        ALSO_PRIMARY("replicas are also PRIMARY on {0}: securing and demoting them"),
        SEVERAL_PRIMARIES("the replicas are PRIMARY on several nodes at once {0} and the service runs nowhere: the data may have diverged; an operator must choose which copy to keep"),
        NO_CANDIDATE("no node can take the service ({0}): a candidate needs a confirmed-stopped service and an up-to-date replica, or an operator's force"),
        STARTING_FRESH("observed no running service{0}{1}: starting it on {2}"),
        PRIMARY_OR_UNREADABLE_ON(", a primary or unreadable replica on {0}"),
        CHECKING_STANDBYS("checking the standbys {0}: reachable, the service not running, the replica usable"),
        STANDBY_CHECK_NO_LONGER("standby check of {0}: {1} (no longer a standby)"),
        STANDBY_RUNS("standby check: the service runs on {0}, which should be a standby: a finding"),
        STANDBY_SERVICE("standby check: the service is {0} on {1}"),
        STANDBY_PRIMARY("standby check: the replica on {0} is PRIMARY, which no standby's may be: a finding"),
        STANDBY_REPLICA("standby check: the replica on {0} is {1}"),
        STANDBY_STILL_USABLE("standby check of {0}: usable"),
        STANDBY_STILL_UNUSABLE("standby check of {0}: still not usable ({1})"),
        STANDBY_USABLE_AGAIN("standby {0} can take over again"),
        STANDBY_UNUSABLE("standby {0} cannot take over: {1}"),
        IGNORED_PROBE_TIMER("ignored a replaced probe timer"),
        PROBE_NOT_NEEDED("probe not needed in phase {0}"),
        PROBING("probing {0}"),
        IGNORED_FENCE_DELAY("ignored a stale fencing delay"),
        FENCE_DELAY_PASSED("fencing delay for {0} has passed"),
        IGNORED_STANDBY_TIMER("ignored a replaced standby check timer"),
        STANDBY_CHECK_NOT_NEEDED("standby check not needed in phase {0}"),
        IGNORED_MAINTENANCE_TIMER("ignored a stale maintenance timer"),
        MAINTENANCE_RAN_OUT("maintenance ran out at its limit"),
        IGNORED_PROBE_RESULT("ignored a result of probe {0}: no longer waited for"),
        IGNORED_VERDICT("ignored a verdict from {0} about {1}: not the watched active node"),
        VERDICT_IN_MAINTENANCE("{0} of {1}: {2}; maintenance is on: recorded, no action"),
        VERDICT_GOOD("{0} of {1}: {2}{3}"),
        AGAIN_AFTER(" again after {0} bad probe(s)"),
        VERDICT_STARTING("{0} of {1}: STARTING, within start-up grace until {2}"),
        VERDICT_SERVICE_MAINTENANCE("{0} of {1}: service reports MAINTENANCE since {2}: no action until {3}"),
        FAILURE_SEEN("{0} of {1}: {2}{3}"),
        IN_PARENTHESES(" ({0})"),
        FAILURE_IGNORED("{0} -> no action: {1} is IGNORE in the failure table{2}"),
        DATABASE_TROUBLE(" (database trouble: a standby would not help)"),
        FAILURE_IN_GRACE("{0} -> not counted: within start-up grace until {1}"),
        FAILURE_COUNTED("{0} -> bad probe {1} of {2} in a row before acting"),
        FAILURE_CONFIRMED("{0} -> failure confirmed after {1} in a row"),
        NOT_HEALTHY_DURING_PLAN("the service on {0} did not become healthy during {1}: {2}"),
        FAILURE_BLOCKS("{0} on {1}: a standby would fail too, manual intervention needed"),
        NO_ACTION_FOR("no action for {0}"),
        RESTARTING("restarting {0} in place (restart {1} of {2} within {3})"),
        FAILOVER_BUDGET_SPENT("failover needed ({0}) but {1} failover(s) already happened within {2} (the budget is {3}): the service fails wherever it runs; leaving {4} as it is"),
        THE_CLUSTER("the cluster"),
        RESTARTS_SPENT_EVERYWHERE("the service also used up its restarts on {0} within {1}: a standby would fail too"),
        NO_USABLE_STANDBY("no standby is usable: {0}"),
        FAILOVER_NO_TARGET("failover needed ({0}) but {1}; leaving {2} as it is"),
        FAILING_OVER("failing over from {0} to {1}{2} (failover {3} of {4} within {5})"),
        FENCING_FIRST(", fencing {0} first"),
        BLOCKED("BLOCKED: {0}"),
        SECURE_BEFORE_PROMOTING("before promoting on {0}: {1} might be running the service (a start or promotion answered late or not at all): making sure they are out first"),
        SECURE_BEFORE_STARTING("before starting on {0}: {1} might be running the service (a start or promotion answered late or not at all): making sure they are out first"),
        FORCE_WITHDRAWN("the operator's force to promote the stale replica on {0} was withdrawn or expired before the promotion"),
        MAY_BE_PRIMARY_NO_FENCING("{0}: {1} may still hold a primary replica and no fencing level is configured"),
        MAY_BE_PRIMARY_FENCING("{0}: {1} may still hold a primary replica; fencing it before going on"),
        NO_FENCING_LEVEL("{0} is not confirmed stopped and no fencing level is configured: not taking over"),
        WAITING_FENCE_DELAY("waiting the fencing delay of {0} before fencing {1}"),
        SERVICE_RUNS("service runs on {0} under {1}"),
        RESTART_COMPLETED("restart of {0} completed: healthy again"),
        FAILOVER_COMPLETED("failover to {0} completed under {1}"),
        SWITCHOVER_COMPLETED("switchover to {0} completed under {1}"),
        RELINQUISHED("service stopped after the lease was lost: observing the cluster"),
        STRAY_SECURED("made sure the service runs only on {0} again"),
        STRAYS_FOUND("{0} might be running the service besides {1}: making sure they are out"),
        IGNORED_UNKNOWN_ANSWER("ignored {0} for command {1}: no such command is outstanding (answered already, or sent by an earlier run)"),
        IGNORED_WRONG_ANSWER("ignored {0} for command {1}: it does not answer {2} (wrong type or node); still waiting for the real answer"),
        LATE("{0} #{1} answered after its plan was abandoned"),
        LATE_FENCED("{0} ({1}); {2} has been fenced since: it is off"),
        LATE_ON_ACTIVE("{0} ({1}) on the active node {2}: it is watched"),
        LATE_MIGHT_RUN("{0} ({1}): {2} might be running the service{3}; it must be confirmed stopped or fenced before the service starts anywhere else"),
        ON_A_PRIMARY_REPLICA(" on a primary replica"),
        LATE_FENCE_OFF("{0}: {1} is verified off"),
        LATE_LEASE("{0}: {1} is not used; no later lease may reuse its epoch"),
        LATE_OTHER("{0}: {1}"),
        REPLICA_IS("replica on {0} is {1}"),
        REPLICA_FORCED("replica on {0} is {1}: promoting it anyway, forced by an operator"),
        CHECKING_NEXT_CANDIDATE("the replica on {0} is {1}: checking {2} instead, before touching {3}"),
        NO_CANDIDATE_REPLICA("failover needed ({0}) but no standby is usable (the replica on {1} is {2}); leaving {3} as it is"),
        SWITCHOVER_REFUSED_REPLICA("switchover to {0} refused: its replica is {1}"),
        PASSING_OVER("the replica on {0} is {1}: passing over it, failing over to {2} instead"),
        STALE_REPLICA("the replica on {0} is {1}: a replica that is not up to date is promoted only by an operator's force"),
        DEMOTE_FAILED("demoting the replicas on {0} failed ({1})"),
        DEMOTED("replicas on {0} demoted: {1}"),
        LEASE_NOT_GRANTED("the lease for {0} was not granted: {1} {2}{3}"),
        HELD_BY(" (held by {0})"),
        LEASE_WRONG_HOLDER("the coordinator granted the lease to {0} instead of {1}"),
        LEASE_EPOCH_REUSED("the coordinator granted {0}, not newer than {1}: refusing to act under a reused epoch"),
        LEASE_GRANT_ALREADY_LOST("lease {0} was reported lost before its grant arrived: not using it; {1} plan abandoned, observing the cluster again"),
        LEASE_GRANTED("lease granted: {0}"),
        OUTDATE_FAILED("outdating the replica on {0} failed ({1})"),
        OUTDATED("outdating the replica on {0}: {1}"),
        OUTDATE_FAILED_FENCED("outdating the replica on {0}: {1} (it is fenced; continuing)"),
        OUTDATE_FAILED_DEMOTED("outdating the replica on {0}: {1} (it is demoted; continuing)"),
        PROMOTE_FAILED("promoting the replicas on {0} failed: {1}"),
        PROMOTED("replicas promoted on {0}"),
        PROMOTED_FORCED("replicas promoted on {0} (forced by an operator)"),
        FORCE_USED_UP("the operator's force for {0} is used up"),
        ROUTE_FAILED("routing requests to {0} failed: {1}; the service runs there but clients may not reach it"),
        ROUTED("requests routed to {0}"),
        IGNORED_WHILE_WAITING_HEALTHY("ignored a command result while waiting for health"),
        LAUNCHED("service launched on {0} under {1}; start-up grace until {2}"),
        START_FAILED("the service failed to start on {0}: {1}; a start failure would repeat on any node, manual intervention needed"),
        START_UNKNOWN("starting the service on {0} ended {1}: its state is not known"),
        UNROUTED("unroute {0}: {1}"),
        STOPPED_GRACEFULLY("graceful stop of {0}: {1}"),
        KILLED("kill of {0}: {1}"),
        CONFIRMED_STOPPED("{0} confirmed stopped"),
        STILL_UP_AFTER_STOP("{0} still {1} after a graceful stop: killing"),
        CANNOT_RESTART_IN_PLACE("{0} is {1} after kill: cannot restart in place"),
        FENCING_AFTER_KILL("{0} is {1} after kill: fencing it"),
        FENCED("{0} fenced at level {1}: {2}"),
        FENCE_LEVEL_FAILED("fencing {0} at level {1} failed ({2}): trying the next level"),
        FENCING_FAILED("{0} could not be made sure out: not confirmed stopped and fencing failed at every level (last: {1}: {2})"),
        IGNORED_WHILE_FENCE_DELAY("ignored a result while waiting the fencing delay"),
        NOT_A_NODE("{0} is not a node of this cluster {1}"),
        MAINTENANCE_IS_ON("maintenance is on"),
        NOT_RUNNING("the cluster is {0}, not RUNNING"),
        ALREADY_ACTIVE("{0} is already active"),
        NOT_A_STANDBY("{0} is {1}, not a standby"),
        TARGET_MIGHT_RUN("{0} might be running the service (a start or promotion answered late or not at all)"),
        SWITCHOVER_REFUSED("switchover to {0} refused: {1}"),
        SWITCHOVER_REQUESTED("operator requested a switchover from {0} to {1}"),
        MAINTENANCE_NOT_ON("maintenance off requested, but maintenance is not on"),
        MAINTENANCE_ENDED_BY_OPERATOR("maintenance ended by the operator"),
        MAINTENANCE_CLAMPED(" (requested {0}, limited to the policy's maximum {1})"),
        MAINTENANCE_ON("maintenance on until {0}{1}: nothing will be started, stopped or moved"),
        ACTIONS_IN_FLIGHT("{0} action(s) still running, which cannot be cancelled: {1} (their answers are awaited and recorded)"),
        PLAN_ABANDONED_FOR_MAINTENANCE("{0} plan abandoned; the cluster is observed again when maintenance ends"),
        STILL_BLOCKED("still BLOCKED: {0}"),
        OBSERVING_BEFORE_ACTING("observing the cluster before acting again"),
        CLEAR_REFUSED("clear refused: {0} is not a node of this cluster {1}"),
        CLEARED("operator cleared the failure history{0}{1}"),
        FORCE_GIVEN("; the replica on {0} may be promoted although not up to date"),
        LEAVING_BLOCKED("; leaving BLOCKED (was: {0})"),
        OBSERVING_AGAIN("; observing the cluster again"),
        OBSERVING_WHEN_MAINTENANCE_ENDS("maintenance is on: observing the cluster when it ends"),
        LEASE_LOST_BEFORE_GRANT("lease {0}@{1} reported lost ({2}) before its grant arrived: it will not be used"),
        IGNORED_LEASE_LOSS("ignored the loss of lease {0}@{1}: not the lease in force ({2})"),
        NO_LEASE("none"),
        LEASE_SUPERSEDED("lease {0} superseded while a new lease for {1} is being acquired ({2})"),
        LEASE_LOST_BLOCKED("lease {0} lost ({1}); staying BLOCKED"),
        LEASE_LOST_IN_MAINTENANCE("lease {0} lost ({1}); maintenance is on: no action until it ends"),
        LEASE_LOST_NOTHING_RUNS("lease {0} lost ({1}) before the service ran: observing again"),
        LEASE_LOST_STOPPING("lease {0} lost ({1}): stopping the service on {2} so that no node acts without the lease");

        private final String template;
        private final String[] literals;
        private final int[] refs;
        private final int arity;

        Code(String template) {
            this.template = template;
            List<String> lit = new ArrayList<>();
            List<Integer> ref = new ArrayList<>();
            int max = -1;
            int from = 0;
            int i = template.indexOf('{');
            while (i >= 0) {
                int j = template.indexOf('}', i);
                int n = Integer.parseInt(template.substring(i + 1, j));
                lit.add(template.substring(from, i));
                ref.add(n);
                max = Math.max(max, n);
                from = j + 1;
                i = template.indexOf('{', from);
            }
            lit.add(template.substring(from));
            this.literals = lit.toArray(new String[0]);
            this.refs = ref.stream().mapToInt(Integer::intValue).toArray();
            this.arity = max + 1;
        }

        /** @return the sentence with placeholders {@code {0}}, {@code {1}}, … for the arguments */
        public String template() {
            return template;
        }

        /** @return how many arguments a reason of this code has */
        public int arity() {
            return arity;
        }
    }
}
