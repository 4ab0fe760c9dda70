package dev.ha4j.core.builtin;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data set replicated by several {@link Replicator}s (a home directory on DRBD and a database, say) that
 * must be promoted together or not at all. The set is itself a {@link Replicator}, so the runtime, the
 * simulator and the compatibility kit treat it like any other.
 *
 * <ul>
 *   <li><b>status</b>: the worst consistency of the members (up to date &lt; outdated &lt; unknown &lt;
 *       inconsistent &lt; split brain), with each member's role and consistency in the detail. The role is
 *       {@code PRIMARY} only when every member is primary, {@code SECONDARY} only when every member is
 *       secondary, and {@code UNKNOWN} otherwise: a half-promoted set is never reported as either.</li>
 *   <li><b>promote</b>: members in the order they were added; on the first failure (a non-OK result, a
 *       {@code null}, an exception) every member already promoted is demoted again, and the result names the
 *       member that failed and what the rollback did. If a rollback demote is not confirmed the outcome is
 *       {@code FAILED} and the detail names the members that may still be primary. A promotion under an epoch
 *       lower than the highest this set has seen is refused before any member is touched.</li>
 *   <li><b>demote</b> (with or without the epoch) and <b>outdatePeer</b>: every member, even after one fails;
 *       the outcome is the first non-OK one.</li>
 * </ul>
 *
 * <p>All members share one deadline: each call gets the time left of the caller's timeout, measured on a
 * monotonic ticker. A member whose turn comes after the deadline is not called and is reported as timed out
 * (for status: unknown). Rollback demotes get the time left but never less than
 * {@link Builder#rollbackTimeout(Duration)}, and run with the thread's interrupt status cleared (and restored
 * afterwards), because leaving half a data set primary is worse than overrunning a deadline.
 *
 * <pre>{@code
 * Replicator data = ReplicaSet.builder().name("data").replicator(drbdHome).replicator(postgres).build();
 * }</pre>
 *
 * <p>Thread-safe when its members are: it holds no mutable state but the highest epoch seen.
 */
public final class ReplicaSet implements Replicator {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}\\s][^\\p{Cntrl}]{0,63}");

    private final String name;
    private final List<Replicator> members;
    private final LongSupplier ticker;
    private final Duration rollbackTimeout;
    private final AtomicLong highestEpoch = new AtomicLong(Long.MIN_VALUE);

    private ReplicaSet(Builder b) {
        this.name = b.name;
        this.members = List.copyOf(b.members);
        this.ticker = b.ticker;
        this.rollbackTimeout = b.rollbackTimeout;
    }

    /** @return a builder; a name and at least one replicator are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the members, in promotion order */
    public List<Replicator> members() {
        return members;
    }

    /**
     * Orders consistencies from best to worst, so that the set reports its weakest member.
     *
     * @param c a consistency
     * @return its rank: 0 for up to date, higher for worse
     */
    public static int rank(Consistency c) {
        return switch (c) {
            case UP_TO_DATE -> 0;
            case OUTDATED -> 1;
            case UNKNOWN -> 2;
            case INCONSISTENT -> 3;
            case SPLIT_BRAIN -> 4;
        };
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        boolean allPrimary = true;
        boolean allSecondary = true;
        Consistency worst = Consistency.UP_TO_DATE;
        StringBuilder detail = new StringBuilder();
        for (Replicator r : members) {
            Duration left = left(deadline);
            ReplicaStatus s;
            if (left == null) {
                s = ReplicaStatus.unknown("not asked: the deadline had passed");
            } else {
                try {
                    s = r.status(node, left);
                    if (s == null) {
                        s = ReplicaStatus.unknown("returned null");
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("{}: status of {} from {} threw {}", name, node, r.name(), ex.toString());
                    s = ReplicaStatus.unknown("threw " + ex);
                }
            }
            allPrimary &= s.role() == ReplicaRole.PRIMARY;
            allSecondary &= s.role() == ReplicaRole.SECONDARY;
            if (rank(s.consistency()) > rank(worst)) {
                worst = s.consistency();
            }
            detail.append(detail.length() == 0 ? "" : ", ").append(memberName(r)).append('=').append(s.role())
                    .append('/').append(s.consistency());
            if (!s.detail().isEmpty()) {
                detail.append(" (").append(s.detail()).append(')');
            }
        }
        ReplicaRole role = allPrimary ? ReplicaRole.PRIMARY : allSecondary ? ReplicaRole.SECONDARY : ReplicaRole.UNKNOWN;
        if (role == ReplicaRole.UNKNOWN && members.size() > 1) {
            detail.insert(0, "members disagree or cannot tell: ");
        }
        return new ReplicaStatus(role, worst, detail.toString());
    }

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timeout, "timeout");
        long seen = highestEpoch.get();
        if (epoch.value() < seen) {
            return OpResult.refused(name + ": epoch " + epoch + " is older than e" + seen
                    + " already seen; no member was touched");
        }
        see(epoch);
        long deadline = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        List<Replicator> promoted = new ArrayList<>();
        for (Replicator r : members) {
            Duration left = left(deadline);
            OpResult res;
            if (left == null) {
                res = OpResult.timedOut("not tried: the deadline had passed");
            } else {
                try {
                    res = r.promote(node, epoch, force, left);
                    if (res == null) {
                        res = OpResult.failed("returned null");
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("{}: promote of {} on {} threw {}", name, r.name(), node, ex.toString());
                    res = OpResult.failed("threw " + ex);
                }
            }
            if (!res.isOk()) {
                return rollBack(node, epoch, deadline, promoted, r, res);
            }
            promoted.add(r);
        }
        return OpResult.ok("promoted " + names(promoted) + " on " + node);
    }

    /** All or none: a data set half promoted is worse than one not promoted at all. */
    private OpResult rollBack(NodeId node, Epoch epoch, long deadline, List<Replicator> promoted, Replicator failed,
            OpResult why) {
        StringBuilder detail = new StringBuilder(memberName(failed)).append(" not promoted: ").append(why);
        if (promoted.isEmpty()) {
            return new OpResult(why.outcome(), detail.append("; nothing to roll back").toString());
        }
        boolean interrupted = Thread.interrupted();
        List<Replicator> stillPrimary = new ArrayList<>();
        try {
            for (int i = promoted.size() - 1; i >= 0; i--) {
                Replicator r = promoted.get(i);
                Duration left = left(deadline);
                Duration t = left == null || left.compareTo(rollbackTimeout) < 0 ? rollbackTimeout : left;
                OpResult undo;
                try {
                    undo = r.demote(node, epoch, t);
                    if (undo == null) {
                        undo = OpResult.failed("returned null");
                    }
                } catch (RuntimeException ex) {
                    undo = OpResult.failed("threw " + ex);
                }
                detail.append("; rolled back ").append(memberName(r)).append(": ").append(undo);
                if (!undo.isOk()) {
                    stillPrimary.add(r);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!stillPrimary.isEmpty()) {
            LOG.error("{}: promotion on {} failed and the rollback of {} was not confirmed: they may still be primary",
                    name, node, names(stillPrimary));
            detail.append("; MAY STILL BE PRIMARY: ").append(names(stillPrimary));
            return OpResult.failed(detail.toString());
        }
        return new OpResult(why.outcome(), detail.toString());
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        return each("demote", timeout, (r, left) -> r.demote(node, left));
    }

    @Override
    public OpResult demote(NodeId node, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timeout, "timeout");
        see(epoch);
        return each("demote", timeout, (r, left) -> r.demote(node, epoch, left));
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timeout, "timeout");
        see(epoch);
        return each("outdatePeer", timeout, (r, left) -> r.outdatePeer(peer, epoch, left));
    }

    private interface MemberCall {
        OpResult call(Replicator r, Duration left);
    }

    private OpResult each(String what, Duration timeout, MemberCall op) {
        long deadline = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        Outcome outcome = Outcome.OK;
        StringBuilder detail = new StringBuilder();
        for (Replicator r : members) {
            Duration left = left(deadline);
            OpResult res;
            if (left == null) {
                res = OpResult.timedOut("not tried: the deadline had passed");
            } else {
                try {
                    res = op.call(r, left);
                    if (res == null) {
                        res = OpResult.failed("returned null");
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("{}: {} of {} threw {}", name, what, r.name(), ex.toString());
                    res = OpResult.failed("threw " + ex);
                }
            }
            detail.append(detail.length() == 0 ? "" : ", ").append(memberName(r)).append(": ").append(res);
            if (!res.isOk() && outcome.isOk()) {
                outcome = res.outcome();
            }
        }
        return new OpResult(outcome, detail.toString());
    }

    private void see(Epoch epoch) {
        highestEpoch.accumulateAndGet(epoch.value(), Math::max);
    }

    /** @return the time left before {@code deadline}, or null when none is left */
    private Duration left(long deadline) {
        long left = deadline - ticker.getAsLong();
        return left <= 0 ? null : Duration.ofNanos(left);
    }

    private static String memberName(Replicator r) {
        try {
            return r.name();
        } catch (RuntimeException ex) {
            return r.getClass().getSimpleName();
        }
    }

    private static String names(List<Replicator> rs) {
        StringBuilder b = new StringBuilder();
        for (Replicator r : rs) {
            b.append(b.length() == 0 ? "" : ", ").append(memberName(r));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ReplicaSet[" + name + ": " + names(members) + "]";
    }

    /**
     * Builds a {@link ReplicaSet}. Not thread-safe.
     */
    public static final class Builder {
        private String name;
        private final List<Replicator> members = new ArrayList<>();
        private LongSupplier ticker = System::nanoTime;
        private Duration rollbackTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * Names the data set in timelines and results.
         *
         * @param name letters, digits and {@code . _ : @ / -}, at most 64 characters, starting with a letter or
         *     digit
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Adds a member; members are promoted in the order they are added and rolled back in reverse.
         *
         * @param replicator the member
         * @return this builder
         */
        public Builder replicator(Replicator replicator) {
            members.add(Objects.requireNonNull(replicator, "replicator"));
            return this;
        }

        /**
         * Sets the monotonic time source that the shared deadline is measured on (the testkit's virtual time,
         * say); the default is {@link System#nanoTime()}.
         *
         * @param nanos returns a monotonic time in nanoseconds
         * @return this builder
         */
        public Builder ticker(LongSupplier nanos) {
            this.ticker = Objects.requireNonNull(nanos, "ticker");
            return this;
        }

        /**
         * Sets the least time each rollback demote gets even when the promotion's deadline has passed (default
         * 5 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder rollbackTimeout(Duration timeout) {
            this.rollbackTimeout = Objects.requireNonNull(timeout, "rollbackTimeout");
            return this;
        }

        /**
         * Builds the set.
         *
         * @return the replica set
         * @throws IllegalArgumentException naming the field when the name is missing or malformed, no member
         *     was added, a member was added twice, or the rollback timeout is not positive
         */
        public ReplicaSet build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name '" + name + "' must be 1 to 64 printable characters"
                        + " not starting with a blank");
            }
            if (members.isEmpty()) {
                throw new IllegalArgumentException("replicator: a replica set needs at least one member, has 0");
            }
            for (int i = 0; i < members.size(); i++) {
                for (int j = i + 1; j < members.size(); j++) {
                    if (members.get(i) == members.get(j)) {
                        throw new IllegalArgumentException("replicator " + memberName(members.get(i))
                                + " was added twice: each member must be added once");
                    }
                }
            }
            if (rollbackTimeout.isNegative() || rollbackTimeout.isZero()) {
                throw new IllegalArgumentException("rollbackTimeout " + rollbackTimeout + " must be positive");
            }
            return new ReplicaSet(this);
        }
    }
}
