package dev.ha4j.core.builtin;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.spi.Coordinator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Coordinator} for one JVM: the lease lives in memory. Meant for tests, the simulator, demos and
 * single-manager set-ups where the manager itself is the only authority (it cannot protect against a second
 * manager in another process).
 *
 * <p>Every {@link #acquire} is granted and supersedes the current lease, whoever holds it, with the next epoch:
 * epochs strictly increase and are never reused within this instance (start from a persisted value with
 * {@link Builder#lastEpoch(Epoch)} or {@link #continueAfter(Epoch)} to keep that promise across restarts; a
 * {@link dev.ha4j.core.runtime.HaRuntime} with a journal does the latter at start by itself). A lease may have a time to live
 * measured on an injected {@link Clock}; an expired lease is dropped and listeners are told the next time the
 * coordinator is used or {@link #checkExpiry()} is called (there is no timer thread). The holder keeps a lease
 * alive with {@link #renew(Lease)}; {@link dev.ha4j.core.runtime.HaRuntime} does not renew leases (a
 * coordination service such as ZooKeeper keeps its session alive by itself), so with a time to live the embedding
 * code must renew, or the runtime will stop the service and take a new lease at every expiry. Without one (the
 * default) a lease lasts until it is superseded, revoked or expired on purpose. {@link #expire()} and {@link #revoke(String)} make it lose the lease at once,
 * as a ZooKeeper session loss would.
 *
 * <p>Listeners are told when a lease is lost: expired, revoked, or superseded by a grant to <em>another</em>
 * node (re-acquiring for the same node is not a loss). They are called on the thread that noticed the loss,
 * after the coordinator's lock is released; a listener that throws is logged and the others are still told.
 *
 * <pre>{@code
 * InMemoryCoordinator c = InMemoryCoordinator.builder().leaseTtl(Duration.ofSeconds(30)).clock(clock).build();
 * Lease lease = c.acquire(NodeId.of("alice"), Duration.ofSeconds(1)).lease().orElseThrow();
 * }</pre>
 *
 * <p>Thread-safe. Calls never block beyond a short internal lock, so every deadline is honoured and an
 * interrupt is left untouched.
 */
public final class InMemoryCoordinator implements Coordinator, EpochFloor {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryCoordinator.class);

    private final Clock clock;
    private final Optional<Duration> ttl;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // guarded by lock
    private long lastEpoch;
    private Lease current;
    private Instant expiresAt;

    private InMemoryCoordinator(Builder b) {
        this.clock = b.clock;
        this.ttl = Optional.ofNullable(b.ttl);
        this.lastEpoch = b.lastEpoch.value();
    }

    /**
     * Starts a builder; {@code builder().build()} is a coordinator without lease expiry, on the system clock,
     * starting from {@link Epoch#NONE}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A lease that was lost, to be told to the listeners outside the lock. */
    private record Lost(Lease lease, String reason) {
    }

    /**
     * {@inheritDoc}
     *
     * <p>Always granted: the new lease supersedes the current one with the next epoch.
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public LeaseResult acquire(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        List<Lost> lost = new ArrayList<>(2);
        Lease granted;
        synchronized (lock) {
            expireIfDue(lost);
            lastEpoch = Math.addExact(lastEpoch, 1);
            granted = new Lease(node, Epoch.of(lastEpoch));
            if (current != null && !current.holder().equals(node)) {
                lost.add(new Lost(current, "superseded by " + granted));
            }
            current = granted;
            expiresAt = ttl.map(t -> clock.instant().plus(t)).orElse(null);
        }
        tell(lost);
        LOG.debug("granted lease {}", granted);
        return LeaseResult.granted(granted);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public OpResult release(Lease lease, Duration timeout) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(timeout, "timeout");
        List<Lost> lost = new ArrayList<>(1);
        boolean released;
        synchronized (lock) {
            expireIfDue(lost);
            released = lease.equals(current);
            if (released) {
                current = null;
                expiresAt = null;
            }
        }
        tell(lost);
        return released ? OpResult.ok("released " + lease) : OpResult.ok("lease " + lease + " no longer held");
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public Optional<Lease> current(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<Lost> lost = new ArrayList<>(1);
        Optional<Lease> now;
        synchronized (lock) {
            expireIfDue(lost);
            now = Optional.ofNullable(current);
        }
        tell(lost);
        return now;
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code listener} is null
     */
    @Override
    public void addListener(LeaseListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Extends the time to live of {@code lease} if it is still the current one.
     *
     * @param lease the holder's lease
     * @return OK when renewed; REFUSED when the lease is no longer current (expired, revoked, superseded)
     * @throws NullPointerException if {@code lease} is null
     */
    public OpResult renew(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        List<Lost> lost = new ArrayList<>(1);
        boolean renewed;
        synchronized (lock) {
            expireIfDue(lost);
            renewed = lease.equals(current);
            if (renewed) {
                expiresAt = ttl.map(t -> clock.instant().plus(t)).orElse(null);
            }
        }
        tell(lost);
        return renewed ? OpResult.ok("renewed " + lease) : OpResult.refused("lease " + lease + " is not current");
    }

    /**
     * Drops the current lease if its time to live has passed on the clock, telling the listeners.
     *
     * @return the lease that expired, if one did
     */
    public Optional<Lease> checkExpiry() {
        List<Lost> lost = new ArrayList<>(1);
        synchronized (lock) {
            expireIfDue(lost);
        }
        tell(lost);
        return lost.stream().map(Lost::lease).findFirst();
    }

    /**
     * Makes the current lease expire now, as if its time to live had passed, telling the listeners.
     *
     * @return the lease that expired, empty when none was held
     */
    public Optional<Lease> expire() {
        return drop("expired");
    }

    /**
     * Takes the current lease away now (an administrator's action, a lost session), telling the listeners.
     *
     * @param reason why, for the listeners and the timeline
     * @return the lease that was revoked, empty when none was held
     * @throws NullPointerException if {@code reason} is null
     */
    public Optional<Lease> revoke(String reason) {
        Objects.requireNonNull(reason, "reason");
        return drop("revoked: " + reason);
    }

    /** @return the highest epoch granted so far ({@link Epoch#NONE} before the first grant); persist it */
    public Epoch lastEpoch() {
        synchronized (lock) {
            return Epoch.of(lastEpoch);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The current lease, if any, is kept: only later grants are affected.
     */
    @Override
    public Epoch continueAfter(Epoch epoch) {
        Objects.requireNonNull(epoch, "epoch");
        synchronized (lock) {
            if (epoch.value() > lastEpoch) {
                LOG.info("continuing after {}: the next lease is granted a newer epoch", epoch);
                lastEpoch = epoch.value();
            }
            return Epoch.of(lastEpoch);
        }
    }

    /** Takes back a lease a previous run held (see {@link FileCoordinator}); its time to live starts again. */
    void restore(Lease lease) {
        synchronized (lock) {
            if (lease.epoch().value() > lastEpoch) {
                lastEpoch = lease.epoch().value();
            }
            current = lease;
            expiresAt = ttl.map(t -> clock.instant().plus(t)).orElse(null);
        }
    }

    private Optional<Lease> drop(String reason) {
        Lost l = null;
        synchronized (lock) {
            if (current != null) {
                l = new Lost(current, reason);
                current = null;
                expiresAt = null;
            }
        }
        if (l == null) {
            return Optional.empty();
        }
        tell(List.of(l));
        return Optional.of(l.lease());
    }

    private void expireIfDue(List<Lost> lost) {
        if (current != null && expiresAt != null && !clock.instant().isBefore(expiresAt)) {
            lost.add(new Lost(current, "expired at " + expiresAt));
            current = null;
            expiresAt = null;
        }
    }

    private void tell(List<Lost> lost) {
        for (Lost l : lost) {
            LOG.info("lease {} lost: {}", l.lease(), l.reason());
            for (LeaseListener listener : listeners) {
                try {
                    listener.leaseLost(l.lease().holder(), l.lease().epoch(), l.reason());
                } catch (RuntimeException e) {
                    LOG.warn("lease listener {} failed for lost lease {}", listener, l.lease(), e);
                }
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryCoordinator[lease=" + (current == null ? "none" : current) + ", lastEpoch=" + lastEpoch
                    + ttl.map(t -> ", ttl=" + t).orElse("") + "]";
        }
    }

    /**
     * Builds an {@link InMemoryCoordinator}.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration ttl;
        private Epoch lastEpoch = Epoch.NONE;

        private Builder() {
        }

        /**
         * @param clock the clock lease expiry is measured on
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param ttl how long a lease lives without {@link InMemoryCoordinator#renew(Lease)}; null for forever
         * @return this builder
         */
        public Builder leaseTtl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * @param lastEpoch the highest epoch granted before (for example read from the journal); the first grant
         *     is the one after it
         * @return this builder
         */
        public Builder lastEpoch(Epoch lastEpoch) {
            this.lastEpoch = lastEpoch;
            return this;
        }

        /**
         * @return the coordinator
         * @throws IllegalArgumentException if clock or lastEpoch is null, or the TTL is zero or negative
         */
        public InMemoryCoordinator build() {
            if (clock == null) {
                throw new IllegalArgumentException("clock is null: a clock is required");
            }
            if (lastEpoch == null) {
                throw new IllegalArgumentException("lastEpoch is null: use Epoch.NONE for a fresh coordinator");
            }
            if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
                throw new IllegalArgumentException("leaseTtl " + ttl + " is invalid: it must be positive");
            }
            return new InMemoryCoordinator(this);
        }
    }
}
