package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach and log in to one node's BMC: address, user, password (a {@link Secret}), optional BMC key
 * (K_G), cipher suite, privilege level and timings.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()}; {@link #toString()} never shows the password
 * or the BMC key.
 */
public final class BmcConfig {
    /** The IPMI-over-LAN port a BMC listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 623;

    private final String host;
    private final int port;
    private final String user;
    private final Secret password;
    private final Secret bmcKey;
    private final CipherSuite cipherSuite;
    private final boolean cipherSuiteZeroAllowed;
    private final PrivilegeLevel privilege;
    private final Duration connectTimeout;
    private final Duration retransmitInterval;
    private final Duration pollInterval;
    private final Duration closeTimeout;

    private BmcConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password;
        this.bmcKey = b.bmcKey;
        this.cipherSuite = b.cipherSuite;
        this.cipherSuiteZeroAllowed = b.cipherSuiteZeroAllowed;
        this.privilege = b.privilege;
        this.connectTimeout = b.connectTimeout;
        this.retransmitInterval = b.retransmitInterval;
        this.pollInterval = b.pollInterval;
        this.closeTimeout = b.closeTimeout;
    }

    /** @return a builder with the defaults: port 623, cipher suite 3, ADMINISTRATOR, 3 s connect timeout */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the BMC's host name or address */
    public String host() {
        return host;
    }

    /** @return the BMC's UDP port */
    public int port() {
        return port;
    }

    /** @return the IPMI user name (may be empty for the anonymous user) */
    public String user() {
        return user;
    }

    /** @return the password; reveal it only to compute RAKP keys */
    public Secret password() {
        return password;
    }

    /** @return the BMC key K_G if the BMC has one set; otherwise the password stands in for it */
    public Optional<Secret> bmcKey() {
        return Optional.ofNullable(bmcKey);
    }

    /** @return the cipher suite to ask for */
    public CipherSuite cipherSuite() {
        return cipherSuite;
    }

    /** @return whether cipher suite 0 (no authentication at all) was explicitly allowed */
    public boolean cipherSuiteZeroAllowed() {
        return cipherSuiteZeroAllowed;
    }

    /** @return the privilege level the session asks for */
    public PrivilegeLevel privilege() {
        return privilege;
    }

    /** @return how long to wait for the BMC's first answer before calling it unreachable */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the wait before the first retransmission of an unanswered request; it doubles up to 1 s */
    public Duration retransmitInterval() {
        return retransmitInterval;
    }

    /** @return the pause between power-state reads while verifying a power command */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return how long closing a session may take after the action (also after its deadline) */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    @Override
    public String toString() {
        return "BmcConfig{" + host + ":" + port + ", user='" + user + "', password=" + password
                + (bmcKey == null ? "" : ", bmcKey=" + bmcKey) + ", cipherSuite=" + cipherSuite
                + ", privilege=" + privilege + ", connectTimeout=" + connectTimeout + ", retransmitInterval="
                + retransmitInterval + ", pollInterval=" + pollInterval + ", closeTimeout=" + closeTimeout + "}";
    }

    /** Builds a {@link BmcConfig}. Not thread-safe. */
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private String user;
        private Secret password;
        private Secret bmcKey;
        private CipherSuite cipherSuite = CipherSuite.SUITE_3;
        private boolean cipherSuiteZeroAllowed;
        private PrivilegeLevel privilege = PrivilegeLevel.ADMINISTRATOR;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration retransmitInterval = Duration.ofMillis(250);
        private Duration pollInterval = Duration.ofMillis(200);
        private Duration closeTimeout = Duration.ofMillis(300);

        private Builder() {
        }

        /**
         * Sets the BMC's host name or address.
         *
         * @param host the BMC's host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the BMC's UDP port (default 623).
         *
         * @param port the BMC's UDP port (default 623)
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the IPMI user name, at most 16 printable ASCII characters.
         *
         * @param user the IPMI user name, at most 16 printable ASCII characters
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the password, at most 20 bytes.
         *
         * @param password the password, at most 20 bytes
         * @return this builder
         */
        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        /**
         * @param variable an environment variable holding the password
         * @return this builder
         * @throws IllegalArgumentException if the variable is not set
         */
        public Builder passwordFromEnvironment(String variable) {
            this.password = Secret.fromEnvironment(variable);
            return this;
        }

        /**
         * @param file a file holding the password (one trailing newline is ignored)
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read
         */
        public Builder passwordFromFile(Path file) {
            this.password = Secret.fromFile(file);
            return this;
        }

        /**
         * Sets the BMC key K_G (at most 20 bytes), if the BMC has one set.
         *
         * @param bmcKey the BMC key K_G (at most 20 bytes), if the BMC has one set
         * @return this builder
         */
        public Builder bmcKey(Secret bmcKey) {
            this.bmcKey = bmcKey;
            return this;
        }

        /**
         * Sets the cipher suite (default 3).
         *
         * @param suite the cipher suite (default 3)
         * @return this builder
         */
        public Builder cipherSuite(CipherSuite suite) {
            this.cipherSuite = suite;
            return this;
        }

        /**
         * @param id the cipher suite ID (default 3)
         * @return this builder
         * @throws IllegalArgumentException if this client does not speak the suite
         */
        public Builder cipherSuite(int id) {
            this.cipherSuite = CipherSuite.of(id);
            return this;
        }

        /**
         * Allows cipher suite 0, which authenticates nothing: a BMC accepts any password with it.
         *
         * @param allowed whether suite 0 may be configured
         * @return this builder
         */
        public Builder allowCipherSuiteZero(boolean allowed) {
            this.cipherSuiteZeroAllowed = allowed;
            return this;
        }

        /**
         * Sets the session privilege (default ADMINISTRATOR).
         *
         * @param privilege the session privilege (default ADMINISTRATOR)
         * @return this builder
         */
        public Builder privilege(PrivilegeLevel privilege) {
            this.privilege = privilege;
            return this;
        }

        /**
         * Sets how long the BMC may stay silent at first (default 3 s).
         *
         * @param timeout how long the BMC may stay silent at first (default 3 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets first retransmission wait (default 250 ms).
         *
         * @param interval first retransmission wait (default 250 ms)
         * @return this builder
         */
        public Builder retransmitInterval(Duration interval) {
            this.retransmitInterval = interval;
            return this;
        }

        /**
         * Sets pause between verification reads (default 200 ms).
         *
         * @param interval pause between verification reads (default 200 ms)
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /**
         * Sets budget for closing the session (default 300 ms).
         *
         * @param timeout budget for closing the session (default 300 ms)
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException naming the field, the value and the rule, if a value is invalid
         */
        public BmcConfig build() {
            if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:%_\\[\\]-]{1,253}")) {
                throw new IllegalArgumentException("host '" + host
                        + "' is invalid: give a host name or IP address of [A-Za-z0-9.:%_[]-]");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is invalid: use 1-65535");
            }
            if (user == null) {
                throw new IllegalArgumentException(
                        "user is null: give the IPMI user name (\"\" for the anonymous user)");
            }
            if (user.length() > 16 || !user.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
                throw new IllegalArgumentException("user '" + user
                        + "' is invalid: use at most 16 printable ASCII characters without spaces");
            }
            if (password == null) {
                throw new IllegalArgumentException("password is null: give a Secret (of, fromEnvironment, fromFile)");
            }
            if (password.reveal().length > 20) {
                throw new IllegalArgumentException("password (" + password.origin()
                        + ") is too long: IPMI v2.0 passwords are at most 20 bytes");
            }
            if (bmcKey != null && bmcKey.reveal().length > 20) {
                throw new IllegalArgumentException("bmcKey (" + bmcKey.origin()
                        + ") is too long: the IPMI v2.0 BMC key K_G is at most 20 bytes");
            }
            if (cipherSuite == null) {
                throw new IllegalArgumentException("cipherSuite is null: use CipherSuite.SUITE_3 or SUITE_17");
            }
            if (cipherSuite == CipherSuite.SUITE_0 && !cipherSuiteZeroAllowed) {
                throw new IllegalArgumentException("cipherSuite 0 is refused: it authenticates nothing (any password"
                        + " is accepted); call allowCipherSuiteZero(true) to use it anyway");
            }
            if (privilege == null) {
                throw new IllegalArgumentException("privilege is null: use OPERATOR or ADMINISTRATOR");
            }
            positive("connectTimeout", connectTimeout);
            positive("retransmitInterval", retransmitInterval);
            positive("pollInterval", pollInterval);
            positive("closeTimeout", closeTimeout);
            if (retransmitInterval.compareTo(connectTimeout) > 0) {
                throw new IllegalArgumentException("retransmitInterval " + retransmitInterval
                        + " is longer than connectTimeout " + connectTimeout + ": it must not be");
            }
            return new BmcConfig(this);
        }

        private static void positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(field + " " + d + " is invalid: it must be positive");
            }
        }
    }
}
