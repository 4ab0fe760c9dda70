package dev.ha4j.replication.postgres;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configuration of a {@link PostgresReplicator}: the nodes, how to connect (database, user, password as a
 * {@link Secret}, optional TLS), the {@link ReplicationMode}, the maximum lag a promotion accepts, how recently
 * a standby must have streamed, where PostgreSQL's tools are and the table that records the epoch.
 *
 * <p>Immutable and thread-safe; build it with {@link #custom()}. {@link #toString()} never shows the password.
 */
public final class PostgresReplicationConfig {
    private static final Pattern IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    private final Map<NodeId, PostgresNode> nodes;
    private final String database;
    private final String user;
    private final Secret password;
    private final String sslMode;
    private final Path sslRootCert;
    private final ReplicationMode mode;
    private final long maximumLagBytes;
    private final Duration streamingTimeout;
    private final Path binDirectory;
    private final String epochTable;

    private PostgresReplicationConfig(Builder b) {
        this.nodes = Map.copyOf(b.nodes);
        this.database = b.database;
        this.user = b.user;
        this.password = b.password;
        this.sslMode = b.sslMode;
        this.sslRootCert = b.sslRootCert;
        this.mode = b.mode;
        this.maximumLagBytes = b.maximumLagBytes;
        this.streamingTimeout = b.streamingTimeout;
        this.binDirectory = b.binDirectory;
        this.epochTable = b.epochTable;
        this.order = List.copyOf(b.nodes.keySet());
    }

    private final List<NodeId> order;

    /** @return a builder with the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the nodes in the order they were added */
    public List<PostgresNode> nodes() {
        List<PostgresNode> l = new ArrayList<>();
        order.forEach(id -> l.add(nodes.get(id)));
        return l;
    }

    /**
     * @param id a node
     * @return its PostgreSQL server, if configured
     */
    public Optional<PostgresNode> node(NodeId id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** @return the database to connect to */
    public String database() {
        return database;
    }

    /** @return the role to connect as (SQL and streaming) */
    public String user() {
        return user;
    }

    /** @return the password, if any */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** @return libpq's/pgjdbc's {@code sslmode}, if set */
    public Optional<String> sslMode() {
        return Optional.ofNullable(sslMode);
    }

    /** @return the CA certificate for {@code verify-ca}/{@code verify-full}, if set */
    public Optional<Path> sslRootCert() {
        return Optional.ofNullable(sslRootCert);
    }

    /** @return the replication mode */
    public ReplicationMode mode() {
        return mode;
    }

    /** @return the largest replay lag, in bytes of WAL, an asynchronous standby may have and still be promoted */
    public long maximumLagBytes() {
        return maximumLagBytes;
    }

    /** @return how long a standby may go without a message from its primary and still count as streaming */
    public Duration streamingTimeout() {
        return streamingTimeout;
    }

    /** @return the directory holding {@code pg_ctl} and {@code pg_rewind} */
    public Path binDirectory() {
        return binDirectory;
    }

    /** @return the table (in the connection's default schema) that records the epoch of the last promotion */
    public String epochTable() {
        return epochTable;
    }

    @Override
    public String toString() {
        return "PostgresReplicationConfig[nodes=" + nodes() + ", database=" + database + ", user=" + user
                + ", password=" + (password == null ? "none" : password) + ", sslMode=" + sslMode + ", mode=" + mode
                + ", maximumLagBytes=" + maximumLagBytes + ", streamingTimeout=" + streamingTimeout + "]";
    }

    /**
     * Builds a {@link PostgresReplicationConfig}; {@link #build()} validates every value.
     *
     * <p>Not thread-safe; use it from one thread.
     */
    public static final class Builder {
        private final Map<NodeId, PostgresNode> nodes = new LinkedHashMap<>();
        private String database = "postgres";
        private String user = "postgres";
        private Secret password;
        private String sslMode;
        private Path sslRootCert;
        private ReplicationMode mode = ReplicationMode.SYNCHRONOUS;
        private long maximumLagBytes = 1024 * 1024;
        private Duration streamingTimeout = Duration.ofSeconds(30);
        private Path binDirectory = Path.of("/usr/lib/postgresql/15/bin");
        private String epochTable = "ha4j_epoch";

        private Builder() {
        }

        /**
         * Adds a node.
         *
         * @param node its PostgreSQL server
         * @return this builder
         * @throws IllegalArgumentException if a node with the same id was added already
         */
        public Builder node(PostgresNode node) {
            if (nodes.putIfAbsent(node.id(), node) != null) {
                throw new IllegalArgumentException("nodes: " + node.id() + " is configured twice");
            }
            return this;
        }

        /**
         * Sets the database to connect to.
         *
         * @param database a database name (default {@code postgres})
         * @return this builder
         */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /**
         * Sets the role to connect as, for SQL and for streaming. It needs {@code pg_monitor} (or superuser),
         * EXECUTE on {@code pg_promote}, REPLICATION, and owns the epoch table.
         *
         * @param user a role name (default {@code postgres})
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the password; it is handed to the driver and to {@code pg_rewind}'s environment only.
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        /**
         * Turns TLS on or off ({@code sslmode} of libpq and pgjdbc).
         *
         * @param sslMode one of disable, allow, prefer, require, verify-ca, verify-full
         * @return this builder
         */
        public Builder sslMode(String sslMode) {
            this.sslMode = sslMode;
            return this;
        }

        /**
         * Sets the CA certificate that verifies the servers.
         *
         * @param sslRootCert a PEM file
         * @return this builder
         */
        public Builder sslRootCert(Path sslRootCert) {
            this.sslRootCert = sslRootCert;
            return this;
        }

        /**
         * Sets the replication mode.
         *
         * @param mode the mode (default {@link ReplicationMode#SYNCHRONOUS})
         * @return this builder
         */
        public Builder mode(ReplicationMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * Sets the largest replay lag an asynchronous standby may have and be promoted without force (Patroni's
         * {@code maximum_lag_on_failover}).
         *
         * @param bytes bytes of WAL (default 1 MiB), zero or more
         * @return this builder
         */
        public Builder maximumLagBytes(long bytes) {
            this.maximumLagBytes = bytes;
            return this;
        }

        /**
         * Sets how long a standby may go without a message from its primary and still count as streaming.
         *
         * @param timeout a positive duration (default 30 s)
         * @return this builder
         */
        public Builder streamingTimeout(Duration timeout) {
            this.streamingTimeout = timeout;
            return this;
        }

        /**
         * Sets where {@code pg_ctl} and {@code pg_rewind} are.
         *
         * @param binDirectory an absolute directory (default {@code /usr/lib/postgresql/15/bin})
         * @return this builder
         */
        public Builder binDirectory(Path binDirectory) {
            this.binDirectory = binDirectory;
            return this;
        }

        /**
         * Sets the table that records the epoch of the last promotion in the database itself.
         *
         * @param table an unquoted SQL identifier (default {@code ha4j_epoch})
         * @return this builder
         */
        public Builder epochTable(String table) {
            this.epochTable = table;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the field, the value and the rule when one is invalid
         */
        public PostgresReplicationConfig build() {
            if (nodes.size() < 2) {
                throw new IllegalArgumentException("nodes: " + nodes.size()
                        + " configured, need at least 2 (a primary and a standby)");
            }
            Set<String> addresses = new java.util.HashSet<>();
            for (PostgresNode n : nodes.values()) {
                if (!addresses.add(n.host() + ":" + n.port())) {
                    throw new IllegalArgumentException("nodes: " + n.host() + ":" + n.port()
                            + " is used by two nodes; each node needs its own server");
                }
            }
            if (database == null || !IDENT.matcher(database).matches()) {
                throw new IllegalArgumentException("database '" + database + "' is invalid: use [a-z_][a-z0-9_]*");
            }
            if (user == null || !IDENT.matcher(user).matches()) {
                throw new IllegalArgumentException("user '" + user + "' is invalid: use [a-z_][a-z0-9_]*");
            }
            if (sslMode != null && !SSL_MODES.contains(sslMode)) {
                throw new IllegalArgumentException("sslMode '" + sslMode + "' is invalid: use one of " + SSL_MODES);
            }
            if (sslRootCert != null && (!sslRootCert.isAbsolute() || sslRootCert.toString().matches(".*[\\s'\\\\].*"))) {
                throw new IllegalArgumentException("sslRootCert '" + sslRootCert
                        + "' must be an absolute path without spaces, quotes or backslashes");
            }
            if (mode == null) {
                throw new IllegalArgumentException("mode is missing: SYNCHRONOUS or ASYNCHRONOUS");
            }
            if (maximumLagBytes < 0) {
                throw new IllegalArgumentException("maximumLagBytes " + maximumLagBytes + " must not be negative");
            }
            if (streamingTimeout == null || streamingTimeout.isNegative() || streamingTimeout.isZero()) {
                throw new IllegalArgumentException("streamingTimeout " + streamingTimeout + " must be positive");
            }
            if (binDirectory == null || !binDirectory.isAbsolute()
                    || !binDirectory.toString().matches("/[A-Za-z0-9._/+-]*")) {
                throw new IllegalArgumentException("binDirectory '" + binDirectory
                        + "' must be an absolute path of [A-Za-z0-9._/+-]");
            }
            if (!Files.isDirectory(binDirectory)) {
                // Not fatal: the tools may be installed later; demote reports it as a result.
                org.slf4j.LoggerFactory.getLogger(PostgresReplicationConfig.class)
                        .warn("binDirectory {} does not exist (yet): demote and outdatePeer will fail", binDirectory);
            }
            if (epochTable == null || !IDENT.matcher(epochTable).matches()) {
                throw new IllegalArgumentException("epochTable '" + epochTable
                        + "' is invalid: use an unquoted identifier [a-z_][a-z0-9_]*");
            }
            return new PostgresReplicationConfig(this);
        }
    }
}
