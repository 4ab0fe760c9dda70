package dev.ha4j.replication.postgres;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.replication.postgres.internal.DataDirectory;
import dev.ha4j.replication.postgres.internal.Deadline;
import dev.ha4j.replication.postgres.internal.Sql;
import dev.ha4j.replication.postgres.internal.Tool;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Replicator} over PostgreSQL streaming replication.
 *
 * <ul>
 *   <li><b>Status</b> reads each server through JDBC ({@code pg_is_in_recovery()}, WAL positions,
 *       {@code pg_stat_wal_receiver}, {@code pg_stat_replication}). A standby is UP_TO_DATE only when it streams
 *       from the current primary and — in {@link ReplicationMode#SYNCHRONOUS} mode — the primary reports it as its
 *       synchronous standby, so it has flushed every acknowledged commit; in {@link ReplicationMode#ASYNCHRONOUS}
 *       mode when its replay lag is within {@link PostgresReplicationConfig#maximumLagBytes()}. When the primary
 *       is gone, the replicator judges from its last sighting of that primary (the synchronous standby stays up
 *       to date; an asynchronous one is compared with the primary's last known position). When it cannot be
 *       told, the consistency is UNKNOWN, never UP_TO_DATE.</li>
 *   <li><b>Promote</b> refuses a stale epoch (older than one this replicator saw or than the one recorded in
 *       the database), refuses a standby that is not up to date unless forced, runs
 *       {@code pg_promote(wait => true)} and then records the epoch in a one-row table of the promoted database —
 *       which also proves that it accepts writes.</li>
 *   <li><b>Demote</b> turns a node into a standby of the current primary: stop ({@code pg_ctl stop -m fast}),
 *       {@code pg_rewind} from the primary when the timelines diverged (its own configuration files are kept),
 *       {@code standby.signal} and {@code primary_conninfo}, start; when {@code pg_rewind} cannot do it, the result
 *       says the node needs a rebuild, and it is left stopped with {@code standby.signal}.</li>
 *   <li><b>Outdate peer</b> (resource fencing) stops the peer if it still runs as a primary and places
 *       {@code standby.signal} in its data directory: if it starts again it comes back as a standby and accepts
 *       no writes.</li>
 * </ul>
 *
 * <p>The tools ({@code pg_ctl}, {@code pg_rewind}) run on this JVM's host against each node's data directory,
 * as the node's {@link PostgresNode#osUser()}; the nodes' data directories must therefore be reachable from
 * here. Every call honours its deadline, including against a server that accepts connections and never
 * answers, and returns expected failures as results.
 *
 * <p>Thread-safe. {@link #close()} stops its worker threads.
 */
public final class PostgresReplicator implements Replicator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresReplicator.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._-]{0,62}");
    private static final Set<String> SYNC_COMMITS = Set.of("on", "remote_apply", "remote_write");

    private final String name;
    private final PostgresReplicationConfig config;
    private final Sql sql = new Sql();
    private final AtomicLong highestEpoch = new AtomicLong();
    private final Map<NodeId, Sighting> sightings = new ConcurrentHashMap<>();

    /** What a primary said about one standby when it was last read. */
    private record Sighting(NodeId primary, long timeline, long primaryLsn, boolean streaming, boolean synchronous,
            long atNanos) {
    }

    private record Verdict(Consistency consistency, String detail) {
    }

    private PostgresReplicator(Builder b) {
        this.name = b.name;
        this.config = b.config;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the configuration */
    public PostgresReplicationConfig config() {
        return config;
    }

    /** @return the highest epoch this replicator has seen (promoted with or read from a database) */
    public Epoch highestEpochSeen() {
        return Epoch.of(highestEpoch.get());
    }

    // ---------------------------------------------------------------------------------------------------- status

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        Deadline d = Deadline.in(timeout);
        Optional<PostgresNode> n = config.node(node);
        if (n.isEmpty()) {
            return ReplicaStatus.unknown(node + " is not a node of " + name);
        }
        PostgresNodeStatus o = inspect(n.get(), d.share(0.45));
        if (!o.reachable()) {
            return ReplicaStatus.unknown(o.problem());
        }
        if (o.primary()) {
            return primaryStatus(o);
        }
        Verdict v = judgeStandby(n.get(), o, d);
        return new ReplicaStatus(ReplicaRole.SECONDARY, v.consistency(), v.detail());
    }

    private ReplicaStatus primaryStatus(PostgresNodeStatus o) {
        long seen = highestEpoch.get();
        if (o.recordedEpoch() < seen) {
            return new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.OUTDATED, "stale primary: its database records "
                    + Epoch.of(o.recordedEpoch()) + " but " + Epoch.of(seen) + " was promoted since; it must not"
                    + " take writes (demote it)");
        }
        long streaming = o.standbys().stream().filter(s -> "streaming".equals(s.state())).count();
        return new ReplicaStatus(ReplicaRole.PRIMARY, Consistency.UP_TO_DATE, "primary on timeline " + o.timeline()
                + ", epoch " + Epoch.of(o.recordedEpoch()) + ", " + streaming + " standby(s) streaming");
    }

    /**
     * Reads what {@code node}'s server says about itself (see {@link PostgresNodeStatus}); never throws.
     *
     * @param node the node
     * @param timeout the deadline
     * @return its status; {@code reachable()} false with the reason when it does not answer
     */
    public PostgresNodeStatus inspect(NodeId node, Duration timeout) {
        return config.node(node).map(n -> inspect(n, Deadline.in(timeout)))
                .orElseGet(() -> PostgresNodeStatus.unreachable(node, node + " is not a node of " + name));
    }

    private PostgresNodeStatus inspect(PostgresNode n, Deadline d) {
        Sql.Attempt<PostgresNodeStatus> a = sql.call(url(n), connectionProperties(), d, c -> read(n, c));
        if (!a.ok()) {
            return PostgresNodeStatus.unreachable(n.id(), describe(n, a));
        }
        PostgresNodeStatus o = a.value();
        highestEpoch.accumulateAndGet(o.recordedEpoch(), Math::max);
        if (o.primary()) {
            remember(o);
        }
        return o;
    }

    private static String describe(PostgresNode n, Sql.Attempt<?> a) {
        String what = switch (a.failure()) {
            case UNREACHABLE -> "unreachable";
            case AUTHENTICATION -> "refused the credentials";
            case TIMED_OUT -> "did not answer in time";
            case INTERRUPTED -> "not asked (interrupted)";
            case ERROR -> "answered with an error";
        };
        return "PostgreSQL on " + n + " " + what + ": " + a.message();
    }

    private PostgresNodeStatus read(PostgresNode n, Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            boolean recovery;
            try (ResultSet r = s.executeQuery("select pg_is_in_recovery()")) {
                r.next();
                recovery = r.getBoolean(1);
            }
            long epoch = readEpoch(s);
            if (!recovery) {
                long lsn;
                long tli;
                String names;
                String commit;
                try (ResultSet r = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,"
                        + " ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint,"
                        + " current_setting('synchronous_standby_names'), current_setting('synchronous_commit')")) {
                    r.next();
                    lsn = r.getLong(1);
                    tli = r.getLong(2);
                    names = r.getString(3);
                    commit = r.getString(4);
                }
                List<PostgresNodeStatus.Standby> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery("select coalesce(application_name, ''), coalesce(state, ''),"
                        + " coalesce(sync_state, ''), coalesce(pg_wal_lsn_diff(flush_lsn, '0/0')::bigint, -1),"
                        + " coalesce(pg_wal_lsn_diff(replay_lsn, '0/0')::bigint, -1) from pg_stat_replication")) {
                    while (r.next()) {
                        rows.add(new PostgresNodeStatus.Standby(r.getString(1), r.getString(2), r.getString(3),
                                r.getLong(4), r.getLong(5)));
                    }
                }
                return new PostgresNodeStatus(n.id(), true, "", true, tli, lsn, -1, -1, false, -1, "", "", -1, -1,
                        epoch, names, commit, rows);
            }
            long receive;
            long replay;
            long sinceReplay;
            boolean paused;
            try (ResultSet r = s.executeQuery("select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')"
                    + "::bigint, -1), coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint, -1),"
                    + " coalesce((extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::bigint, -1),"
                    + " pg_is_wal_replay_paused()")) {
                r.next();
                receive = r.getLong(1);
                replay = r.getLong(2);
                sinceReplay = r.getLong(3);
                paused = r.getBoolean(4);
            }
            String status = "";
            String host = "";
            int port = -1;
            // Without a WAL receiver the timeline is not known: the last checkpoint's lags behind a timeline
            // switch until the next restartpoint, and would make a good standby look diverged.
            long tli = -1;
            long sinceMessage = -1;
            try (ResultSet r = s.executeQuery("select coalesce(status, ''), coalesce(sender_host, ''),"
                    + " coalesce(sender_port, -1), coalesce(received_tli, -1),"
                    + " coalesce((extract(epoch from now() - last_msg_receipt_time) * 1000)::bigint, -1)"
                    + " from pg_stat_wal_receiver")) {
                if (r.next()) {
                    status = r.getString(1);
                    host = r.getString(2);
                    port = r.getInt(3);
                    if (r.getLong(4) > 0) {
                        tli = r.getLong(4);
                    }
                    sinceMessage = r.getLong(5);
                }
            }
            return new PostgresNodeStatus(n.id(), true, "", false, tli, -1, receive, replay, paused, sinceReplay,
                    status, host, port, sinceMessage, epoch, "", "", List.of());
        }
    }

    private long readEpoch(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("select to_regclass('" + config.epochTable() + "') is not null")) {
            r.next();
            if (!r.getBoolean(1)) {
                return 0;
            }
        }
        try (ResultSet r = s.executeQuery("select coalesce(max(epoch), 0) from " + config.epochTable())) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Keeps what a primary says about its standbys, for when that primary is gone. */
    private void remember(PostgresNodeStatus p) {
        boolean commitWaits = SYNC_COMMITS.contains(p.synchronousCommit());
        for (PostgresNode n : config.nodes()) {
            if (n.id().equals(p.node())) {
                continue;
            }
            Optional<PostgresNodeStatus.Standby> row = p.standby(n.id().name());
            boolean streaming = row.map(r -> "streaming".equals(r.state())).orElse(false);
            // Only "sync": a "quorum" standby (ANY k of n, k < n) may miss commits the others acknowledged.
            boolean sync = streaming && commitWaits && row.map(r -> "sync".equals(r.syncState())).orElse(false);
            sightings.put(n.id(), new Sighting(p.node(), p.timeline(), p.currentLsn(), streaming, sync,
                    System.nanoTime()));
        }
    }

    private Optional<PostgresNodeStatus> findPrimary(PostgresNode except, Deadline d) {
        List<PostgresNode> others = new ArrayList<>(config.nodes());
        others.removeIf(x -> x.id().equals(except.id()));
        int left = others.size();
        for (PostgresNode other : others) {
            PostgresNodeStatus o = inspect(other, d.share(1.0 / Math.max(1, left--)));
            if (o.reachable() && o.primary()) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    private Verdict judgeStandby(PostgresNode n, PostgresNodeStatus o, Deadline d) {
        Optional<PostgresNodeStatus> p = findPrimary(n, d);
        if (p.isPresent()) {
            return judgeAgainst(n, o, p.get());
        }
        Sighting s = sightings.get(n.id());
        if (s == null) {
            return new Verdict(Consistency.UNKNOWN, "standby; no primary reachable and none seen before: cannot tell"
                    + " what it misses" + position(o));
        }
        long ago = Duration.ofNanos(System.nanoTime() - s.atNanos()).toMillis();
        if (s.primary().equals(n.id())) {
            return new Verdict(Consistency.UP_TO_DATE, "standby since this replicator demoted it from primary "
                    + ago + " ms ago, with no other primary: it holds every commit it acknowledged" + position(o));
        }
        String when = s.primary() + " unreachable, last seen " + ago + " ms ago";
        if (o.timeline() > 0 && s.timeline() > 0 && o.timeline() != s.timeline()) {
            return new Verdict(Consistency.OUTDATED, "standby on timeline " + o.timeline() + " but " + s.primary()
                    + " was on timeline " + s.timeline() + "; " + when);
        }
        if (!s.streaming()) {
            return new Verdict(Consistency.OUTDATED, "standby was not streaming from " + s.primary()
                    + " when last seen; " + when + position(o));
        }
        if (config.mode() == ReplicationMode.SYNCHRONOUS) {
            if (s.synchronous()) {
                return new Verdict(Consistency.UP_TO_DATE, "was the synchronous standby of " + s.primary() + "; "
                        + when + ": every commit it acknowledged was flushed here" + position(o));
            }
            return new Verdict(Consistency.OUTDATED, "was not the synchronous standby of " + s.primary() + "; "
                    + when + position(o));
        }
        long lag = Math.max(0, s.primaryLsn() - o.replayLsn());
        if (ago > config.streamingTimeout().toMillis() && lag <= config.maximumLagBytes()) {
            // An old sighting would compare the standby with where the primary was long ago.
            return new Verdict(Consistency.UNKNOWN, "asynchronous standby; " + when + ", longer ago than the"
                    + " streaming timeout " + config.streamingTimeout() + ": cannot bound what it misses"
                    + position(o));
        }
        if (o.replayLsn() < 0 || lag > config.maximumLagBytes()) {
            return new Verdict(Consistency.OUTDATED, "replay lag at least " + lag + " bytes behind the last known"
                    + " position of " + s.primary() + ", more than the maximum " + config.maximumLagBytes() + "; "
                    + when + position(o));
        }
        return new Verdict(Consistency.UP_TO_DATE, "replay lag " + lag + " bytes behind the last known position of "
                + s.primary() + " (maximum " + config.maximumLagBytes() + "); " + when
                + "; asynchronous: what it committed since may be lost" + position(o));
    }

    private Verdict judgeAgainst(PostgresNode n, PostgresNodeStatus o, PostgresNodeStatus p) {
        PostgresNode pn = config.node(p.node()).orElseThrow();
        long replayLag = o.replayLsn() < 0 ? -1 : Math.max(0, p.currentLsn() - o.replayLsn());
        long receiveLag = o.receiveLsn() < 0 ? -1 : Math.max(0, p.currentLsn() - o.receiveLsn());
        String lags = "; replay lag " + replayLag + " bytes, receive lag " + receiveLag + " bytes"
                + (o.replayPaused() ? ", replay paused" : "")
                + (o.millisSinceLastReplay() >= 0 ? ", last replayed transaction " + o.millisSinceLastReplay()
                        + " ms ago" : "");
        if (!"streaming".equals(o.walReceiverStatus())) {
            String why = " (primary on timeline " + p.timeline() + "; a standby that diverged needs demote:"
                    + " pg_rewind)";
            return new Verdict(Consistency.OUTDATED, "standby not streaming from the primary " + p.node()
                    + (o.walReceiverStatus().isEmpty() ? ": no WAL receiver" : ": WAL receiver "
                    + o.walReceiverStatus()) + why + lags);
        }
        if (!sameServer(o, pn)) {
            return new Verdict(Consistency.OUTDATED, "standby replicates from " + o.senderHost() + ":"
                    + o.senderPort() + ", not from the primary " + pn + lags);
        }
        if (o.timeline() != p.timeline()) {
            return new Verdict(Consistency.OUTDATED, "standby on timeline " + o.timeline() + ", primary "
                    + p.node() + " on " + p.timeline() + lags);
        }
        if (o.millisSinceLastMessage() > config.streamingTimeout().toMillis()) {
            return new Verdict(Consistency.OUTDATED, "no message from the primary " + p.node() + " for "
                    + o.millisSinceLastMessage() + " ms (streaming timeout " + config.streamingTimeout() + ")" + lags);
        }
        if (config.mode() == ReplicationMode.SYNCHRONOUS) {
            Optional<PostgresNodeStatus.Standby> row = p.standby(n.id().name());
            String syncState = row.map(PostgresNodeStatus.Standby::syncState).orElse("not listed");
            boolean sync = row.isPresent() && "sync".equals(syncState)
                    && SYNC_COMMITS.contains(p.synchronousCommit());
            if (!sync) {
                return new Verdict(Consistency.OUTDATED, "not the synchronous standby of " + p.node()
                        + " (sync_state " + syncState + ", synchronous_standby_names '" + p.synchronousStandbyNames()
                        + "', synchronous_commit " + p.synchronousCommit() + ")" + lags);
            }
            return new Verdict(Consistency.UP_TO_DATE, "synchronous standby of " + p.node() + " on timeline "
                    + p.timeline() + ": it has flushed every acknowledged commit" + lags);
        }
        if (replayLag < 0 || replayLag > config.maximumLagBytes()) {
            return new Verdict(Consistency.OUTDATED, "asynchronous standby of " + p.node() + " too far behind:"
                    + " replay lag " + replayLag + " bytes > maximum " + config.maximumLagBytes() + lags);
        }
        return new Verdict(Consistency.UP_TO_DATE, "asynchronous standby of " + p.node() + " within the maximum lag "
                + config.maximumLagBytes() + " bytes" + lags);
    }

    private static boolean sameServer(PostgresNodeStatus standby, PostgresNode primary) {
        return standby.senderPort() == primary.port() && (standby.senderHost().equals(primary.host())
                || standby.senderHost().startsWith("/"));
    }

    private static String position(PostgresNodeStatus o) {
        return "; received " + o.receiveLsn() + ", replayed " + o.replayLsn() + (o.replayPaused() ? " (paused)" : "");
    }

    // --------------------------------------------------------------------------------------------------- promote

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        if (Thread.currentThread().isInterrupted()) {
            return OpResult.failed("interrupted before promoting " + node + "; nothing was done");
        }
        Deadline d = Deadline.in(timeout);
        Optional<PostgresNode> cfg = config.node(node);
        if (cfg.isEmpty()) {
            return OpResult.failed(node + " is not a node of " + name);
        }
        PostgresNode n = cfg.get();
        long seen = highestEpoch.get();
        if (epoch.value() < seen) {
            return OpResult.refused("stale epoch " + epoch + ": " + Epoch.of(seen) + " was seen already");
        }
        PostgresNodeStatus o = inspect(n, d.share(0.3));
        if (!o.reachable()) {
            return failure(o.problem());
        }
        if (o.recordedEpoch() > epoch.value()) {
            return OpResult.refused("stale epoch " + epoch + ": the database on " + node + " records "
                    + Epoch.of(o.recordedEpoch()));
        }
        if (o.primary()) {
            OpResult r = recordEpoch(n, epoch, force, d);
            return r.isOk() ? OpResult.ok("already primary on timeline " + o.timeline() + "; " + r.detail()) : r;
        }
        Verdict v = judgeStandby(n, o, d.share(0.4));
        String forced = "";
        if (v.consistency() != Consistency.UP_TO_DATE) {
            if (!force) {
                return OpResult.refused("not promoting " + node + ": " + v.consistency() + ": " + v.detail());
            }
            forced = "; FORCED by an operator although " + v.consistency() + ": " + v.detail();
            LOG.warn("forced promotion of {} under {} although {}: {}", node, epoch, v.consistency(), v.detail());
        }
        long started = System.nanoTime();
        int wait = Math.max(1, (int) Math.min(Integer.MAX_VALUE, d.remaining().multipliedBy(8).dividedBy(10)
                .toSeconds()));
        Sql.Attempt<Boolean> p = sql.call(url(n), connectionProperties(), d, c -> {
            try (PreparedStatement s = c.prepareStatement("select pg_promote(true, ?)")) {
                s.setInt(1, wait);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getBoolean(1);
                }
            }
        });
        if (!p.ok()) {
            return failure(describe(n, p) + " (pg_promote may still complete; check its status)");
        }
        if (!p.value()) {
            return OpResult.timedOut("pg_promote on " + node + " did not finish within " + wait + " s");
        }
        String sync = "";
        if (config.mode() == ReplicationMode.SYNCHRONOUS) {
            // Its old standby is gone or outdated: waiting for it would block every commit. Like Patroni's
            // (non-strict) synchronous mode, the new primary runs alone until demote() rejoins a standby and
            // names it again; meanwhile no standby counts as up to date.
            Sql.Attempt<Boolean> off = sql.call(url(n), connectionProperties(), d, c -> setSynchronousNames(c, ""));
            sync = off.ok() ? "; synchronous_standby_names cleared until a standby rejoins"
                    : "; could not clear synchronous_standby_names: " + off.message();
        }
        OpResult r = recordEpoch(n, epoch, !forced.isEmpty(), d);
        if (!r.isOk()) {
            return OpResult.failed("promoted " + node + " but it does not take the epoch record: " + r.detail()
                    + sync);
        }
        // pg_rewind reads the timeline from the source's control file, which a promotion updates only at the
        // next checkpoint: without one, rewinding the old primary from here would find "no rewind required".
        sql.call(url(n), connectionProperties(), d, c -> {
            try (Statement st = c.createStatement()) {
                return st.execute("checkpoint");
            }
        });
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        LOG.info("promoted {} under {} in {} ms{}", node, epoch, ms, forced);
        return OpResult.ok("promoted " + node + " in " + ms + " ms; " + r.detail() + sync + "; before: "
                + v.detail() + forced);
    }

    private static OpResult failure(String detail) {
        return detail.contains("did not answer in time") ? OpResult.timedOut(detail) : OpResult.failed(detail);
    }

    private OpResult recordEpoch(PostgresNode n, Epoch epoch, boolean forced, Deadline d) {
        String t = config.epochTable();
        Sql.Attempt<Integer> a = sql.call(url(n), connectionProperties(), d, c -> {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // The record must not wait for a synchronous standby that is not there.
                s.execute("set local synchronous_commit = local");
                s.execute("create table if not exists " + t + " (id int primary key check (id = 1),"
                        + " epoch bigint not null, node text not null, forced boolean not null,"
                        + " promoted_at timestamptz not null default now())");
            }
            try (PreparedStatement s = c.prepareStatement("insert into " + t + " as e (id, epoch, node, forced)"
                    + " values (1, ?, ?, ?) on conflict (id) do update set epoch = excluded.epoch,"
                    + " node = excluded.node, forced = excluded.forced, promoted_at = now()"
                    + " where e.epoch <= excluded.epoch")) {
                s.setLong(1, epoch.value());
                s.setString(2, n.id().name());
                s.setBoolean(3, forced);
                int updated = s.executeUpdate();
                c.commit();
                return updated;
            }
        });
        if (!a.ok()) {
            return failure(describe(n, a));
        }
        if (a.value() == 0) {
            return OpResult.refused("a newer epoch than " + epoch + " is recorded on " + n.id());
        }
        highestEpoch.accumulateAndGet(epoch.value(), Math::max);
        return OpResult.ok("epoch " + epoch + " recorded in " + t + (forced ? " (forced)" : ""));
    }

    private static boolean setSynchronousNames(Connection c, String names) throws SQLException {
        try (Statement st = c.createStatement()) {
            String current;
            try (ResultSet r = st.executeQuery("select current_setting('synchronous_standby_names')")) {
                r.next();
                current = r.getString(1);
            }
            if (current.equals(names)) {
                return false;
            }
            st.execute("alter system set synchronous_standby_names = '" + names.replace("'", "''") + "'");
            st.execute("select pg_reload_conf()");
            return true;
        }
    }

    /** Names every node but {@code primary} as a synchronous standby of it (SYNCHRONOUS mode only). */
    private String ensureSynchronous(PostgresNode primary, Deadline d) {
        if (config.mode() != ReplicationMode.SYNCHRONOUS) {
            return "";
        }
        StringBuilder names = new StringBuilder("FIRST 1 (");
        String sep = "";
        for (PostgresNode x : config.nodes()) {
            if (!x.id().equals(primary.id())) {
                names.append(sep).append('"').append(x.id().name()).append('"');
                sep = ", ";
            }
        }
        String value = names.append(')').toString();
        Sql.Attempt<Boolean> a = sql.call(url(primary), connectionProperties(), d, c -> setSynchronousNames(c, value));
        if (!a.ok()) {
            return "; could not set synchronous_standby_names on " + primary.id() + ": " + a.message();
        }
        return a.value() ? "; " + primary.id() + " replicates synchronously again (" + value + ")" : "";
    }

    // ---------------------------------------------------------------------------------------------------- demote

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        return demote(node, null, timeout);
    }

    @Override
    public OpResult demote(NodeId node, Epoch epoch, Duration timeout) {
        try {
            return demoteNow(node, epoch, timeout);
        } catch (java.io.UncheckedIOException e) {
            return OpResult.failed("cannot demote " + node + ": " + e.getMessage());
        }
    }

    private OpResult demoteNow(NodeId node, Epoch epoch, Duration timeout) {
        if (Thread.currentThread().isInterrupted()) {
            return OpResult.failed("interrupted before demoting " + node + "; nothing was done");
        }
        Deadline d = Deadline.in(timeout);
        Optional<PostgresNode> cfg = config.node(node);
        if (cfg.isEmpty()) {
            return OpResult.failed(node + " is not a node of " + name);
        }
        PostgresNode n = cfg.get();
        if (epoch != null && epoch.value() < highestEpoch.get()) {
            return OpResult.refused("stale epoch " + epoch + ": " + Epoch.of(highestEpoch.get()) + " was seen already");
        }
        PostgresNodeStatus o = inspect(n, d.share(0.2));
        if (o.reachable() && !o.primary()) {
            Optional<PostgresNodeStatus> src = findPrimary(n, d.share(0.3));
            if (src.isEmpty()) {
                return OpResult.ok(node + " is a standby already (no primary reachable to stream from)");
            }
            PostgresNode pn = config.node(src.get().node()).orElseThrow();
            // A diverged standby streams the old timeline from the new primary for a while before it fails:
            // only one that receives the primary's own timeline counts as rejoined.
            if ("streaming".equals(o.walReceiverStatus()) && sameServer(o, pn)
                    && o.timeline() == src.get().timeline()) {
                return OpResult.ok(node + " is a standby of " + pn.id() + " already" + ensureSynchronous(pn, d));
            }
            LOG.info("{} is a standby but does not stream {}'s timeline {} (WAL receiver '{}', timeline {}):"
                    + " rewinding and restarting it", node, pn.id(), src.get().timeline(), o.walReceiverStatus(),
                    o.timeline());
        }
        if (o.reachable() && epoch != null && o.recordedEpoch() > epoch.value()) {
            return OpResult.refused("stale epoch " + epoch + ": the database on " + node + " records "
                    + Epoch.of(o.recordedEpoch()));
        }
        DataDirectory dir = new DataDirectory(n, config);
        long t0 = System.nanoTime();
        OpResult stopped = stopServer(n, dir, d);
        long t1 = System.nanoTime();
        if (!stopped.isOk()) {
            return stopped;
        }
        Optional<PostgresNodeStatus> source = findPrimary(n, d.share(0.3));
        String rewound = "";
        if (source.isPresent()) {
            PostgresNode src = config.node(source.get().node()).orElseThrow();
            sql.call(url(src), connectionProperties(), d.share(0.3), c -> {
                try (Statement st = c.createStatement()) {
                    return st.execute("checkpoint");
                }
            });
            Map<String, byte[]> own = dir.saveConfiguration();
            dir.removeStandbySignal();
            List<String> args = List.of(config.binDirectory().resolve("pg_rewind").toString(), "--target-pgdata="
                    + n.dataDirectory(), "--source-server=" + dir.conninfo(src, null));
            t1 = System.nanoTime();
            Tool.Result r = Tool.run(n.osUser().orElse(null), args, passwordEnvironment(), d);
            dir.restoreConfiguration(own);
            if (!r.ok()) {
                dir.writeStandbyConfiguration(src);
                return (r.timedOut() ? OpResult.timedOut("pg_rewind of " + node + " from " + src.id()
                        + " did not finish in time; left stopped with standby.signal")
                        : OpResult.failed(node + " needs a rebuild (pg_basebackup from " + src.id()
                        + "): pg_rewind failed: " + r.lastLine() + "; left stopped with standby.signal"));
            }
            rewound = r.output().contains("no rewind required") ? "; no rewind required"
                    : "; rewound from " + src.id() + " with pg_rewind";
            dir.writeStandbyConfiguration(src);
        } else {
            PostgresNode other = config.nodes().stream().filter(x -> !x.id().equals(n.id())).findFirst()
                    .orElseThrow();
            dir.writeStandbyConfiguration(other);
            rewound = "; no primary reachable: set to stream from " + other.id() + " when it is back";
            if (o.reachable() && o.primary()) {
                // It was the primary and no other one exists: it holds everything that was acknowledged, so a
                // later promotion (the cluster stopped and started again) must not need an operator's force.
                sightings.put(n.id(), new Sighting(n.id(), o.timeline(), o.currentLsn(), true, true,
                        System.nanoTime()));
            }
        }
        long t2 = System.nanoTime();
        Tool.Result start = pgCtl(n, List.of("start", "-D", n.dataDirectory().toString(), "-l",
                n.logFile().toString(), "-w", "-t", String.valueOf(toolSeconds(d))), d);
        if (!start.ok()) {
            return start.timedOut() ? OpResult.timedOut("pg_ctl start of " + node + " as a standby did not finish in"
                    + " time" + rewound) : OpResult.failed("pg_ctl start of " + node + " as a standby failed: "
                    + start.lastLine() + rewound);
        }
        PostgresNodeStatus after = inspect(n, d);
        if (!after.reachable()) {
            return failure("started " + node + " as a standby but " + after.problem() + rewound);
        }
        if (after.primary()) {
            return OpResult.failed(node + " came back as a primary although standby.signal is there" + rewound);
        }
        String sync = source.map(sp -> ensureSynchronous(config.node(sp.node()).orElseThrow(), d)).orElse("");
        LOG.info("demoted {}{}{}", node, rewound, sync);
        long t3 = System.nanoTime();
        return OpResult.ok("demoted " + node + " to a standby" + rewound + sync + " (stop and checkpoint "
                + ms(t1 - t0) + " ms, pg_rewind " + ms(t2 - t1) + " ms, start " + ms(t3 - t2) + " ms)");
    }

    private OpResult stopServer(PostgresNode n, DataDirectory dir, Deadline d) {
        Tool.Result status = pgCtl(n, List.of("status", "-D", n.dataDirectory().toString()), d);
        if (status.exit() == 3) {
            return OpResult.ok("not running");
        }
        if (status.exit() != 0) {
            return status.timedOut() ? OpResult.timedOut("pg_ctl status of " + n.id() + " did not answer in time")
                    : OpResult.failed("cannot reach the data directory of " + n.id() + " from here (pg_ctl status: "
                    + status.lastLine() + ")");
        }
        Tool.Result stop = pgCtl(n, List.of("stop", "-D", n.dataDirectory().toString(), "-m", "fast", "-w", "-t",
                String.valueOf(toolSeconds(d))), d);
        if (!stop.ok()) {
            return stop.timedOut() ? OpResult.timedOut("pg_ctl stop of " + n.id() + " did not finish in time")
                    : OpResult.failed("pg_ctl stop of " + n.id() + " failed: " + stop.lastLine());
        }
        return OpResult.ok("stopped");
    }

    private Tool.Result pgCtl(PostgresNode n, List<String> args, Deadline d) {
        List<String> cmd = new ArrayList<>();
        cmd.add(config.binDirectory().resolve("pg_ctl").toString());
        cmd.addAll(args);
        return Tool.run(n.osUser().orElse(null), cmd, Map.of(), d);
    }

    private static long ms(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    private static int toolSeconds(Deadline d) {
        return Math.max(1, d.seconds() - 1);
    }

    private Map<String, String> passwordEnvironment() {
        return config.password().map(p -> Map.of("PGPASSWORD", p.revealAsString())).orElse(Map.of());
    }

    // ---------------------------------------------------------------------------------------------- outdate peer

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        try {
            return outdateNow(peer, epoch, timeout);
        } catch (java.io.UncheckedIOException e) {
            return OpResult.failed("cannot outdate " + peer + ": " + e.getMessage());
        }
    }

    private OpResult outdateNow(NodeId peer, Epoch epoch, Duration timeout) {
        Deadline d = Deadline.in(timeout);
        Optional<PostgresNode> cfg = config.node(peer);
        if (cfg.isEmpty()) {
            return OpResult.failed(peer + " is not a node of " + name);
        }
        if (epoch.value() < highestEpoch.get()) {
            return OpResult.refused("stale epoch " + epoch + ": " + Epoch.of(highestEpoch.get()) + " was seen already");
        }
        PostgresNode n = cfg.get();
        PostgresNodeStatus o = inspect(n, d.share(0.3));
        if (o.reachable() && !o.primary()) {
            return OpResult.ok(peer + " is a standby: it accepts no writes");
        }
        if (!Files.isDirectory(n.dataDirectory())) {
            return OpResult.failed("cannot outdate " + peer + ": " + (o.reachable() ? "it runs as a primary"
                    : o.problem()) + ", and its data directory " + n.dataDirectory() + " is not reachable from here;"
                    + " rely on node fencing");
        }
        DataDirectory dir = new DataDirectory(n, config);
        // Stopped whenever its postmaster runs, also when SQL cannot tell what it is (wrong credentials, a hang):
        // a server of unknown role must not go on taking writes.
        OpResult s = stopServer(n, dir, d);
        if (!s.isOk()) {
            return OpResult.failed("cannot outdate " + peer + ": " + s.detail());
        }
        String stopped = s.detail().equals("stopped") ? "stopped the running server of " + peer + "; " : "";
        PostgresNode other = config.nodes().stream().filter(x -> !x.id().equals(n.id())).findFirst().orElseThrow();
        dir.writeStandbyConfiguration(other);
        LOG.info("outdated {} under {}: {}standby.signal placed", peer, epoch, stopped);
        return OpResult.ok(stopped + "standby.signal placed in " + n.dataDirectory() + ": if " + peer
                + " starts again it comes back as a standby of " + other.id() + " and accepts no writes");
    }

    // ---------------------------------------------------------------------------------------------------- common

    private String url(PostgresNode n) {
        String host = n.host().contains(":") ? "[" + n.host() + "]" : n.host();
        return "jdbc:postgresql://" + host + ":" + n.port() + "/" + config.database();
    }

    private Properties connectionProperties() {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        config.password().ifPresent(s -> p.setProperty("password", s.revealAsString()));
        p.setProperty("ApplicationName", "ha4j:" + name);
        config.sslMode().ifPresent(m -> p.setProperty("sslmode", m));
        config.sslRootCert().ifPresent(c -> p.setProperty("sslrootcert", c.toString()));
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** Stops the worker threads; later calls fail as results. */
    @Override
    public void close() {
        sql.close();
    }

    @Override
    public String toString() {
        return "PostgresReplicator[" + name + ", " + config + "]";
    }

    /**
     * Builds a {@link PostgresReplicator}.
     *
     * <p>Not thread-safe; use it from one thread.
     */
    public static final class Builder {
        private String name = "postgres";
        private PostgresReplicationConfig config;

        private Builder() {
        }

        /**
         * Sets the name in timelines.
         *
         * @param name a short name of {@code [A-Za-z0-9:._-]} (default {@code postgres})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the configuration.
         *
         * @param config the nodes, credentials and promotion rules
         * @return this builder
         */
        public Builder config(PostgresReplicationConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Builds the replicator.
         *
         * @return the replicator
         * @throws IllegalArgumentException if the name is invalid or the configuration missing
         */
        public PostgresReplicator build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name '" + name + "' is invalid: use 1-63 of [A-Za-z0-9:._-]");
            }
            if (config == null) {
                throw new IllegalArgumentException("config is missing: PostgresReplicationConfig.custom()...build()");
            }
            return new PostgresReplicator(this);
        }
    }
}
