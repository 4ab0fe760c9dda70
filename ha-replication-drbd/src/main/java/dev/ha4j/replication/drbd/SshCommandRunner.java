package dev.ha4j.replication.drbd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Runs commands on another node over OpenSSH ({@code ssh -o BatchMode=yes}): key-based, never a password. SSH
 * hands the remote side one command string, so every argument is single-quoted for the remote shell; the
 * arguments are validated names anyway. SSH's own failure (exit 255: host unreachable, key refused) is reported
 * as such, so that a caller can tell "peer unreachable" from "drbdadm refused".
 *
 * <p>Thread-safe and immutable.
 */
public final class SshCommandRunner implements CommandRunner {
    /** The exit code OpenSSH uses for its own errors (connection refused, host unreachable, authentication). */
    public static final int SSH_ERROR = 255;

    private final String user;
    private final String host;
    private final int port;
    private final Optional<Path> identity;
    private final Optional<Path> knownHosts;
    private final Duration connectTimeout;
    private final LocalCommandRunner local;

    private SshCommandRunner(Builder b) {
        this.user = b.user;
        this.host = b.host;
        this.port = b.port;
        this.identity = Optional.ofNullable(b.identity);
        this.knownHosts = Optional.ofNullable(b.knownHosts);
        this.connectTimeout = b.connectTimeout;
        this.local = b.environment.isEmpty() ? LocalCommandRunner.create() : LocalCommandRunner.withEnvironment(b.environment);
    }

    /** @return a builder; {@code host} is required */
    public static Builder builder() {
        return new Builder();
    }

    List<String> sshCommand(List<String> command) {
        List<String> all = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o",
                "ConnectTimeout=" + Math.max(1, connectTimeout.toSeconds()), "-o", "StrictHostKeyChecking=yes",
                "-p", Integer.toString(port)));
        identity.ifPresent(i -> {
            all.add("-i");
            all.add(i.toString());
        });
        knownHosts.ifPresent(k -> {
            all.add("-o");
            all.add("UserKnownHostsFile=" + k);
        });
        all.add(user == null ? host : user + "@" + host);
        all.add("--");
        StringBuilder remote = new StringBuilder();
        for (String arg : command) {
            remote.append(remote.length() == 0 ? "" : " ").append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        all.add(remote.toString());
        return all;
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) {
        return local.run(sshCommand(Objects.requireNonNull(command, "command")), timeout);
    }

    @Override
    public CommandResult stream(List<String> command, Duration timeout, Predicate<String> line) {
        return local.stream(sshCommand(Objects.requireNonNull(command, "command")), timeout, line);
    }

    @Override
    public String where() {
        return "ssh " + (user == null ? "" : user + "@") + host + (port == 22 ? "" : ":" + port);
    }

    @Override
    public String toString() {
        return "SshCommandRunner[" + where() + "]";
    }

    /** Builds an {@link SshCommandRunner}. Not thread-safe. */
    public static final class Builder {
        private String user;
        private String host;
        private int port = 22;
        private Path identity;
        private Path knownHosts;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Map<String, String> environment = Map.of();

        private Builder() {
        }

        /**
         * Sets the remote login; without it, ssh's default (its config or the local user) applies.
         *
         * @param user a login name
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the node to run on.
         *
         * @param host a host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the SSH port (default 22).
         *
         * @param port 1 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the private key file (ssh {@code -i}); without it, ssh's agent and config apply.
         *
         * @param identity the key file
         * @return this builder
         */
        public Builder identity(Path identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Sets the known-hosts file ssh checks the node's host key against (default: ssh's own); host keys are
         * always checked strictly.
         *
         * @param file the known-hosts file
         * @return this builder
         */
        public Builder knownHosts(Path file) {
            this.knownHosts = Objects.requireNonNull(file, "knownHosts");
            return this;
        }

        /**
         * Sets ssh's {@code ConnectTimeout} (default 3 s, whole seconds, at least 1).
         *
         * @param timeout the connect timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets variables for the local {@code ssh} process (for a test's {@code PATH}).
         *
         * @param environment the variables
         * @return this builder
         */
        public Builder localEnvironment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Builds the runner.
         *
         * @return the runner
         * @throws IllegalArgumentException naming the field when the host, user or port is invalid or the
         *     connect timeout is not positive
         */
        public SshCommandRunner build() {
            DrbdNames.host("host", host);
            if (user != null) {
                DrbdNames.user("user", user);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " must be 1 to 65535");
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout " + connectTimeout + " must be positive");
            }
            return new SshCommandRunner(this);
        }
    }
}
