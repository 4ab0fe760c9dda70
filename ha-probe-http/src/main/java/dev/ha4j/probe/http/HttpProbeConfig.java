package dev.ha4j.probe.http;

import dev.ha4j.core.Secret;
import dev.ha4j.probe.http.internal.Text;
import dev.ha4j.probe.http.internal.TrustStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Configuration of an {@link HttpHealthProbe}: which status table and path, how much body to read, how to
 * authenticate, which certificates to trust, and the timings the guide recommends.
 *
 * <h2>Timings and how they map to the policy</h2>
 * The engine's policy owns the probe interval and timeouts (the first check after a start included:
 * {@link dev.ha4j.core.config.Policy#firstProbeTimeout()}); the probe honours the timeout it is called with and
 * never extends it. This configuration carries the guide's advice, and the three recommendations build a valid
 * policy together:
 * <ul>
 *   <li>{@link #RECOMMENDED_INTERVAL} (15 s): the shortest steady interval the guide recommends; use it as the
 *       policy's probe interval or longer. (Confirming a failure already seen is the policy's recheck
 *       interval, not this.)</li>
 *   <li>{@link #RECOMMENDED_TIMEOUT} (10 s): the policy's probe timeout, shorter than the interval because
 *       probes never overlap, and longer than the default connect timeout.</li>
 *   <li>{@link #RECOMMENDED_FIRST_PROBE_TIMEOUT} (30 s): the guide's "30 s", for the first check after a
 *       start (a JVM warming up), as the policy's first-probe timeout.</li>
 *   <li>{@link #connectTimeout()} (default 5 s): a connect that takes longer is
 *       {@link dev.ha4j.core.FailureKind#NODE_UNREACHABLE}. It should be shorter than the probe timeout: when
 *       the timeout runs out first, the probe cannot tell a slow connect from a server that accepted and did
 *       not answer, and reports {@link dev.ha4j.core.FailureKind#HUNG} with a detail saying so.</li>
 * </ul>
 * A read timeout ({@code HUNG}) is a single observation; the policy's "failures in a row" decides when to act.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows a password or token.
 */
public final class HttpProbeConfig {
    /** The shortest probe interval the guide recommends. */
    public static final Duration RECOMMENDED_INTERVAL = Duration.ofSeconds(15);
    /** The probe timeout to use with {@link #RECOMMENDED_INTERVAL}: shorter than it, so probes never overlap. */
    public static final Duration RECOMMENDED_TIMEOUT = Duration.ofSeconds(10);
    /** The guide's timeout for the first check after a start, as the policy's first-probe timeout. */
    public static final Duration RECOMMENDED_FIRST_PROBE_TIMEOUT = Duration.ofSeconds(30);
    /** Default cap on the response body. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    private static final int MIN_BODY_BYTES = 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final Duration MAX_DURATION = Duration.ofHours(1);
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~+/=-]+");
    private static final Pattern USER = Pattern.compile("[^:\\p{Cntrl}]{1,256}");

    private final StatusTable statusTable;
    private final String path;
    private final int maxBodyBytes;
    private final Duration connectTimeout;
    private final String userAgent;
    private final String authScheme;
    private final String basicUser;
    private final Secret secret;
    private final Path trustStore;
    private final String trustStoreType;
    private final SSLContext sslContext;
    private final boolean customSslContext;

    private HttpProbeConfig(Builder b, SSLContext sslContext) {
        this.statusTable = b.statusTable;
        this.path = b.path != null ? b.path : b.statusTable.defaultPath();
        this.maxBodyBytes = b.maxBodyBytes;
        this.connectTimeout = b.connectTimeout;
        this.userAgent = b.userAgent;
        this.authScheme = b.authScheme;
        this.basicUser = b.basicUser;
        this.secret = b.secret;
        this.trustStore = b.trustStore;
        this.trustStoreType = b.trustStoreType;
        this.sslContext = sslContext;
        this.customSslContext = b.sslContext != null;
    }

    /**
     * @return a builder with the defaults: {@link StatusTable#BITBUCKET}, its path, 64 KiB body cap, 5 s
     *     connect timeout, no authentication, the JDK's default trust
     */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the defaults of {@link #custom()} */
    public static HttpProbeConfig ofDefaults() {
        return custom().build();
    }

    /** @return a builder holding this configuration's values, to derive a changed copy */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.statusTable = statusTable;
        b.path = path;
        b.maxBodyBytes = maxBodyBytes;
        b.connectTimeout = connectTimeout;
        b.userAgent = userAgent;
        b.authScheme = authScheme;
        b.basicUser = basicUser;
        b.secret = secret;
        b.trustStore = trustStore;
        b.trustStoreType = trustStoreType;
        b.trustStorePassword = null;
        b.sslContext = trustStore != null ? null : customSslContext ? sslContext : null;
        b.prebuiltTrust = trustStore != null ? sslContext : null;
        return b;
    }

    /** @return the status table that turns answers into verdicts */
    public StatusTable statusTable() {
        return statusTable;
    }

    /** @return the path probed on every node's base URI (the table's default unless set) */
    public String path() {
        return path;
    }

    /** @return the most body bytes read; a longer body is {@link dev.ha4j.core.FailureKind#BAD_RESPONSE} */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** @return how long a TCP/TLS connect may take before the node counts as unreachable */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return {@link #RECOMMENDED_INTERVAL}: probe at most this often */
    public Duration recommendedInterval() {
        return RECOMMENDED_INTERVAL;
    }

    /** @return {@link #RECOMMENDED_TIMEOUT} */
    public Duration recommendedTimeout() {
        return RECOMMENDED_TIMEOUT;
    }

    /** @return the User-Agent header sent */
    public String userAgent() {
        return userAgent;
    }

    /** @return {@code "none"}, {@code "basic"} or {@code "bearer"}; never the credential */
    public String authScheme() {
        return authScheme;
    }

    /** @return the trust store file, when one was configured */
    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /**
     * @return the TLS context for HTTPS: the one given, the one built from the trust store, or empty for the
     *     JDK default (system trust, certificate and host name verification on)
     */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /**
     * The Authorization header value, built at the moment of the request so that no long-lived string holds
     * the credential. Package-private: only the probe sends it.
     */
    Optional<String> authorizationHeader() {
        if (secret == null) {
            return Optional.empty();
        }
        if ("bearer".equals(authScheme)) {
            return Optional.of("Bearer " + secret.revealAsString());
        }
        byte[] user = basicUser.getBytes(StandardCharsets.UTF_8);
        byte[] pw = secret.reveal();
        byte[] both = new byte[user.length + 1 + pw.length];
        System.arraycopy(user, 0, both, 0, user.length);
        both[user.length] = ':';
        System.arraycopy(pw, 0, both, user.length + 1, pw.length);
        java.util.Arrays.fill(pw, (byte) 0);
        String v = "Basic " + Base64.getEncoder().encodeToString(both);
        java.util.Arrays.fill(both, (byte) 0);
        return Optional.of(v);
    }

    @Override
    public String toString() {
        return "HttpProbeConfig[table=" + statusTable.name() + ", path=" + path + ", maxBodyBytes=" + maxBodyBytes
                + ", connectTimeout=" + Text.duration(connectTimeout) + ", auth=" + authScheme
                + ("basic".equals(authScheme) ? "(user=" + basicUser + ", password=" + secret + ")"
                : "bearer".equals(authScheme) ? "(token=" + secret + ")" : "")
                + ", tls=" + (trustStore != null ? "trustStore " + trustStore
                : customSslContext ? "custom SSLContext" : "JDK default") + "]";
    }

    /**
     * Builds an {@link HttpProbeConfig}; {@link #build()} validates every value and names the one it refuses.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private StatusTable statusTable = StatusTable.BITBUCKET;
        private String path;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private String userAgent = "ha4j-probe-http";
        private String authScheme = "none";
        private String basicUser;
        private Secret secret;
        private Path trustStore;
        private Secret trustStorePassword;
        private String trustStoreType;
        private SSLContext sslContext;
        private SSLContext prebuiltTrust;

        private Builder() {
        }

        /**
         * @param table the product's status table; default {@link StatusTable#BITBUCKET}
         * @return this builder
         * @throws NullPointerException if {@code table} is null
         */
        public Builder statusTable(StatusTable table) {
            this.statusTable = Objects.requireNonNull(table, "statusTable");
            return this;
        }

        /**
         * @param path the path to probe on each node's base URI, such as {@code /status}; default the table's
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param bytes the most body bytes to read, 1 KiB to 16 MiB; default 64 KiB
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * @param timeout how long a connect may take before the node counts as unreachable, 1 ms to 1 h;
         *     default 5 s. Applies to the HTTP client the probe builds.
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param userAgent the User-Agent header, 1-100 printable characters; default {@code ha4j-probe-http}
         * @return this builder
         * @throws NullPointerException if {@code userAgent} is null
         */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /**
         * Sends HTTP basic authentication. The status endpoints of the products need none; use this when a
         * proxy in front of the service asks for it.
         *
         * @param user the user name (no colon)
         * @param password the password; never logged
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder basicAuth(String user, Secret password) {
            this.basicUser = Objects.requireNonNull(user, "user");
            this.secret = Objects.requireNonNull(password, "password");
            this.authScheme = "basic";
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer <token>}.
         *
         * @param token the token; never logged
         * @return this builder
         * @throws NullPointerException if {@code token} is null
         */
        public Builder bearerToken(Secret token) {
            this.basicUser = null;
            this.secret = Objects.requireNonNull(token, "token");
            this.authScheme = "bearer";
            return this;
        }

        /** @return this builder, with no authentication (the default) */
        public Builder noAuth() {
            this.basicUser = null;
            this.secret = null;
            this.authScheme = "none";
            return this;
        }

        /**
         * Trusts the certificates in a trust store instead of the JDK's default ones. Certificate and host
         * name verification stay on. The type is taken from the extension ({@code .jks} → JKS, otherwise
         * PKCS12).
         *
         * @param file the trust store
         * @param password its password, or null when it has none
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder trustStore(Path file, Secret password) {
            return trustStore(file, password, null);
        }

        /**
         * @param file the trust store
         * @param password its password, or null when it has none
         * @param type the key store type ({@code PKCS12}, {@code JKS}), or null to guess from the extension
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder trustStore(Path file, Secret password, String type) {
            this.trustStore = Objects.requireNonNull(file, "trustStore");
            this.trustStorePassword = password;
            this.trustStoreType = type;
            this.prebuiltTrust = null;
            return this;
        }

        /**
         * Uses a TLS context of your own (client certificates, a custom trust manager). Exclusive with
         * {@link #trustStore(Path, Secret)}.
         *
         * @param context the context
         * @return this builder
         * @throws NullPointerException if {@code context} is null
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * Validates and builds; loads the trust store, if any.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value breaks its rule (the message names the field, the value
         *     and the rule), the trust store cannot be loaded, or both a trust store and an SSL context are set
         */
        public HttpProbeConfig build() {
            if (path != null) {
                StatusTable.Builder.checkPath("", path);
            }
            if (maxBodyBytes < MIN_BODY_BYTES || maxBodyBytes > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " is invalid: must be between "
                        + MIN_BODY_BYTES + " and " + MAX_BODY_BYTES);
            }
            checkDuration("connectTimeout", connectTimeout);
            if (userAgent.isBlank() || userAgent.length() > 100 || !userAgent.equals(Text.printable(userAgent, 100))) {
                throw new IllegalArgumentException("userAgent '" + Text.printable(userAgent, 40) + "' is invalid:"
                        + " use 1-100 printable characters");
            }
            if ("basic".equals(authScheme) && !USER.matcher(basicUser).matches()) {
                throw new IllegalArgumentException("basicAuth user '" + Text.printable(basicUser, 40) + "' is"
                        + " invalid: use 1-256 characters without ':' or control characters");
            }
            if (secret != null && secret.isEmpty()) {
                throw new IllegalArgumentException(authScheme + " auth secret (" + secret.origin() + ") is empty");
            }
            if ("bearer".equals(authScheme) && !TOKEN_CHARS.matcher(secret.revealAsString()).matches()) {
                // The value is never shown: only the rule it breaks.
                throw new IllegalArgumentException("bearerToken (" + secret.origin() + ") is invalid: a bearer"
                        + " token may only hold A-Z a-z 0-9 . _ ~ + / = -");
            }
            if (trustStore != null && sslContext != null) {
                throw new IllegalArgumentException("trustStore '" + trustStore + "' and sslContext are both set:"
                        + " choose one");
            }
            SSLContext ctx = sslContext;
            if (trustStore != null) {
                ctx = prebuiltTrust != null ? prebuiltTrust
                        : TrustStores.load(trustStore, trustStorePassword, trustStoreType);
            }
            return new HttpProbeConfig(this, ctx);
        }

        private static void checkDuration(String field, Duration d) {
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(field + " " + d + " is invalid: must be between 1ms and 1h");
            }
        }
    }
}
