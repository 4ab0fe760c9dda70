package dev.ha4j.replication.postgres;

import dev.ha4j.core.NodeId;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where one node's PostgreSQL server is: its address for SQL and for streaming, its data directory for
 * {@code pg_ctl} and {@code pg_rewind} (which run on the host of this JVM), and the operating system user that
 * owns the data directory.
 *
 * <p>Immutable and thread-safe.
 */
public final class PostgresNode {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/+-]*");

    private final NodeId id;
    private final String host;
    private final int port;
    private final Path dataDirectory;
    private final String osUser;
    private final Path logFile;
    private final Path passfile;

    private PostgresNode(Builder b) {
        this.id = b.id;
        this.host = b.host;
        this.port = b.port;
        this.dataDirectory = b.dataDirectory;
        this.osUser = b.osUser;
        this.logFile = b.logFile != null ? b.logFile
                : b.dataDirectory.resolveSibling(b.dataDirectory.getFileName() + ".log");
        this.passfile = b.passfile;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the cluster node this server runs on */
    public NodeId id() {
        return id;
    }

    /** @return the host name or address for SQL and streaming */
    public String host() {
        return host;
    }

    /** @return the TCP port */
    public int port() {
        return port;
    }

    /** @return the data directory ({@code PGDATA}) */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** @return the user that owns the data directory and runs the tools, if not this JVM's user */
    public Optional<String> osUser() {
        return Optional.ofNullable(osUser);
    }

    /** @return where {@code pg_ctl start} writes the server's log */
    public Path logFile() {
        return logFile;
    }

    /** @return the libpq passfile a standby of this node's data directory uses for its replication password */
    public Optional<Path> passfile() {
        return Optional.ofNullable(passfile);
    }

    @Override
    public String toString() {
        return id + "(" + host + ":" + port + ")";
    }

    /**
     * Builds a {@link PostgresNode}; {@link #build()} validates every value.
     *
     * <p>Not thread-safe; use it from one thread.
     */
    public static final class Builder {
        private NodeId id;
        private String host;
        private int port = 5432;
        private Path dataDirectory;
        private String osUser;
        private Path logFile;
        private Path passfile;

        private Builder() {
        }

        /**
         * Sets the cluster node.
         *
         * @param id the node
         * @return this builder
         */
        public Builder id(NodeId id) {
            this.id = id;
            return this;
        }

        /**
         * Sets the host for SQL and streaming.
         *
         * @param host a host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the TCP port.
         *
         * @param port the port (default 5432)
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the data directory.
         *
         * @param dataDirectory an absolute path
         * @return this builder
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Sets the user that owns the data directory; the tools run as this user (through {@code runuser} when
         * this JVM is root: PostgreSQL refuses to run as root).
         *
         * @param osUser a user name of {@code [a-z_][a-z0-9_-]*}
         * @return this builder
         */
        public Builder osUser(String osUser) {
            this.osUser = osUser;
            return this;
        }

        /**
         * Sets where {@code pg_ctl start} writes the server's log.
         *
         * @param logFile an absolute path (default: next to the data directory, {@code <dir>.log})
         * @return this builder
         */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /**
         * Sets the passfile written into {@code primary_conninfo} when this node is made a standby, so that the
         * password never lands in the configuration files.
         *
         * @param passfile an absolute path readable by the server's user
         * @return this builder
         */
        public Builder passfile(Path passfile) {
            this.passfile = passfile;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the node
         * @throws IllegalArgumentException naming the field, the value and the rule when one is invalid
         */
        public PostgresNode build() {
            if (id == null) {
                throw new IllegalArgumentException("id is missing: every PostgreSQL node needs its cluster node");
            }
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("host '" + host + "' of " + id
                        + " is invalid: use a host name or address of [A-Za-z0-9.:-]");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " of " + id + " must be within 1..65535");
            }
            checkPath("dataDirectory", dataDirectory, true);
            checkPath("logFile", logFile, false);
            checkPath("passfile", passfile, false);
            if (osUser != null && !USER.matcher(osUser).matches()) {
                throw new IllegalArgumentException("osUser '" + osUser + "' of " + id
                        + " is invalid: use [a-z_][a-z0-9_-]{0,31}");
            }
            return new PostgresNode(this);
        }

        private void checkPath(String field, Path p, boolean required) {
            if (p == null) {
                if (required) {
                    throw new IllegalArgumentException(field + " of " + id + " is missing");
                }
                return;
            }
            if (!p.isAbsolute() || !SAFE_PATH.matcher(p.toString()).matches() || p.toString().contains("..")) {
                throw new IllegalArgumentException(field + " '" + p + "' of " + id
                        + " must be an absolute path of [A-Za-z0-9._/+-] without '..'"
                        + " (it reaches a command line and a connection string)");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostgresNode n && n.id.equals(id) && n.host.equals(host) && n.port == port
                && n.dataDirectory.equals(dataDirectory) && Objects.equals(n.osUser, osUser);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, host, port, dataDirectory);
    }
}
