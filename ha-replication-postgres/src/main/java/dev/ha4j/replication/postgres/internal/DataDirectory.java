package dev.ha4j.replication.postgres.internal;

import dev.ha4j.replication.postgres.PostgresNode;
import dev.ha4j.replication.postgres.PostgresReplicationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Edits a stopped server's data directory: makes it a standby ({@code standby.signal} and
 * {@code primary_conninfo}, never with a password in it) and keeps its own configuration files across a
 * {@code pg_rewind}, which would otherwise copy the source's (its port, its synchronous standby names).
 * Files it writes get the data directory's owner, so that a replicator running as root leaves files the
 * server can use.
 *
 * <p>Not thread-safe: one demotion of a node at a time.
 */
public final class DataDirectory {
    private static final List<String> CONFIGURATION = List.of("postgresql.conf", "postgresql.auto.conf",
            "pg_hba.conf", "pg_ident.conf");
    private final PostgresNode node;
    private final PostgresReplicationConfig config;

    /**
     * @param node the node whose data directory this is
     * @param config the replicator's configuration (user, TLS)
     */
    public DataDirectory(PostgresNode node, PostgresReplicationConfig config) {
        this.node = node;
        this.config = config;
    }

    /**
     * @param source the server to connect to
     * @param applicationName the name to report, or null
     * @return a libpq connection string without a password (values are validated by the configuration)
     */
    public String conninfo(PostgresNode source, String applicationName) {
        StringBuilder b = new StringBuilder();
        b.append("host=").append(source.host()).append(" port=").append(source.port()).append(" user=")
                .append(config.user()).append(" dbname=").append(config.database());
        if (applicationName != null) {
            b.append(" application_name=").append(applicationName);
        }
        config.sslMode().ifPresent(m -> b.append(" sslmode=").append(m));
        config.sslRootCert().ifPresent(c -> b.append(" sslrootcert=").append(c));
        return b.toString();
    }

    /** @return the configuration files as they are now */
    public Map<String, byte[]> saveConfiguration() {
        Map<String, byte[]> saved = new LinkedHashMap<>();
        for (String f : CONFIGURATION) {
            Path p = node.dataDirectory().resolve(f);
            try {
                if (Files.isRegularFile(p)) {
                    saved.put(f, Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }
        return saved;
    }

    /**
     * Writes saved configuration files back.
     *
     * @param saved what {@link #saveConfiguration()} returned
     */
    public void restoreConfiguration(Map<String, byte[]> saved) {
        saved.forEach((f, bytes) -> write(node.dataDirectory().resolve(f), bytes));
    }

    /**
     * Places {@code standby.signal} and sets {@code primary_conninfo} (in {@code postgresql.auto.conf}) to stream
     * from {@code source} under the node's name as {@code application_name}.
     *
     * @param source the primary to stream from
     */
    public void writeStandbyConfiguration(PostgresNode source) {
        write(node.dataDirectory().resolve("standby.signal"), new byte[0]);
        Path auto = node.dataDirectory().resolve("postgresql.auto.conf");
        List<String> lines = new ArrayList<>();
        try {
            if (Files.isRegularFile(auto)) {
                for (String l : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
                    String t = l.strip();
                    if (!t.startsWith("primary_conninfo") && !t.startsWith("# ha4j:")) {
                        lines.add(l);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + auto, e);
        }
        String conninfo = conninfo(source, node.id().name())
                + node.passfile().map(p -> " passfile=" + p).orElse("");
        lines.add("# ha4j: a standby of " + source.id());
        lines.add("primary_conninfo = '" + conninfo.replace("'", "''") + "'");
        write(auto, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Removes {@code standby.signal}: {@code pg_rewind} first runs crash recovery of a target that was not shut
     * down cleanly, in single-user mode, which refuses to run in standby mode.
     */
    public void removeStandbySignal() {
        try {
            Files.deleteIfExists(node.dataDirectory().resolve("standby.signal"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove standby.signal: " + e.getMessage(), e);
        }
    }

    private void write(Path p, byte[] bytes) {
        try {
            Files.write(p, bytes);
            UserPrincipal owner = Files.getOwner(node.dataDirectory());
            if (!owner.equals(Files.getOwner(p))) {
                Files.setOwner(p, owner);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }
}
