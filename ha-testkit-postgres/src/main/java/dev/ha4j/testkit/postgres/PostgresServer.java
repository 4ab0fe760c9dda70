package dev.ha4j.testkit.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link PostgresPair}: its name (also its {@code application_name} as a standby),
 * loopback port, data directory and log, with the few operations a test needs (start, stop, SIGKILL, SQL).
 *
 * <p>Thread-safe: every method acts on the server's files and process, not on fields that change.
 */
public final class PostgresServer {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);
    private final PostgresPair pair;
    private final String name;
    private final int port;
    private final Path dataDirectory;
    private final Path logFile;

    PostgresServer(PostgresPair pair, String name, int port, Path dataDirectory) {
        this.pair = pair;
        this.name = name;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.logFile = dataDirectory.resolveSibling(name + ".log");
    }

    /** @return the server's name, used as its node name and as its {@code application_name} when streaming */
    public String name() {
        return name;
    }

    /** @return the loopback address it listens on */
    public String host() {
        return "127.0.0.1";
    }

    /** @return its TCP port */
    public int port() {
        return port;
    }

    /** @return its data directory ({@code PGDATA}) */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** @return the file {@code pg_ctl} writes the server's log to */
    public Path logFile() {
        return logFile;
    }

    /** @return a JDBC URL for the pair's database on this server */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + pair.database();
    }

    /**
     * Opens a connection as the pair's superuser.
     *
     * @return the connection
     * @throws SQLException if it cannot connect
     */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pair.user());
        p.setProperty("password", pair.password());
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "60");
        p.setProperty("ApplicationName", "ha4j-testkit");
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /**
     * Runs one SQL statement that returns no rows.
     *
     * @param sql the statement
     * @throws SQLException if it fails
     */
    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Runs a query and returns the first column of its first row as text.
     *
     * @param sql the query
     * @return the value, or empty when there is no row or it is null
     * @throws SQLException if it fails
     */
    public Optional<String> queryString(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
        }
    }

    /**
     * Runs a query and returns the first column of its first row as a number.
     *
     * @param sql the query
     * @return the value
     * @throws SQLException if it fails or returns no number
     */
    public long queryLong(String sql) throws SQLException {
        return Long.parseLong(queryString(sql).orElseThrow(() -> new SQLException("no value from " + sql)));
    }

    /** @return whether the server answers SQL at the moment and is not in recovery */
    public boolean isPrimary() {
        try {
            return "primary".equals(queryString(
                    "select case when pg_is_in_recovery() then 'standby' else 'primary' end").orElse(""));
        } catch (SQLException e) {
            return false;
        }
    }

    /** @return the postmaster's PID from {@code postmaster.pid}, if it is there and alive */
    public Optional<Long> pid() {
        Path f = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            return Tools.alive(pid) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** @return whether its postmaster runs */
    public boolean isRunning() {
        return pid().isPresent();
    }

    /**
     * Starts the server with {@code pg_ctl start -w} (as a standby if {@code standby.signal} is there).
     *
     * @return what pg_ctl said
     * @throws IllegalStateException if it did not start
     */
    public String start() {
        Tools.Result r = pair.tool("pg_ctl", List.of("start", "-D", dataDirectory.toString(), "-l", logFile.toString(),
                "-w", "-t", "60"), TOOL_TIMEOUT);
        if (!r.ok()) {
            throw new IllegalStateException("pg_ctl start of " + name + " failed (" + r.exit() + "): " + r.output()
                    + "\nlog:\n" + tailOfLog());
        }
        return r.output();
    }

    /**
     * Starts the server and reports instead of throwing when it does not start (a primary that a
     * {@code standby.signal} or a missing timeline keeps down, for example).
     *
     * @return whether it started
     */
    public boolean tryStart() {
        return pair.tool("pg_ctl", List.of("start", "-D", dataDirectory.toString(), "-l", logFile.toString(),
                "-w", "-t", "60"), TOOL_TIMEOUT).ok();
    }

    /** Stops the server ({@code pg_ctl stop -m fast}); kills it by PID when that does not work. */
    public void stop() {
        if (!isRunning()) {
            return;
        }
        Tools.Result r = pair.tool("pg_ctl", List.of("stop", "-D", dataDirectory.toString(), "-m", "fast", "-w",
                "-t", "30"), Duration.ofSeconds(40));
        if (!r.ok() || isRunning()) {
            kill();
        }
    }

    /**
     * Kills the postmaster and every process under it with SIGKILL, as a crash of the machine would, and waits
     * until they are gone.
     */
    public void kill() {
        Optional<ProcessHandle> pm = pid().flatMap(ProcessHandle::of);
        if (pm.isEmpty()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(pm.get());
        pm.get().descendants().forEach(all::add);
        Tools.killAndWait(all, Duration.ofSeconds(10));
        // A machine that crashed comes back without these processes. Here the killed postmaster may linger as a
        // zombie (when PID 1 does not reap), and PostgreSQL would take its PID in postmaster.pid and in the socket's
        // lock file for a live server and refuse to start: remove what a reboot removes once none of them runs.
        if (all.stream().noneMatch(p -> Tools.alive(p.pid()))) {
            try {
                Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
                Path sockets = dataDirectory.getParent();
                Files.deleteIfExists(sockets.resolve(".s.PGSQL." + port + ".lock"));
                Files.deleteIfExists(sockets.resolve(".s.PGSQL." + port));
            } catch (IOException e) {
                // start() will say why it cannot start
            }
        }
    }

    /** @return the last 40 lines of the server's log, for failure messages */
    public String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    Map<String, String> env() {
        return pair.toolEnvironment();
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port;
    }
}
