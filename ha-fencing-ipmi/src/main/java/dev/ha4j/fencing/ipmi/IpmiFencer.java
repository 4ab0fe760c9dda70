package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.fencing.ipmi.internal.Deadline;
import dev.ha4j.fencing.ipmi.internal.IpmiException;
import dev.ha4j.fencing.ipmi.internal.IpmiMessage;
import dev.ha4j.fencing.ipmi.internal.RmcpPlusSession;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Fencer} that speaks IPMI v2.0 RMCP+ ("lanplus") to each node's BMC directly over UDP.
 *
 * <p>Every call opens its own session (cipher suite 3 unless configured otherwise), does its work and
 * closes the session, also on error. Power actions send Chassis Control at once (powering down a node that
 * is off, or up one that is on, changes nothing, so a read before the command would only cost a round trip),
 * then read the state back until it matches or the deadline passes: a fence succeeds only when the BMC reads
 * back OFF. REBOOT is off, verified off, on, verified on; never a blind power cycle. Failures are results
 * naming their cause (see {@link IpmiFailure}); the password never appears in a result, a log line or
 * {@link #toString()}.
 *
 * <p>Deadlines: the timeout covers everything, the name lookup of the BMC's host (waited for on the calling
 * thread through the configured {@link dev.ha4j.core.builtin.HostResolver}, never past the deadline), the
 * handshake, the work, and Close Session, for which a reserve (the BMC's close timeout, at most a tenth of the
 * timeout) is kept at the end of the budget; a call returns by its deadline. Deadlines are measured on a
 * monotonic ticker ({@link IpmiFencerConfig#ticker()}), never on the wall clock, and a huge timeout is clamped
 * to about 73 years. An interrupt ends any wait at once with {@link IpmiFailure#INTERRUPTED}.
 *
 * <p>Thread-safe. Calls for different nodes run in parallel; calls for the same node are serialised so
 * that an ON cannot interleave with an OFF (a waiting call counts against its own deadline).
 */
public final class IpmiFencer implements Fencer {
    private static final Logger LOG = LoggerFactory.getLogger(IpmiFencer.class);
    private static final int CONTROL_POWER_DOWN = 0x00;
    private static final int CONTROL_POWER_UP = 0x01;

    private final IpmiFencerConfig config;
    private final LongSupplier ticker;
    private final Map<NodeId, Semaphore> locks = new ConcurrentHashMap<>();

    private IpmiFencer(IpmiFencerConfig config) {
        this.config = config;
        this.ticker = config.ticker();
    }

    /**
     * Starts a builder: {@code IpmiFencer.builder().config(config).build()}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link IpmiFencer} from its configuration. Not thread-safe. */
    public static final class Builder {
        private IpmiFencerConfig config;

        private Builder() {
        }

        /**
         * Sets the configuration: the BMC of every node, the ticker and the name resolver.
         *
         * @param config the configuration
         * @return this builder
         * @throws NullPointerException if {@code config} is null
         */
        public Builder config(IpmiFencerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Makes the fencer.
         *
         * @return the fencer
         * @throws IllegalStateException if no configuration was given
         */
        public IpmiFencer build() {
            if (config == null) {
                throw new IllegalStateException("config is missing: IpmiFencer.builder().config(...)");
            }
            return new IpmiFencer(config);
        }
    }

    /** @return the configuration */
    public IpmiFencerConfig config() {
        return config;
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        return run(node, action, timeout).result();
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        return readStatus(node, timeout).powerState();
    }

    /**
     * Like {@link #fence(NodeId, FenceAction, Duration)}, with the cause as a value and the time taken.
     *
     * @param node the node
     * @param action off, on or reboot
     * @param timeout the deadline for the whole action, verification included
     * @return the result
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public IpmiResult run(NodeId node, FenceAction action, Duration timeout) {
        Objects.requireNonNull(action, "action");
        return execute(node, timeout, action.name().toLowerCase(Locale.ROOT), (s, b, d, st) -> {
            switch (action) {
                case OFF -> ensure(s, b, d, st, PowerState.OFF);
                case ON -> ensure(s, b, d, st, PowerState.ON);
                case REBOOT -> {
                    ensure(s, b, d, st, PowerState.OFF);
                    String off = st.detail;
                    ensure(s, b, d, st, PowerState.ON);
                    st.detail = off + ", then " + st.detail;
                }
                default -> throw new IllegalStateException("unknown action " + action);
            }
        });
    }

    /**
     * Reads the power state, with the cause as a value if it cannot.
     *
     * @param node the node
     * @param timeout the deadline
     * @return the result; OK with ON or OFF, or a failure with UNKNOWN
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public IpmiResult readStatus(NodeId node, Duration timeout) {
        return execute(node, timeout, "status", (s, b, d, st) -> {
            st.state = readPower(s, d);
            st.detail = "read " + st.state;
        });
    }

    /**
     * Sends an ASF presence ping (RMCP, no session) to the node's BMC.
     *
     * @param node the node
     * @param timeout how long to wait for the pong
     * @return whether the BMC answered and announced IPMI support
     * @throws NullPointerException if an argument is null
     */
    public boolean ping(NodeId node, Duration timeout) {
        Optional<BmcConfig> bmc = config.bmc(Objects.requireNonNull(node, "node"));
        if (bmc.isEmpty()) {
            return false;
        }
        try {
            return RmcpPlusSession.presencePing(bmc.get().host(), bmc.get().port(), config.resolver(),
                    Deadline.after(ticker, Objects.requireNonNull(timeout, "timeout")), bmc.get().retransmitInterval());
        } catch (IpmiException e) {
            LOG.debug("presence ping to {} for node {} failed: {}", bmc.get().host(), node, e.getMessage());
            return false;
        }
    }

    private interface Work {
        void run(RmcpPlusSession session, BmcConfig bmc, Deadline deadline, State state) throws IpmiException;
    }

    /** What a run has learned so far; confined to the calling thread. */
    private static final class State {
        PowerState state = PowerState.UNKNOWN;
        String detail = "";
        boolean verifying;
    }

    private IpmiResult execute(NodeId node, Duration timeout, String what, Work work) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is invalid: it must be positive");
        }
        long started = ticker.getAsLong();
        Deadline deadline = Deadline.after(ticker, timeout);
        Optional<BmcConfig> maybeBmc = config.bmc(node);
        if (maybeBmc.isEmpty()) {
            return result(node, what, started, IpmiFailure.UNKNOWN_NODE, PowerState.UNKNOWN,
                    "node '" + node + "' has no BMC in this fencer's configuration");
        }
        BmcConfig bmc = maybeBmc.get();
        Semaphore lock = locks.computeIfAbsent(node, n -> new Semaphore(1));
        boolean locked = false;
        State st = new State();
        try {
            locked = lock.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            if (!locked) {
                return result(node, what, started, IpmiFailure.TIMED_OUT, PowerState.UNKNOWN,
                        "another IPMI action on node '" + node + "' was still running at the deadline");
            }
            // The work stops early enough for Close Session to fit inside the caller's deadline.
            Duration reserve = timeout.dividedBy(10).compareTo(bmc.closeTimeout()) < 0 ? timeout.dividedBy(10)
                    : bmc.closeTimeout();
            Deadline workBy = deadline.minus(reserve);
            try (RmcpPlusSession session = RmcpPlusSession.open(params(bmc), workBy, deadline)) {
                work.run(session, bmc, workBy, st);
            }
            return result(node, what, started, IpmiFailure.NONE, st.state, st.detail);
        } catch (IpmiException e) {
            IpmiFailure f = e.failure();
            if (st.verifying && f == IpmiFailure.TIMED_OUT) {
                f = IpmiFailure.VERIFICATION_TIMED_OUT;
            }
            return result(node, what, started, f, st.state, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(node, what, started, IpmiFailure.INTERRUPTED, st.state,
                    "the calling thread was interrupted while waiting for another action on node '" + node + "'");
        } finally {
            if (locked) {
                lock.release();
            }
        }
    }

    private IpmiResult result(NodeId node, String what, long startedNanos, IpmiFailure failure, PowerState state,
            String text) {
        Duration elapsed = Duration.ofNanos(Math.max(0, ticker.getAsLong() - startedNanos));
        String detail = failure == IpmiFailure.NONE ? text : failure.label() + ": " + text;
        FenceResult r = failure == IpmiFailure.NONE ? FenceResult.ok(state, detail)
                : FenceResult.failed(failure.outcome(), state, detail);
        if (failure == IpmiFailure.NONE) {
            LOG.debug("IPMI {} on node {}: {} in {} ms", what, node, r, elapsed.toMillis());
        } else {
            LOG.info("IPMI {} on node {} failed: {} after {} ms", what, node, r, elapsed.toMillis());
        }
        return new IpmiResult(r, failure, elapsed);
    }

    private RmcpPlusSession.Params params(BmcConfig b) {
        return new RmcpPlusSession.Params(b.host(), b.port(), b.user(), b.password(), b.bmcKey().orElse(null),
                b.cipherSuite(), b.privilege(), b.connectTimeout(), b.retransmitInterval(), b.closeTimeout(), ticker,
                config.resolver());
    }

    /**
     * Brings the node to {@code target} and reads it back; never a blind command. No read before the command:
     * powering down an off node (or up a running one) changes nothing, and the read-back is what proves the
     * state, so a first read would only add a round trip to every fence.
     */
    private void ensure(RmcpPlusSession s, BmcConfig bmc, Deadline d, State st, PowerState target)
            throws IpmiException {
        String word = target == PowerState.OFF ? "power down" : "power up";
        IpmiMessage.Response r = s.command(IpmiMessage.NETFN_CHASSIS, IpmiMessage.CMD_CHASSIS_CONTROL,
                new byte[] {(byte) (target == PowerState.OFF ? CONTROL_POWER_DOWN : CONTROL_POWER_UP)}, d,
                "Chassis Control (" + word + ")");
        if (r.completionCode() != 0) {
            int cc = r.completionCode();
            // Only on this failure path is the state read separately: a refused command is worth reporting
            // with the state the node is in, and some BMCs refuse a power command that would not change the
            // state (0xD5), where the state is what counts.
            try {
                st.state = readPower(s, d);
            } catch (IpmiException e) {
                st.state = PowerState.UNKNOWN;
            }
            if (cc == 0xd4) {
                throw new IpmiException(IpmiFailure.PRIVILEGE_TOO_LOW, "Chassis Control (" + word + ") at "
                        + s.target() + ": " + IpmiMessage.describe(cc) + "; it needs OPERATOR or ADMINISTRATOR", cc);
            }
            if (st.state == target) {
                st.detail = "verified " + target + " (Chassis Control answered " + IpmiMessage.describe(cc) + ")";
                return;
            }
            throw new IpmiException(IpmiFailure.BMC_ERROR, "Chassis Control (" + word + ") at " + s.target()
                    + " failed: " + IpmiMessage.describe(cc) + "; the state read back " + st.state, cc);
        }
        long sent = ticker.getAsLong();
        st.verifying = true;
        int reads = 0;
        int answers = 0;
        long lastAnswerAt = -1;
        String lastError = "";
        while (true) {
            if (reads > 0 && d.expired()) {
                throw new IpmiException(IpmiFailure.VERIFICATION_TIMED_OUT, verification(s, word, target, st.state,
                        reads, answers, sent, lastAnswerAt, lastError) + "; the deadline passed");
            }
            reads++;
            try {
                st.state = readPower(s, d);
                answers++;
                lastAnswerAt = ticker.getAsLong();
                lastError = "";
            } catch (IpmiException e) {
                if (e.failure() != IpmiFailure.BMC_ERROR) {
                    IpmiFailure f = e.failure() == IpmiFailure.TIMED_OUT ? IpmiFailure.VERIFICATION_TIMED_OUT
                            : e.failure();
                    throw new IpmiException(f, verification(s, word, target, st.state, reads - 1, answers, sent,
                            lastAnswerAt, lastError) + "; then: " + e.getMessage(), e.completionCode());
                }
                st.state = PowerState.UNKNOWN;
                lastError = e.getMessage();
            }
            if (st.state == target) {
                st.verifying = false;
                st.detail = "verified " + target + " after " + word + " (" + reads + " read"
                        + (reads == 1 ? "" : "s") + ", " + (ticker.getAsLong() - sent) / 1_000_000 + " ms)";
                return;
            }
            Duration left = d.remaining();
            if (left.isZero()) {
                continue;
            }
            s.idle(bmc.pollInterval().compareTo(left) < 0 ? bmc.pollInterval() : left);
        }
    }

    /** What a verification saw, for the detail of a failed one: reads made and answered, the last state. */
    private String verification(RmcpPlusSession s, String word, PowerState target, PowerState last, int reads,
            int answers, long sent, long lastAnswerAt, String lastError) {
        long now = ticker.getAsLong();
        StringBuilder b = new StringBuilder(s.target()).append(" accepted ").append(word).append(", but ");
        if (answers == 0) {
            b.append("no read of the power state was answered");
        } else {
            b.append("the power state read back ").append(last == PowerState.UNKNOWN ? "no state" : last)
                    .append(", not ").append(target);
        }
        b.append(" (").append(reads).append(" read").append(reads == 1 ? "" : "s").append(", ").append(answers)
                .append(" answered");
        if (lastAnswerAt >= 0) {
            b.append(", the last ").append((lastAnswerAt - sent) / 1_000_000).append(" ms after the command");
        }
        b.append("; ").append((now - sent) / 1_000_000).append(" ms since the command");
        if (!lastError.isEmpty()) {
            b.append("; last read failed: ").append(lastError);
        }
        return b.append(')').toString();
    }

    private static PowerState readPower(RmcpPlusSession s, Deadline d) throws IpmiException {
        IpmiMessage.Response r = s.command(IpmiMessage.NETFN_CHASSIS, IpmiMessage.CMD_GET_CHASSIS_STATUS,
                new byte[0], d, "Get Chassis Status");
        if (r.completionCode() != 0) {
            int cc = r.completionCode();
            throw new IpmiException(cc == 0xd4 ? IpmiFailure.PRIVILEGE_TOO_LOW : IpmiFailure.BMC_ERROR,
                    "Get Chassis Status at " + s.target() + " failed: " + IpmiMessage.describe(cc), cc);
        }
        if (r.data().length < 1) {
            throw new IpmiException(IpmiFailure.PROTOCOL_ERROR, "Get Chassis Status at " + s.target()
                    + " returned no data");
        }
        return (r.data()[0] & 0x01) != 0 ? PowerState.ON : PowerState.OFF;
    }

    @Override
    public java.util.Optional<java.util.Set<NodeId>> coveredNodes() {
        return java.util.Optional.of(java.util.Set.copyOf(config.bmcs().keySet()));
    }

    @Override
    public String toString() {
        return "IpmiFencer{" + config + "}";
    }
}
