package dev.ha4j.core.builtin;

import dev.ha4j.core.Notification;
import dev.ha4j.core.spi.Notifier;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * A {@link Notifier} that writes each notification to an SLF4J logger, with the MDC keys {@code cluster},
 * {@code node} and {@code epoch} set for the one log call and restored afterwards. Blocks and failed fences are
 * logged at ERROR, failovers, lost leases and refused switchovers at WARN, everything else at INFO.
 *
 * <pre>{@code
 * Notifier n = LoggingNotifier.builder().cluster("bitbucket-prod").build();
 * }</pre>
 *
 * <p>Thread-safe. Never throws: a failing logging back end is swallowed, since a notifier must not disturb a
 * failover.
 */
public final class LoggingNotifier implements Notifier {
    /** The MDC key for the cluster name. */
    public static final String MDC_CLUSTER = "cluster";
    /** The MDC key for the node name. */
    public static final String MDC_NODE = "node";
    /** The MDC key for the epoch. */
    public static final String MDC_EPOCH = "epoch";
    /** The default logger name. */
    public static final String DEFAULT_LOGGER = "dev.ha4j.notify";

    private final Logger logger;
    private final String cluster;
    private final MDCAdapter mdc;

    private LoggingNotifier(Logger logger, String cluster, MDCAdapter mdc) {
        this.logger = logger;
        this.cluster = cluster;
        this.mdc = mdc;
    }

    /**
     * Starts a builder; {@code builder().build()} is a notifier on the logger {@value #DEFAULT_LOGGER} with an
     * empty cluster name.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logs the notification. Never throws.
     *
     * @param notification what to tell; a null notification is ignored
     */
    @Override
    public void notify(Notification notification) {
        if (notification == null) {
            return;
        }
        String oldCluster = null;
        String oldNode = null;
        String oldEpoch = null;
        boolean mdcSet = false;
        try {
            oldCluster = mdc.get(MDC_CLUSTER);
            oldNode = mdc.get(MDC_NODE);
            oldEpoch = mdc.get(MDC_EPOCH);
            mdcSet = true;
            mdc.put(MDC_CLUSTER, cluster);
            putOrRemove(MDC_NODE, notification.node().map(Object::toString).orElse(null));
            mdc.put(MDC_EPOCH, Long.toString(notification.epoch().value()));
            switch (notification.kind()) {
                case BLOCKED, FENCE_FAILED -> logger.error("{}", notification);
                case FAILOVER_STARTED, LEASE_LOST, SWITCHOVER_REFUSED -> logger.warn("{}", notification);
                default -> logger.info("{}", notification);
            }
        } catch (RuntimeException e) {
            // a notifier must never disturb the caller; there is nowhere left to report this
        } finally {
            if (mdcSet) {
                try {
                    putOrRemove(MDC_CLUSTER, oldCluster);
                    putOrRemove(MDC_NODE, oldNode);
                    putOrRemove(MDC_EPOCH, oldEpoch);
                } catch (RuntimeException ignored) {
                    // as above
                }
            }
        }
    }

    private void putOrRemove(String key, String value) {
        if (value == null) {
            mdc.remove(key);
        } else {
            mdc.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "LoggingNotifier[" + logger.getName() + (cluster.isEmpty() ? "" : ", cluster=" + cluster) + "]";
    }

    /**
     * Builds a {@link LoggingNotifier}.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private Logger logger;
        private String cluster = "";
        private MDCAdapter mdc;

        private Builder() {
        }

        /** For tests: the MDC to write to, since a test logging back end may have none. */
        Builder mdcAdapter(MDCAdapter adapter) {
            this.mdc = adapter;
            return this;
        }

        /**
         * @param cluster the cluster name for the {@code cluster} MDC key
         * @return this builder
         */
        public Builder cluster(String cluster) {
            this.cluster = cluster;
            return this;
        }

        /**
         * @param logger the logger to write to (default: {@value LoggingNotifier#DEFAULT_LOGGER})
         * @return this builder
         */
        public Builder logger(Logger logger) {
            this.logger = logger;
            return this;
        }

        /**
         * @param name the name of the logger to write to
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder logger(String name) {
            this.logger = LoggerFactory.getLogger(Objects.requireNonNull(name, "logger name"));
            return this;
        }

        /**
         * @return the notifier
         * @throws IllegalArgumentException if the cluster name is null or contains control characters
         */
        public LoggingNotifier build() {
            if (cluster == null) {
                throw new IllegalArgumentException("cluster is null: use \"\" for no cluster name");
            }
            if (cluster.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("cluster '" + cluster.replaceAll("\\p{Cntrl}", "?")
                        + "' is invalid: it must not contain control characters");
            }
            return new LoggingNotifier(logger == null ? LoggerFactory.getLogger(DEFAULT_LOGGER) : logger, cluster,
                    mdc == null ? MDC.getMDCAdapter() : mdc);
        }
    }
}
