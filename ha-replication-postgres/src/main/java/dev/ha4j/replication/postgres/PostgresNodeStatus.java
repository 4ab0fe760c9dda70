package dev.ha4j.replication.postgres;

import dev.ha4j.core.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node's PostgreSQL server said about itself, as {@link PostgresReplicator#inspect} read it: whether it
 * answered, whether it is a primary or in recovery, its timeline and WAL positions, its WAL receiver (for a
 * standby), its synchronous settings and standbys (for a primary) and the epoch recorded in its database.
 * Positions are byte offsets into the WAL (an LSN as a number); -1 means "not applicable" or "not known".
 *
 * <p>Immutable and thread-safe.
 *
 * @param node the node
 * @param reachable whether the server answered SQL within the deadline
 * @param problem why not, when not reachable (never a secret); empty otherwise
 * @param primary whether it is out of recovery ({@code pg_is_in_recovery()} false)
 * @param timeline its timeline: the current WAL file's for a primary, the WAL receiver's for a standby (-1 when
 *     no WAL receiver runs)
 * @param currentLsn a primary's {@code pg_current_wal_lsn()}
 * @param receiveLsn a standby's {@code pg_last_wal_receive_lsn()}
 * @param replayLsn a standby's {@code pg_last_wal_replay_lsn()}
 * @param replayPaused whether a standby's replay is paused ({@code pg_wal_replay_pause()})
 * @param millisSinceLastReplay milliseconds since the last transaction a standby replayed committed
 * @param walReceiverStatus the WAL receiver's status ({@code streaming}, ...), empty when none runs
 * @param senderHost the host the WAL receiver streams from, empty when none
 * @param senderPort the port it streams from, -1 when none
 * @param millisSinceLastMessage milliseconds since the WAL receiver last heard from its primary
 * @param recordedEpoch the epoch recorded by the last promotion in this database, 0 when none
 * @param synchronousStandbyNames a primary's {@code synchronous_standby_names}
 * @param synchronousCommit its {@code synchronous_commit}
 * @param standbys the standbys a primary streams to ({@code pg_stat_replication})
 */
public record PostgresNodeStatus(NodeId node, boolean reachable, String problem, boolean primary, long timeline,
        long currentLsn, long receiveLsn, long replayLsn, boolean replayPaused, long millisSinceLastReplay,
        String walReceiverStatus, String senderHost, int senderPort, long millisSinceLastMessage,
        long recordedEpoch, String synchronousStandbyNames, String synchronousCommit, List<Standby> standbys) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if a text or the list is null
     */
    public PostgresNodeStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(walReceiverStatus, "walReceiverStatus");
        Objects.requireNonNull(senderHost, "senderHost");
        Objects.requireNonNull(synchronousStandbyNames, "synchronousStandbyNames");
        Objects.requireNonNull(synchronousCommit, "synchronousCommit");
        standbys = List.copyOf(standbys);
    }

    static PostgresNodeStatus unreachable(NodeId node, String problem) {
        return new PostgresNodeStatus(node, false, problem, false, -1, -1, -1, -1, false, -1, "", "", -1, -1, 0,
                "", "", List.of());
    }

    /**
     * @param name a standby's {@code application_name}
     * @return the row of that standby in a primary's {@code pg_stat_replication}
     */
    public Optional<Standby> standby(String name) {
        return standbys.stream().filter(s -> s.applicationName().equals(name)).findFirst();
    }

    /**
     * One row of a primary's {@code pg_stat_replication}.
     *
     * <p>Immutable and thread-safe.
     *
     * @param applicationName the standby's {@code application_name} (ha4j uses the node name)
     * @param state {@code streaming}, {@code catchup}, ...
     * @param syncState {@code sync}, {@code quorum}, {@code potential} or {@code async}
     * @param flushLsn what the standby has flushed
     * @param replayLsn what it has replayed
     */
    public record Standby(String applicationName, String state, String syncState, long flushLsn, long replayLsn) {
    }
}
