package dev.ha4j.replication.drbd;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.core.spi.Replicator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Replicator} for one DRBD 9 resource over {@code drbdadm}/{@code drbdsetup}, run on each node through
 * that node's {@link CommandRunner} (local, in a namespace, over SSH).
 *
 * <ul>
 *   <li><b>status</b> from {@code drbdsetup events2 --now RES} (parsed by {@link Events2Parser}), falling back to
 *       {@code drbdsetup status --json RES}: role, every volume's disk, every peer's connection, role and disk,
 *       sync progress, quorum, {@code may_promote}, suspended I/O. Consistency is the worst volume's (Consistent
 *       counts as up to date only when every peer is proven Outdated); split brain wins over everything.</li>
 *   <li><b>promote</b> is refused, before any command, under an epoch older than one seen, on split brain, with
 *       a Primary peer, without quorum, or (unless forced) when a volume is not up to date or DRBD says
 *       {@code may_promote:no}. A forced promotion runs {@code drbdadm primary --force} and is logged and
 *       reported as forced. Exit codes 17 and 11 (and 5, 10, 20) become typed {@link Refusal}s. The state is
 *       read back after the command: a zero exit without a Primary role is a failure.</li>
 *   <li><b>demote</b> runs {@code drbdadm secondary} and succeeds only when the state read back is Secondary
 *       ({@code secondary} exits 0 even without the kernel module). {@link #demote(NodeId, Epoch, Duration)}
 *       refuses an epoch older than one seen.</li>
 *   <li><b>outdatePeer</b> runs {@code drbdadm outdate RES} on the peer, like DRBD's {@code outdate-peer.sh}:
 *       OK when the peer's disk reads back Outdated (or was Inconsistent, or is connected and in sync);
 *       REFUSED when the peer is Primary; FAILED when the peer cannot be reached, so the caller fences it.</li>
 *   <li><b>split brain</b> is detected, never acted on: two Primaries, a {@code split-brain} helper call seen in
 *       events2, or a StandAlone connection after {@link #noteSplitBrain(NodeId)} (the split-brain handler's
 *       report); it is cleared when the node is Connected again.</li>
 * </ul>
 *
 * <p>Also {@link #connect}, {@link #disconnect} and {@link #waitUpToDate} (which follows {@code events2} and
 * reports progress). The epoch seen last is kept in memory; start from a persisted value with
 * {@link Builder#lastEpoch(Epoch)}.
 *
 * <pre>{@code
 * Replicator home = DrbdReplicator.builder().resource("home")
 *         .node(NodeId.of("alice"), LocalCommandRunner.create())
 *         .node(NodeId.of("bob"), SshCommandRunner.builder().host("bob").user("root").build())
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe: its only mutable state is the epoch seen last and the split-brain notes.
 */
public final class DrbdReplicator implements Replicator {
    private static final Logger LOG = LoggerFactory.getLogger(DrbdReplicator.class);

    private final String resource;
    private final Map<NodeId, CommandRunner> runners;
    private final String drbdadm;
    private final String drbdsetup;
    private final Optional<Path> config;
    private final LongSupplier ticker;
    private final AtomicLong highestEpoch;
    private final Map<NodeId, Boolean> splitBrain = new ConcurrentHashMap<>();

    private DrbdReplicator(Builder b) {
        this.resource = b.resource;
        this.runners = Map.copyOf(b.runners);
        this.drbdadm = b.drbdadm;
        this.drbdsetup = b.drbdsetup;
        this.config = Optional.ofNullable(b.config);
        this.ticker = b.ticker;
        this.highestEpoch = new AtomicLong(b.lastEpoch.value());
    }

    /** @return a builder; a resource and at least one node are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "drbd:" + resource;
    }

    /** @return the resource name */
    public String resource() {
        return resource;
    }

    /** @return the highest epoch this replicator has seen */
    public Epoch lastEpoch() {
        return Epoch.of(Math.max(0, highestEpoch.get()));
    }

    /**
     * Records that DRBD reported a split brain on {@code node} (its {@code split-brain} handler ran): while the
     * node stays StandAlone its status is SPLIT_BRAIN and promotions are refused.
     *
     * @param node the node
     */
    public void noteSplitBrain(NodeId node) {
        LOG.error("{}: split brain reported on {}; an operator must choose the survivor", name(), node);
        splitBrain.put(Objects.requireNonNull(node, "node"), true);
    }

    private final class Deadline {
        final long end;

        Deadline(Duration timeout) {
            end = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        }

        Duration left() {
            return Duration.ofNanos(Math.max(0, end - ticker.getAsLong()));
        }

        boolean passed() {
            return end - ticker.getAsLong() <= 0;
        }
    }

    private CommandRunner runner(NodeId node) {
        CommandRunner r = runners.get(Objects.requireNonNull(node, "node"));
        if (r == null) {
            throw new IllegalArgumentException("node " + node + " is not a node of " + name() + ": " + runners.keySet());
        }
        return r;
    }

    private List<String> adm(String... args) {
        List<String> c = new ArrayList<>();
        c.add(drbdadm);
        config.ifPresent(p -> {
            c.add("-c");
            c.add(p.toString());
        });
        c.addAll(List.of(args));
        return c;
    }

    /** The state read from a node, or why it could not be read. */
    private record Read(DrbdResourceState state, boolean down, String failure, CommandResult command) {
        boolean ok() {
            return failure == null;
        }
    }

    private Read read(NodeId node, Deadline d) {
        CommandRunner r = runner(node);
        CommandResult ev = r.run(List.of(drbdsetup, "events2", "--now", resource), d.left());
        String why;
        if (ev.isSuccess()) {
            try {
                return found(node, Events2Parser.parse(ev.stdout()), ev);
            } catch (DrbdFormatException e) {
                why = e.getMessage();
            }
        } else {
            why = ev.describe();
        }
        if (ev.timedOut() || d.passed() || Thread.currentThread().isInterrupted() || ev.exitCode() == CommandResult.NO_EXIT
                || ev.exitCode() == SshCommandRunner.SSH_ERROR) {
            return new Read(null, false, why, ev);
        }
        CommandResult js = r.run(List.of(drbdsetup, "status", "--json", resource), d.left());
        if (js.isSuccess()) {
            try {
                return found(node, StatusJsonParser.parse(js.stdout()), js);
            } catch (DrbdFormatException e) {
                return new Read(null, false, why + "; " + e.getMessage(), js);
            }
        }
        return new Read(null, false, why + "; " + js.describe(), js);
    }

    private Read found(NodeId node, List<DrbdResourceState> all, CommandResult c) {
        for (DrbdResourceState s : all) {
            if (s.name().equals(resource)) {
                if (s.connections().stream().anyMatch(x -> "Connected".equals(x.state()))) {
                    splitBrain.remove(node);
                }
                if (s.splitBrainHelperCalled()) {
                    splitBrain.put(node, true);
                }
                return new Read(s, false, null, c);
            }
        }
        return new Read(null, true, null, c);
    }

    private boolean splitBrain(NodeId node, DrbdResourceState s) {
        if (s.isPrimary() && s.peerIsPrimary()) {
            return true;
        }
        return s.standAlone() && splitBrain.getOrDefault(node, false) || s.splitBrainHelperCalled();
    }

    private static Consistency disk(String disk) {
        return switch (disk) {
            case "UpToDate" -> Consistency.UP_TO_DATE;
            case "Outdated", "Consistent" -> Consistency.OUTDATED;
            case "Inconsistent", "Failed", "Diskless", "Attaching", "Detaching", "Negotiating" -> Consistency.INCONSISTENT;
            default -> Consistency.UNKNOWN;
        };
    }

    /**
     * Maps a read state to the SPI's status.
     *
     * @param node the node it was read on
     * @param s the state
     * @return the status
     */
    ReplicaStatus toStatus(NodeId node, DrbdResourceState s) {
        ReplicaRole role = s.isPrimary() ? ReplicaRole.PRIMARY : s.isSecondary() ? ReplicaRole.SECONDARY
                : ReplicaRole.UNKNOWN;
        StringBuilder detail = new StringBuilder(s.summary());
        Consistency worst;
        if (splitBrain(node, s)) {
            worst = Consistency.SPLIT_BRAIN;
            detail.append("; SPLIT BRAIN: an operator must choose the survivor");
        } else if (s.devices().isEmpty()) {
            worst = Consistency.UNKNOWN;
        } else if (s.promotable()) {
            worst = Consistency.UP_TO_DATE;
        } else {
            worst = Consistency.UP_TO_DATE;
            for (DrbdResourceState.Device d : s.devices()) {
                Consistency c = disk(d.disk());
                if (ReplicaSet.rank(c) > ReplicaSet.rank(worst)) {
                    worst = c;
                }
            }
        }
        if (s.quorumLost()) {
            detail.append("; no quorum");
        }
        if (s.suspended()) {
            detail.append("; I/O suspended");
        }
        s.mayPromote().ifPresent(m -> detail.append("; may_promote:").append(m ? "yes" : "no"));
        return new ReplicaStatus(role, worst, detail.toString());
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        Deadline d = new Deadline(timeout);
        Read r = read(node, d);
        if (!r.ok()) {
            return ReplicaStatus.unknown(node + ": " + r.failure());
        }
        if (r.down()) {
            // A resource that is down cannot be primary; whether its data is current cannot be told.
            return new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UNKNOWN, resource + " is down on " + node);
        }
        ReplicaStatus s = toStatus(node, r.state());
        if (r.state().isPrimary() && s.consistency() != Consistency.SPLIT_BRAIN
                && r.state().connections().stream().noneMatch(c -> "Connected".equals(c.state()))) {
            // Primary and cut off: a peer that is Primary too is a split brain that neither side sees alone.
            for (NodeId other : runners.keySet()) {
                if (!other.equals(node) && !d.passed()) {
                    // at most half the time left: an unreachable peer must not eat the whole status deadline
                    Read o = read(other, new Deadline(d.left().dividedBy(2)));
                    if (o.ok() && !o.down() && o.state().isPrimary()) {
                        LOG.error("{}: {} and {} are both Primary: split brain", name(), node, other);
                        return new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.SPLIT_BRAIN, s.detail()
                                + "; SPLIT BRAIN: " + other + " is Primary too");
                    }
                }
            }
        }
        return s;
    }

    /**
     * Reads the resource's state on a node.
     *
     * @param node the node
     * @param timeout the deadline
     * @return the state, or empty when it cannot be read or the resource is down
     */
    public Optional<DrbdResourceState> state(NodeId node, Duration timeout) {
        Read r = read(node, new Deadline(timeout));
        return r.ok() ? Optional.ofNullable(r.state()) : Optional.empty();
    }

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        return promoteDetailed(node, epoch, force, timeout).result();
    }

    /**
     * Promotes, as {@link #promote}, with the typed refusal, the command and the state read back.
     *
     * @param node the node that holds the lease
     * @param epoch the lease's epoch
     * @param force the operator's explicit choice to promote data that is not up to date
     * @param timeout the deadline
     * @return the detailed result
     */
    public DrbdResult promoteDetailed(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        Objects.requireNonNull(epoch, "epoch");
        Deadline d = new Deadline(timeout);
        long seen = highestEpoch.get();
        if (epoch.value() < seen) {
            return DrbdResult.refused(Refusal.STALE_EPOCH, "epoch " + epoch + " is older than e" + seen
                    + " already seen; nothing was run", null);
        }
        Read before = read(node, d);
        if (!before.ok()) {
            return new DrbdResult(fail(before.command(), "cannot read the state of " + resource + " on " + node + ": "
                    + before.failure()), Optional.empty(), Optional.ofNullable(before.command()), Optional.empty());
        }
        if (before.down()) {
            return new DrbdResult(OpResult.failed(resource + " is down on " + node + ": bring it up first"),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        DrbdResourceState s = before.state();
        if (splitBrain(node, s)) {
            return DrbdResult.refused(Refusal.SPLIT_BRAIN, s.summary() + "; an operator must resolve it", s);
        }
        if (s.peerIsPrimary()) {
            return DrbdResult.refused(Refusal.PEER_PRIMARY, s.summary(), s);
        }
        if (s.quorumLost()) {
            return DrbdResult.refused(Refusal.NO_QUORUM, s.summary(), s);
        }
        highestEpoch.accumulateAndGet(epoch.value(), Math::max);
        if (s.isPrimary()) {
            return new DrbdResult(OpResult.ok(resource + " already Primary on " + node), Optional.empty(),
                    Optional.empty(), Optional.of(s));
        }
        if (!force && !s.promotable()) {
            return DrbdResult.refused(Refusal.NOT_UP_TO_DATE, s.summary() + "; only an operator's force promotes it", s);
        }
        if (!force && s.mayPromote().equals(Optional.of(false))) {
            return DrbdResult.refused(Refusal.STATE_CHANGE_REFUSED, "DRBD says may_promote:no (" + s.summary() + ")", s);
        }
        if (force && !s.promotable()) {
            LOG.warn("{}: FORCED promotion on {} under {} of data that is not up to date ({}), by operator request",
                    name(), node, epoch, s.summary());
        }
        if (d.passed()) {
            return new DrbdResult(OpResult.timedOut("the deadline passed before drbdadm primary could run; nothing"
                    + " was changed"), Optional.empty(), Optional.empty(), Optional.of(s));
        }
        CommandResult c = runner(node).run(force ? adm("primary", "--force", resource) : adm("primary", resource),
                d.left());
        Read after = read(node, d);
        String forced = force ? "FORCED by operator: " : "";
        if (!c.isSuccess()) {
            Refusal why = Refusal.of(c);
            OpResult r = why != null ? OpResult.refused(forced + why + ": " + c.describe())
                    : fail(c, forced + c.describe());
            return new DrbdResult(r, Optional.ofNullable(why), Optional.of(c),
                    Optional.ofNullable(after.ok() ? after.state() : null));
        }
        if (!after.ok() || after.down() || !after.state().isPrimary()) {
            String seenAfter = !after.ok() ? "the state cannot be read: " + after.failure()
                    : after.down() ? "the resource is down" : "the role is " + after.state().role();
            return new DrbdResult(OpResult.failed(forced + c.describe() + " but " + seenAfter + ": not promoted"),
                    Optional.empty(), Optional.of(c), Optional.ofNullable(after.state()));
        }
        return new DrbdResult(OpResult.ok(forced + resource + " Primary on " + node + " under " + epoch + " ("
                + after.state().summary() + ")"), Optional.empty(), Optional.of(c), Optional.of(after.state()));
    }

    private static OpResult fail(CommandResult c, String detail) {
        return c != null && c.timedOut() ? OpResult.timedOut(detail) : OpResult.failed(detail);
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        return demoteDetailed(node, timeout).result();
    }

    @Override
    public OpResult demote(NodeId node, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(epoch, "epoch");
        long seen = highestEpoch.get();
        if (epoch.value() < seen) {
            return OpResult.refused(Refusal.STALE_EPOCH + ": demote under " + epoch + ", older than e" + seen
                    + " already seen; nothing was run");
        }
        highestEpoch.accumulateAndGet(epoch.value(), Math::max);
        return demote(node, timeout);
    }

    /**
     * Demotes, as {@link #demote(NodeId, Duration)}, with the typed refusal, the command and the state read back.
     *
     * @param node the node
     * @param timeout the deadline
     * @return the detailed result
     */
    public DrbdResult demoteDetailed(NodeId node, Duration timeout) {
        Deadline d = new Deadline(timeout);
        CommandResult c = runner(node).run(adm("secondary", resource), d.left());
        Read after = read(node, d);
        if (after.ok() && after.down()) {
            return new DrbdResult(OpResult.ok(resource + " is down on " + node + ": not primary"), Optional.empty(),
                    Optional.of(c), Optional.empty());
        }
        if (after.ok() && after.state().isSecondary()) {
            return new DrbdResult(OpResult.ok(resource + " Secondary on " + node), Optional.empty(), Optional.of(c),
                    Optional.of(after.state()));
        }
        Refusal why = c.isSuccess() ? null : Refusal.of(c);
        String seen = !after.ok() ? "the state cannot be read (" + after.failure() + ")"
                : "the role is still " + after.state().role();
        String detail = (c.isSuccess() ? c.describe() + " but " : c.describe() + "; ") + seen + ": demotion not confirmed";
        return new DrbdResult(fail(c, detail), Optional.ofNullable(why), Optional.of(c),
                Optional.ofNullable(after.ok() ? after.state() : null));
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(epoch, "epoch");
        Deadline d = new Deadline(timeout);
        long seen = highestEpoch.get();
        if (epoch.value() < seen) {
            return OpResult.refused(Refusal.STALE_EPOCH + ": outdate under " + epoch + ", older than e" + seen);
        }
        highestEpoch.accumulateAndGet(epoch.value(), Math::max);
        CommandRunner r = runner(peer);
        if (d.passed()) {
            return OpResult.timedOut("no time left to outdate " + peer);
        }
        CommandResult c = r.run(adm("outdate", resource), d.left());
        if (c.timedOut() || c.exitCode() == CommandResult.NO_EXIT || c.exitCode() == SshCommandRunner.SSH_ERROR) {
            return fail(c, "cannot reach " + peer + " to outdate it (" + c.describe() + "): fence it instead");
        }
        Read after = read(peer, d);
        if (c.exitCode() == 5) {
            return OpResult.ok(peer + " is inconsistent: it cannot be promoted with stale data (" + c.describe() + ")");
        }
        if (after.ok() && !after.down()) {
            DrbdResourceState s = after.state();
            if (s.isPrimary()) {
                return OpResult.refused(Refusal.PEER_PRIMARY + ": " + peer + " is Primary; it cannot be outdated ("
                        + s.summary() + ")");
            }
            if (s.devices().stream().allMatch(x -> "Outdated".equals(x.disk()) || "Inconsistent".equals(x.disk()))
                    && !s.devices().isEmpty()) {
                return OpResult.ok(peer + " outdated (" + s.summary() + ")");
            }
            if (!c.isSuccess() && s.connections().stream().anyMatch(x -> "Connected".equals(x.state()))
                    && c.stderr().contains("while Connected")) {
                return OpResult.ok(peer + " is connected and replicating: DRBD keeps it from being promoted stale ("
                        + s.summary() + ")");
            }
            return OpResult.failed(c.describe() + " but " + peer + " reads " + s.summary() + ": not outdated");
        }
        if (after.ok() && after.down()) {
            return OpResult.failed(resource + " is down on " + peer + ": outdate needs its meta data ("
                    + c.describe() + ")");
        }
        return fail(c, c.describe() + "; the state of " + peer + " cannot be read (" + after.failure() + ")");
    }

    /**
     * Connects the resource to its peers ({@code drbdadm connect}) and reads back that no connection is
     * StandAlone any more.
     *
     * @param node the node
     * @param timeout the deadline
     * @return OK when every connection is Connecting or Connected
     */
    public OpResult connect(NodeId node, Duration timeout) {
        Deadline d = new Deadline(timeout);
        CommandResult c = runner(node).run(adm("connect", resource), d.left());
        Read after = read(node, d);
        if (c.isSuccess() && after.ok() && !after.down() && after.state().standAlone()) {
            // DRBD accepted the connect and dropped to StandAlone at the handshake: the split-brain signal.
            noteSplitBrain(node);
            return OpResult.refused(Refusal.SPLIT_BRAIN + ": " + after.state().summary()
                    + " after connect; an operator must choose the survivor");
        }
        if (after.ok() && !after.down() && !after.state().connections().isEmpty()
                && after.state().connections().stream().allMatch(x -> "Connected".equals(x.state())
                || "Connecting".equals(x.state()))) {
            return OpResult.ok(after.state().summary());
        }
        return fail(c, c.describe() + "; " + (after.ok() ? after.down() ? "down" : after.state().summary()
                : after.failure()) + ": not connected");
    }

    /**
     * Disconnects the resource from its peers ({@code drbdadm disconnect}) and reads back StandAlone.
     *
     * @param node the node
     * @param timeout the deadline
     * @return OK when every connection is StandAlone
     */
    public OpResult disconnect(NodeId node, Duration timeout) {
        Deadline d = new Deadline(timeout);
        CommandResult c = runner(node).run(adm("disconnect", resource), d.left());
        Read after = read(node, d);
        if (after.ok() && !after.down() && after.state().connections().stream()
                .allMatch(x -> "StandAlone".equals(x.state()))) {
            return OpResult.ok(after.state().summary());
        }
        return fail(c, c.describe() + "; " + (after.ok() ? after.down() ? "down" : after.state().summary()
                : after.failure()) + ": not disconnected");
    }

    /**
     * Waits until every volume on {@code node} is UpToDate, every peer is Connected and no peer volume is
     * resynchronising (in sync, not merely up to date alone), following
     * {@code drbdsetup events2 RES} (no polling), and reports the resync progress as it changes.
     *
     * @param node the node
     * @param timeout the deadline
     * @param progress told every change of progress; may be a no-op
     * @return OK when in sync; TIMED_OUT with the last progress at the deadline; FAILED on a split-brain helper
     *     call
     */
    public OpResult waitUpToDate(NodeId node, Duration timeout, Consumer<SyncProgress> progress) {
        Objects.requireNonNull(progress, "progress");
        Events2Parser p = new Events2Parser();
        double[] last = {-1};
        String[] summary = {""};
        String[] bad = {null};
        CommandResult c = runner(node).stream(List.of(drbdsetup, "events2", resource), timeout, line -> {
            try {
                p.accept(line);
            } catch (DrbdFormatException e) {
                bad[0] = e.getMessage();
                return true;
            }
            if (!p.initialDumpDone()) {
                return false;
            }
            Optional<DrbdResourceState> s = p.snapshot().stream().filter(x -> x.name().equals(resource)).findFirst();
            if (s.isEmpty()) {
                return false;
            }
            summary[0] = s.get().summary();
            if (s.get().splitBrainHelperCalled()) {
                splitBrain.put(node, true);
                bad[0] = Refusal.SPLIT_BRAIN + ": DRBD called its split-brain helper (" + summary[0] + ")";
                return true;
            }
            OptionalDouble done = s.get().syncProgress();
            if (done.isPresent() && done.getAsDouble() != last[0]) {
                last[0] = done.getAsDouble();
                try {
                    progress.accept(new SyncProgress(node, last[0], summary[0]));
                } catch (RuntimeException e) {
                    LOG.warn("{}: a progress listener threw {}", name(), e.toString());
                }
            }
            return upToDate(s.get());
        });
        if (bad[0] != null) {
            return OpResult.failed(bad[0]);
        }
        if (c.isSuccess() && !summary[0].isEmpty()) {
            return OpResult.ok(resource + " up to date on " + node + " (" + summary[0] + ")");
        }
        String where = last[0] >= 0 ? String.format(java.util.Locale.ROOT, "%.2f%% synced", last[0]) : summary[0];
        return c.timedOut() ? OpResult.timedOut("not up to date at the deadline: " + where)
                : OpResult.failed(c.describe() + (where.isEmpty() ? "" : "; " + where));
    }

    private static boolean upToDate(DrbdResourceState s) {
        return s.allUpToDate() && s.connections().stream().allMatch(c -> "Connected".equals(c.state()))
                && s.connections().stream().flatMap(c -> c.peerDevices().stream())
                .noneMatch(p -> p.replication().startsWith("Sync") || p.replication().startsWith("PausedSync")
                        || p.replication().startsWith("StartingSync") || p.replication().startsWith("WF"));
    }

    @Override
    public String toString() {
        return "DrbdReplicator[" + resource + " on " + runners.size() + " node(s)]";
    }

    /** Builds a {@link DrbdReplicator}. Not thread-safe. */
    public static final class Builder {
        private String resource;
        private final Map<NodeId, CommandRunner> runners = new LinkedHashMap<>();
        private String drbdadm = "drbdadm";
        private String drbdsetup = "drbdsetup";
        private Path config;
        private LongSupplier ticker = System::nanoTime;
        private Epoch lastEpoch = Epoch.NONE;

        private Builder() {
        }

        /**
         * Sets the DRBD resource.
         *
         * @param resource its name as in the DRBD configuration
         * @return this builder
         */
        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        /**
         * Adds a node and how to run commands on it.
         *
         * @param node the node
         * @param runner its command runner
         * @return this builder
         */
        public Builder node(NodeId node, CommandRunner runner) {
            runners.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(runner, "runner"));
            return this;
        }

        /**
         * Sets the {@code drbdadm} program (default: {@code drbdadm} on the runner's {@code PATH}).
         *
         * @param program a program name or absolute path
         * @return this builder
         */
        public Builder drbdadm(String program) {
            this.drbdadm = program;
            return this;
        }

        /**
         * Sets the {@code drbdsetup} program (default: {@code drbdsetup} on the runner's {@code PATH}).
         *
         * @param program a program name or absolute path
         * @return this builder
         */
        public Builder drbdsetup(String program) {
            this.drbdsetup = program;
            return this;
        }

        /**
         * Sets a configuration file for {@code drbdadm -c} (default: DRBD's own, {@code /etc/drbd.conf}).
         *
         * @param file the file on the nodes
         * @return this builder
         */
        public Builder configFile(Path file) {
            this.config = Objects.requireNonNull(file, "configFile");
            return this;
        }

        /**
         * Sets the monotonic time source deadlines are measured on (default {@link System#nanoTime()}).
         *
         * @param nanos returns a monotonic time in nanoseconds
         * @return this builder
         */
        public Builder ticker(LongSupplier nanos) {
            this.ticker = Objects.requireNonNull(nanos, "ticker");
            return this;
        }

        /**
         * Sets the highest epoch already seen (persisted by the caller), below which promotions are refused.
         *
         * @param epoch the epoch
         * @return this builder
         */
        public Builder lastEpoch(Epoch epoch) {
            this.lastEpoch = Objects.requireNonNull(epoch, "lastEpoch");
            return this;
        }

        /**
         * Builds the replicator.
         *
         * @return the replicator
         * @throws IllegalArgumentException naming the field when the resource name is invalid, no node was given,
         *     or a program name is blank or has characters a command line should not carry
         */
        public DrbdReplicator build() {
            DrbdNames.resource("resource", resource);
            if (runners.isEmpty()) {
                throw new IllegalArgumentException("node: at least one node and its command runner are required");
            }
            program("drbdadm", drbdadm);
            program("drbdsetup", drbdsetup);
            if (config != null) {
                program("configFile", config.toString());
            }
            return new DrbdReplicator(this);
        }

        private static void program(String field, String value) {
            if (value == null || !value.matches("[A-Za-z0-9/_.+-]{1,4096}") || value.startsWith("-")) {
                throw new IllegalArgumentException(field + " '" + value + "' must be a program name or path of"
                        + " letters, digits and / _ . + -, not starting with -");
            }
        }
    }
}
