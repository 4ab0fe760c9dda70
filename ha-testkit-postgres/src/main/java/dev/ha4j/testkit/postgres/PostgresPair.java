package dev.ha4j.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary ({@code pg-a}) and a streaming standby of it ({@code pg-b}), created with
 * {@code initdb} and {@code pg_basebackup} in a temporary directory, listening on free loopback ports, run by an
 * unprivileged operating system user: the current user, or — when the tests run as root, as CI does, and
 * PostgreSQL refuses root — the Debian package's {@code postgres} user, created as {@code ha4jpg} if there is
 * none. Password authentication ({@code scram-sha-256}) is on for every TCP connection, replication included;
 * the standby finds the password in a {@code passfile} of the pair.
 *
 * <p>{@link #close()} stops both servers, kills by PID what is still running and deletes the directory; a
 * shutdown hook does the same if a test never reaches it.
 *
 * <pre>{@code
 * try (PostgresPair pg = PostgresPair.builder().synchronous(true).start()) {
 *     pg.primary().execute("create table t(id int)");
 *     pg.awaitStandbyStreaming(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe for reading; start and close it from one thread.
 */
public final class PostgresPair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresPair.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    private final boolean synchronous;
    private final Path binDirectory;
    private final String osUser;
    private final String user = "ha4j";
    private final String database = "postgres";
    private final String password;
    private final Path baseDirectory;
    private final Path passfile;
    private final PostgresServer primary;
    private final PostgresServer standby;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private PostgresPair(Builder b) throws IOException {
        this.synchronous = b.synchronous;
        this.binDirectory = b.binDirectory != null ? b.binDirectory : defaultBinDirectory().orElseThrow(
                () -> new IllegalStateException(unavailableReason()));
        this.osUser = b.osUser != null ? Tools.validUser(b.osUser) : findOrCreateOsUser();
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        this.password = b.password != null ? b.password : "pw-" + HexFormat.of().formatHex(random);
        this.baseDirectory = Files.createTempDirectory("ha4j-pg-");
        this.passfile = baseDirectory.resolve("pgpass");
        this.primary = new PostgresServer(this, "pg-a", freePort(), baseDirectory.resolve("pg-a"));
        this.standby = new PostgresServer(this, "pg-b", freePort(), baseDirectory.resolve("pg-b"));
        this.shutdownHook = new Thread(this::cleanUp, "ha4j-pg-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** @return a builder of a pair */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether PostgreSQL's server binaries are installed here */
    public static boolean available() {
        return defaultBinDirectory().isPresent();
    }

    /** @return why {@link #available()} is false, with how to fix it */
    public static String unavailableReason() {
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup, pg_rewind) not found under "
                + "/usr/lib/postgresql/*/bin: apt-get install -y postgresql";
    }

    /** @return the newest {@code /usr/lib/postgresql/N/bin} that holds initdb, pg_ctl, pg_basebackup, pg_rewind */
    public static Optional<Path> defaultBinDirectory() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (var s = Files.list(root)) {
            return s.map(p -> p.resolve("bin"))
                    .filter(bin -> List.of("initdb", "pg_ctl", "pg_basebackup", "pg_rewind", "postgres").stream()
                            .allMatch(t -> Files.isExecutable(bin.resolve(t))))
                    .max((x, y) -> Integer.compare(version(x), version(y)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String findOrCreateOsUser() {
        if (!Tools.isRoot()) {
            return System.getProperty("user.name");
        }
        for (String u : List.of("postgres", "ha4jpg")) {
            if (Tools.run(null, List.of("id", "-u", u), Map.of(), Duration.ofSeconds(10)).ok()) {
                return u;
            }
        }
        Tools.Result r = Tools.run(null, List.of("useradd", "--system", "--no-create-home", "--shell",
                "/usr/sbin/nologin", "ha4jpg"), Map.of(), Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new IllegalStateException("cannot create the unprivileged user ha4jpg: " + r.output());
        }
        return "ha4jpg";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private PostgresPair startServers() throws IOException {
        UserPrincipal owner = owner();
        if (owner != null) {
            Files.setOwner(baseDirectory, owner);
        }
        Files.setPosixFilePermissions(baseDirectory, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = baseDirectory.resolve("initdb-password");
        Tools.writePrivate(pwfile, password + "\n", owner);
        Tools.writePrivate(passfile, "127.0.0.1:*:*:" + user + ":" + password + "\n", owner);
        Tools.Result init = tool("initdb", List.of("-D", primary.dataDirectory().toString(), "-U", user,
                "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), TOOL_TIMEOUT);
        Files.deleteIfExists(pwfile);
        check(init, "initdb");
        appendConfig(primary, commonConfig(primary, standby));
        primary.start();
        Tools.Result backup = tool("pg_basebackup", List.of("-h", primary.host(), "-p",
                String.valueOf(primary.port()), "-U", user, "-D", standby.dataDirectory().toString(), "-X", "stream",
                "-c", "fast", "--no-sync", "-w"), TOOL_TIMEOUT);
        check(backup, "pg_basebackup");
        appendConfig(standby, commonConfig(standby, primary));
        makeStandbyOf(standby, primary);
        standby.start();
        return this;
    }

    private String commonConfig(PostgresServer self, PostgresServer other) {
        return String.join("\n",
                "",
                "# ha4j-testkit-postgres",
                "listen_addresses = '127.0.0.1'",
                "port = " + self.port(),
                "unix_socket_directories = '" + baseDirectory + "'",
                "max_connections = 40",
                "shared_buffers = 16MB",
                "wal_level = replica",
                "max_wal_senders = 5",
                "wal_keep_size = 256MB",
                "wal_log_hints = on",
                "hot_standby = on",
                "hot_standby_feedback = on",
                "wal_receiver_status_interval = 1s",
                "wal_sender_timeout = 10s",
                "wal_receiver_timeout = 10s",
                "wal_retrieve_retry_interval = 1s",
                "synchronous_commit = on",
                "synchronous_standby_names = '" + (synchronous ? "FIRST 1 (\"" + other.name() + "\")" : "") + "'",
                "");
    }

    /**
     * Makes {@code server}'s data directory a standby of {@code source}: {@code standby.signal} and a
     * {@code primary_conninfo} (with the pair's passfile, never the password itself) in
     * {@code postgresql.auto.conf}. The server must be stopped.
     *
     * @param server the server to configure
     * @param source the primary it streams from
     * @throws UncheckedIOException if the files cannot be written
     */
    public void makeStandbyOf(PostgresServer server, PostgresServer source) {
        try {
            Path signal = server.dataDirectory().resolve("standby.signal");
            Files.writeString(signal, "", StandardCharsets.UTF_8);
            UserPrincipal owner = owner();
            if (owner != null) {
                Files.setOwner(signal, owner);
            }
            Files.writeString(server.dataDirectory().resolve("postgresql.auto.conf"),
                    "\nprimary_conninfo = '" + conninfo(source, server.name()) + "'\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param source the server to connect to
     * @param applicationName the name the connection reports
     * @return a libpq connection string to {@code source} that reads the password from the pair's passfile
     */
    public String conninfo(PostgresServer source, String applicationName) {
        return "host=" + source.host() + " port=" + source.port() + " user=" + user + " dbname=" + database
                + " application_name=" + applicationName + " passfile=" + passfile;
    }

    private void appendConfig(PostgresServer s, String text) throws IOException {
        Files.writeString(s.dataDirectory().resolve("postgresql.conf"), text, StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    private static void check(Tools.Result r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed (" + r.exit() + "): " + r.output());
        }
    }

    private UserPrincipal owner() throws IOException {
        if (!Tools.isRoot()) {
            return null;
        }
        return baseDirectory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
    }

    Tools.Result tool(String name, List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binDirectory.resolve(name).toString());
        cmd.addAll(args);
        return Tools.run(osUser, cmd, toolEnvironment(), timeout);
    }

    Map<String, String> toolEnvironment() {
        return Map.of("PGPASSFILE", passfile.toString(), "LC_ALL", "C");
    }

    /**
     * Waits until the primary reports the standby as streaming (and, in synchronous mode, as its synchronous
     * standby).
     *
     * @param timeout how long to wait
     * @throws IllegalStateException if it does not stream in time
     */
    public void awaitStandbyStreaming(Duration timeout) {
        awaitStreaming(primary, standby, timeout);
    }

    /**
     * Waits until {@code source} reports {@code standbyServer} as streaming from it.
     *
     * @param source the primary
     * @param standbyServer the standby
     * @param timeout how long to wait
     * @throws IllegalStateException if it does not stream in time
     */
    public void awaitStreaming(PostgresServer source, PostgresServer standbyServer, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String want = synchronous ? "sync" : "async";
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = source.queryString("select state || '/' || sync_state from pg_stat_replication"
                        + " where application_name = '" + standbyServer.name() + "'").orElse("(not connected)");
                if (last.equals("streaming/" + want)) {
                    return;
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(standbyServer + " does not stream from " + source + " within " + timeout
                + ": " + last + "\n" + standbyServer.tailOfLog());
    }

    /** @return the server created as the primary ({@code pg-a}) */
    public PostgresServer primary() {
        return primary;
    }

    /** @return the server created as its standby ({@code pg-b}) */
    public PostgresServer standby() {
        return standby;
    }

    /** @return both servers, primary first */
    public List<PostgresServer> servers() {
        return List.of(primary, standby);
    }

    /** @return whether the primary names the standby in {@code synchronous_standby_names} (and the reverse) */
    public boolean synchronous() {
        return synchronous;
    }

    /** @return the directory that holds both data directories, their logs and the passfile */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /** @return the operating system user that runs the servers and their tools */
    public String osUser() {
        return osUser;
    }

    /** @return the directory of PostgreSQL's binaries */
    public Path binDirectory() {
        return binDirectory;
    }

    /** @return the libpq passfile holding the password, readable by {@link #osUser()} only */
    public Path passfile() {
        return passfile;
    }

    /** @return the database superuser's name */
    public String user() {
        return user;
    }

    /** @return the database the tests use */
    public String database() {
        return database;
    }

    /** @return the superuser's password (test support: a throw-away secret of this pair) */
    public String password() {
        return password;
    }

    /** Stops both servers, kills by PID what still runs and deletes the directory. Idempotent. */
    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran already
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (PostgresServer s : List.of(standby, primary)) {
            try {
                Optional<ProcessHandle> pm = s.pid().flatMap(ProcessHandle::of);
                List<ProcessHandle> tree = new ArrayList<>();
                pm.ifPresent(h -> {
                    tree.add(h);
                    h.descendants().forEach(tree::add);
                });
                if (s.isRunning()) {
                    Tools.Result r = tool("pg_ctl", List.of("stop", "-D", s.dataDirectory().toString(), "-m",
                            "immediate", "-w", "-t", "10"), Duration.ofSeconds(15));
                    if (!r.ok()) {
                        LOG.debug("pg_ctl stop -m immediate of {}: {}", s, r.output());
                    }
                }
                s.kill();
                Tools.killAndWait(tree, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("cannot stop {}: {}", s, e.toString());
            }
        }
        deleteTree(baseDirectory);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "PostgresPair[" + primary + ", " + standby + (synchronous ? ", synchronous" : ", asynchronous") + "]";
    }

    /**
     * Builds and starts a {@link PostgresPair}.
     *
     * <p>Not thread-safe; use it from one thread.
     */
    public static final class Builder {
        private boolean synchronous;
        private Path binDirectory;
        private String osUser;
        private String password;

        private Builder() {
        }

        /**
         * Chooses synchronous streaming: each server names the other in {@code synchronous_standby_names}, so a
         * commit on the primary is acknowledged only once the standby has flushed it.
         *
         * @param synchronous whether to replicate synchronously (default false)
         * @return this builder
         */
        public Builder synchronous(boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }

        /**
         * Sets where {@code initdb}, {@code pg_ctl} and friends are.
         *
         * @param binDirectory the directory (default: the newest {@code /usr/lib/postgresql/N/bin})
         * @return this builder
         */
        public Builder binDirectory(Path binDirectory) {
            this.binDirectory = Objects.requireNonNull(binDirectory, "binDirectory");
            return this;
        }

        /**
         * Sets the unprivileged user that runs the servers.
         *
         * @param osUser the user name (default: the current user, or {@code postgres}/{@code ha4jpg} as root)
         * @return this builder
         */
        public Builder osUser(String osUser) {
            this.osUser = Tools.validUser(osUser);
            return this;
        }

        /**
         * Sets the superuser's password.
         *
         * @param password the password (default: a random one)
         * @return this builder
         */
        public Builder password(String password) {
            if (password.isEmpty() || password.indexOf(':') >= 0 || password.indexOf('\\') >= 0
                    || password.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("password must be non-empty without ':', '\\' or newlines"
                        + " (it goes into a passfile)");
            }
            this.password = password;
            return this;
        }

        /**
         * Creates both servers and starts them; the standby streams from the primary (see
         * {@link PostgresPair#awaitStandbyStreaming(Duration)}).
         *
         * @return the running pair
         * @throws IllegalStateException if PostgreSQL is not installed or a server does not start
         */
        public PostgresPair start() {
            PostgresPair pair;
            try {
                pair = new PostgresPair(this);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the pair's directory: " + e.getMessage(), e);
            }
            try {
                return pair.startServers();
            } catch (IOException | RuntimeException e) {
                String logs = pair.primary.tailOfLog() + "\n" + pair.standby.tailOfLog();
                pair.close();
                throw new IllegalStateException("cannot start " + pair + ": " + e.getMessage() + "\n" + logs, e);
            }
        }
    }
}
