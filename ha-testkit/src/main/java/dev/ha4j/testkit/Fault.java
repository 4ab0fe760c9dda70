package dev.ha4j.testkit;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.ha4j.core.Consistency;
import dev.ha4j.core.HealthStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One timed fault of a {@link FaultSchedule}: something that happens to the simulated world, or an operator's
 * request, at {@link #at()} after the start of a run. Condition faults (a hang, a partition, a failing fencer)
 * last {@link #duration()}; a zero duration means "until a {@link Recover}". Faults are JSON-serialisable
 * records (the {@code type} property names the record), so a failing schedule can be saved and replayed.
 *
 * <p>Node names are plain strings so that a saved schedule stays readable; a fault naming a node that the
 * cluster does not have is ignored by the simulator. Network endpoints of a {@link Partition} are
 * {@code "manager"}, {@code "router"}, {@code "coordinator"}, {@code "node:NAME"} and {@code "bmc:NAME"}; a
 * {@link Stall} names one of them but the manager.
 *
 * <p>Besides faults that break something, a few model what a real, contract-keeping infrastructure does that a
 * simulator answering "almost at once" hides (issue 8): service-control calls that take seconds
 * ({@link SlowControl}; the node's replica status overruns its deadline meanwhile, so an observation misses
 * it), an outdated peer that reconnects and resyncs so that its outdating does not stick, or a replica status
 * that cannot be read ({@link ReplicaQuirk}), a lease lost right after its grant, the loss reported before the
 * grant's answer ({@link LeaseRace}), and a step of the manager's wall clock ({@link ClockStep}). Each is
 * deterministic from the run's seed, like every other fault.
 *
 * <p>All faults are immutable records and thread-safe.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Fault.ServiceCrash.class, name = "ServiceCrash"),
    @JsonSubTypes.Type(value = Fault.ServiceHang.class, name = "ServiceHang"),
    @JsonSubTypes.Type(value = Fault.OutOfMemory.class, name = "OutOfMemory"),
    @JsonSubTypes.Type(value = Fault.ServiceError.class, name = "ServiceError"),
    @JsonSubTypes.Type(value = Fault.ServiceReports.class, name = "ServiceReports"),
    @JsonSubTypes.Type(value = Fault.SlowStart.class, name = "SlowStart"),
    @JsonSubTypes.Type(value = Fault.StartFails.class, name = "StartFails"),
    @JsonSubTypes.Type(value = Fault.StopHangs.class, name = "StopHangs"),
    @JsonSubTypes.Type(value = Fault.PowerLoss.class, name = "PowerLoss"),
    @JsonSubTypes.Type(value = Fault.Partition.class, name = "Partition"),
    @JsonSubTypes.Type(value = Fault.NetworkDelay.class, name = "NetworkDelay"),
    @JsonSubTypes.Type(value = Fault.MessageDrop.class, name = "MessageDrop"),
    @JsonSubTypes.Type(value = Fault.FencerFault.class, name = "FencerFault"),
    @JsonSubTypes.Type(value = Fault.ReplicaFault.class, name = "ReplicaFault"),
    @JsonSubTypes.Type(value = Fault.DatabaseDown.class, name = "DatabaseDown"),
    @JsonSubTypes.Type(value = Fault.LeaseExpired.class, name = "LeaseExpired"),
    @JsonSubTypes.Type(value = Fault.SessionLost.class, name = "SessionLost"),
    @JsonSubTypes.Type(value = Fault.ManagerCrash.class, name = "ManagerCrash"),
    @JsonSubTypes.Type(value = Fault.Switchover.class, name = "Switchover"),
    @JsonSubTypes.Type(value = Fault.Maintenance.class, name = "Maintenance"),
    @JsonSubTypes.Type(value = Fault.OperatorClear.class, name = "OperatorClear"),
    @JsonSubTypes.Type(value = Fault.Recover.class, name = "Recover"),
    @JsonSubTypes.Type(value = Fault.Stall.class, name = "Stall"),
    @JsonSubTypes.Type(value = Fault.SlowControl.class, name = "SlowControl"),
    @JsonSubTypes.Type(value = Fault.ReplicaQuirk.class, name = "ReplicaQuirk"),
    @JsonSubTypes.Type(value = Fault.LeaseRace.class, name = "LeaseRace"),
    @JsonSubTypes.Type(value = Fault.ClockStep.class, name = "ClockStep")
})
public sealed interface Fault {
    /** @return when the fault happens, measured from the start of the run */
    Duration at();

    /**
     * @param at a new time
     * @return a copy happening at {@code at}; the shrinker uses it to simplify timings
     */
    Fault withAt(Duration at);

    /** @return how long a condition lasts; zero means until a {@link Recover} (or not applicable) */
    default Duration duration() {
        return Duration.ZERO;
    }

    /**
     * @param d a new duration
     * @return a copy lasting {@code d}; faults without a duration return themselves
     */
    default Fault withDuration(Duration d) {
        return this;
    }

    /** @return the node the fault concerns, if it concerns one */
    default Optional<String> concerns() {
        return Optional.empty();
    }

    /** @return whether this is an operator's request rather than an infrastructure fault */
    default boolean operator() {
        return false;
    }

    /** @return a short readable description for timelines */
    String describe();

    /** How a {@link FencerFault} makes a fencing device misbehave. */
    enum FencerMode {
        /** The device answers that it failed (BMC unreachable, authentication failed). */
        FAIL,
        /** The device does not answer before the deadline. */
        TIMEOUT,
        /**
         * The device reports the node verified off while it is still on. This breaks the {@code Fencer}
         * contract; no engine can stay safe against it, so it has weight zero by default and serves to show
         * that the world-level checks see what such a device causes.
         */
        LIE
    }

    private static String dur(Duration d) {
        return d.isZero() ? "until recovered" : "for " + Timeline.format(d);
    }

    private static Duration nn(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " " + d + " is negative");
        }
        return d;
    }

    /**
     * The service process on {@code node} dies.
     *
     * @param at when
     * @param node the node
     */
    record ServiceCrash(Duration at, String node) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public ServiceCrash {
            nn(at, "at");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ServiceCrash(t, node);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " crashes";
        }
    }

    /**
     * The service on {@code node} hangs: it accepts probes and never answers, ignores a graceful stop.
     *
     * @param at when
     * @param node the node
     * @param duration how long (zero: until recovered or restarted)
     */
    record ServiceHang(Duration at, String node, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public ServiceHang {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ServiceHang(t, node, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new ServiceHang(at, node, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " hangs " + dur(duration);
        }
    }

    /**
     * The service on {@code node} runs out of memory; it stays so until it is restarted.
     *
     * @param at when
     * @param node the node
     */
    record OutOfMemory(Duration at, String node) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public OutOfMemory {
            nn(at, "at");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new OutOfMemory(t, node);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " runs out of memory";
        }
    }

    /**
     * The service on {@code node} reports ERROR until it is restarted.
     *
     * @param at when
     * @param node the node
     */
    record ServiceError(Duration at, String node) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public ServiceError {
            nn(at, "at");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ServiceError(t, node);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " reports ERROR";
        }
    }

    /**
     * The running service on {@code node} reports {@code status} (MAINTENANCE, STARTING, STOPPING, FIRST_RUN)
     * for a while.
     *
     * @param at when
     * @param node the node
     * @param status what it reports
     * @param duration how long
     */
    record ServiceReports(Duration at, String node, HealthStatus status, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative or the status is a failure */
        public ServiceReports {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(status, "status");
            if (status == HealthStatus.FAILED || status == HealthStatus.UNREACHABLE) {
                throw new IllegalArgumentException("status " + status + " is a failure: use a failure fault");
            }
        }

        @Override
        public Fault withAt(Duration t) {
            return new ServiceReports(t, node, status, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new ServiceReports(at, node, status, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " reports " + status + " " + dur(duration);
        }
    }

    /**
     * From now on the service on {@code node} stays STARTING for {@code startup} after every launch.
     *
     * @param at when
     * @param node the node
     * @param startup how long a start takes until healthy
     */
    record SlowStart(Duration at, String node, Duration startup) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public SlowStart {
            nn(at, "at");
            nn(startup, "startup");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new SlowStart(t, node, startup);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service on " + node + " starts slowly (" + Timeline.format(startup) + ")";
        }
    }

    /**
     * Launching the service on {@code node} fails (wrong binary version, bad configuration).
     *
     * @param at when
     * @param node the node
     * @param duration how long
     */
    record StartFails(Duration at, String node, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public StartFails {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new StartFails(t, node, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new StartFails(at, node, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "starting the service on " + node + " fails " + dur(duration);
        }
    }

    /**
     * A graceful stop on {@code node} does not finish; with {@code unkillable}, a kill does not work either.
     *
     * @param at when
     * @param node the node
     * @param unkillable whether kills fail too
     * @param duration how long
     */
    record StopHangs(Duration at, String node, boolean unkillable, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public StopHangs {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new StopHangs(t, node, unkillable, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new StopHangs(at, node, unkillable, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "stopping the service on " + node + " hangs" + (unkillable ? ", kill fails" : "") + " "
                    + dur(duration);
        }
    }

    /**
     * {@code node} loses power: the whole server is down. It comes back (without the service) after
     * {@code duration}, or at a {@link Recover} when zero.
     *
     * @param at when
     * @param node the node
     * @param duration how long
     */
    record PowerLoss(Duration at, String node, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public PowerLoss {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new PowerLoss(t, node, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new PowerLoss(at, node, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return node + " loses power " + dur(duration);
        }
    }

    /**
     * The network between endpoints {@code a} and {@code b} is cut.
     *
     * @param at when
     * @param a one endpoint: manager, router, coordinator, node:NAME or bmc:NAME
     * @param b the other endpoint
     * @param duration how long
     */
    record Partition(Duration at, String a, String b, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative or an endpoint is invalid */
        public Partition {
            nn(at, "at");
            nn(duration, "duration");
            checkEndpoint(a);
            checkEndpoint(b);
        }

        private static void checkEndpoint(String e) {
            Objects.requireNonNull(e, "endpoint");
            if (!(e.equals("manager") || e.equals("router") || e.equals("coordinator") || e.startsWith("node:")
                    || e.startsWith("bmc:"))) {
                throw new IllegalArgumentException("endpoint '" + e
                        + "' is invalid: use manager, router, coordinator, node:NAME or bmc:NAME");
            }
        }

        @Override
        public Fault withAt(Duration t) {
            return new Partition(t, a, b, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new Partition(at, a, b, d);
        }

        @Override
        public String describe() {
            return "network cut between " + a + " and " + b + " " + dur(duration);
        }
    }

    /**
     * Every message from the manager takes {@code extra} longer.
     *
     * @param at when
     * @param extra the added latency
     * @param duration how long
     */
    record NetworkDelay(Duration at, Duration extra, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public NetworkDelay {
            nn(at, "at");
            nn(extra, "extra");
            nn(duration, "duration");
        }

        @Override
        public Fault withAt(Duration t) {
            return new NetworkDelay(t, extra, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new NetworkDelay(at, extra, d);
        }

        @Override
        public String describe() {
            return "network delay +" + Timeline.format(extra) + " " + dur(duration);
        }
    }

    /**
     * Each request or answer of the manager is lost with probability {@code percent}%.
     *
     * @param at when
     * @param percent 0 to 100
     * @param duration how long
     */
    record MessageDrop(Duration at, int percent, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative or percent is out of 0..100 */
        public MessageDrop {
            nn(at, "at");
            nn(duration, "duration");
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent " + percent + " is not within 0..100");
            }
        }

        @Override
        public Fault withAt(Duration t) {
            return new MessageDrop(t, percent, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new MessageDrop(at, percent, d);
        }

        @Override
        public String describe() {
            return percent + "% of messages lost " + dur(duration);
        }
    }

    /**
     * The fencing devices of {@code node} misbehave.
     *
     * @param at when
     * @param node the node
     * @param mode how
     * @param duration how long
     */
    record FencerFault(Duration at, String node, FencerMode mode, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public FencerFault {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public Fault withAt(Duration t) {
            return new FencerFault(t, node, mode, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new FencerFault(at, node, mode, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "fencer of " + node + " " + switch (mode) {
                case FAIL -> "fails";
                case TIMEOUT -> "times out";
                case LIE -> "reports OFF while the node stays on";
            } + " " + dur(duration);
        }
    }

    /**
     * The replica on {@code node} becomes {@code consistency} (lagging = OUTDATED, INCONSISTENT, SPLIT_BRAIN,
     * UNKNOWN); afterwards it is up to date again.
     *
     * @param at when
     * @param node the node
     * @param consistency what it becomes
     * @param duration how long
     */
    record ReplicaFault(Duration at, String node, Consistency consistency, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public ReplicaFault {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(consistency, "consistency");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ReplicaFault(t, node, consistency, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new ReplicaFault(at, node, consistency, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "replica on " + node + " is " + consistency + " " + dur(duration);
        }
    }

    /**
     * The database goes down (or, with {@code connectionOnly}, the services lose their connection to it).
     *
     * @param at when
     * @param connectionOnly whether only the connection is lost
     * @param duration how long
     */
    record DatabaseDown(Duration at, boolean connectionOnly, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public DatabaseDown {
            nn(at, "at");
            nn(duration, "duration");
        }

        @Override
        public Fault withAt(Duration t) {
            return new DatabaseDown(t, connectionOnly, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new DatabaseDown(at, connectionOnly, d);
        }

        @Override
        public String describe() {
            return (connectionOnly ? "database connection lost " : "database down ") + dur(duration);
        }
    }

    /**
     * The coordinator's lease expires: its holder is told it lost it.
     *
     * @param at when
     */
    record LeaseExpired(Duration at) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public LeaseExpired {
            nn(at, "at");
        }

        @Override
        public Fault withAt(Duration t) {
            return new LeaseExpired(t);
        }

        @Override
        public String describe() {
            return "the lease expires";
        }
    }

    /**
     * The manager's coordinator session is lost: the lease is lost and the coordinator cannot be reached.
     *
     * @param at when
     * @param duration how long the coordinator stays unreachable
     */
    record SessionLost(Duration at, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public SessionLost {
            nn(at, "at");
            nn(duration, "duration");
        }

        @Override
        public Fault withAt(Duration t) {
            return new SessionLost(t, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new SessionLost(at, d);
        }

        @Override
        public String describe() {
            return "coordinator session lost, coordinator unreachable " + dur(duration);
        }
    }

    /**
     * The manager process crashes wherever it is in a plan, and restarts after {@code downtime}, knowing
     * nothing but what it observes.
     *
     * @param at when
     * @param downtime how long it is down
     */
    record ManagerCrash(Duration at, Duration downtime) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public ManagerCrash {
            nn(at, "at");
            nn(downtime, "downtime");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ManagerCrash(t, downtime);
        }

        @Override
        public String describe() {
            return "manager crashes, restarts after " + Timeline.format(downtime);
        }
    }

    /**
     * An operator asks for a switchover to {@code node}.
     *
     * @param at when
     * @param node the target
     */
    record Switchover(Duration at, String node) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public Switchover {
            nn(at, "at");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new Switchover(t, node);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public boolean operator() {
            return true;
        }

        @Override
        public String describe() {
            return "operator requests a switchover to " + node;
        }
    }

    /**
     * An operator switches maintenance on (for {@code length}, zero meaning the policy's maximum) or off.
     *
     * @param at when
     * @param on on or off
     * @param length how long
     */
    record Maintenance(Duration at, boolean on, Duration length) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public Maintenance {
            nn(at, "at");
            nn(length, "length");
        }

        @Override
        public Fault withAt(Duration t) {
            return new Maintenance(t, on, length);
        }

        @Override
        public boolean operator() {
            return true;
        }

        @Override
        public String describe() {
            return on ? "operator switches maintenance on for " + Timeline.format(length) : "operator ends maintenance";
        }
    }

    /**
     * An operator clears the failure history and any block, optionally forcing the promotion of a stale
     * replica on one node.
     *
     * @param at when
     * @param forcePromote the node whose replica may be promoted although not up to date
     */
    record OperatorClear(Duration at, Optional<String> forcePromote) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public OperatorClear {
            nn(at, "at");
            Objects.requireNonNull(forcePromote, "forcePromote");
        }

        @Override
        public Fault withAt(Duration t) {
            return new OperatorClear(t, forcePromote);
        }

        @Override
        public boolean operator() {
            return true;
        }

        @Override
        public String describe() {
            return "operator clears failures" + forcePromote.map(n -> ", forcing the promotion of " + n).orElse("");
        }
    }

    /**
     * Everything is repaired: power back on, network healed, devices and replicas fixed, the database up. A
     * moment later (once every command in flight has hit its deadline) the operator ends maintenance and
     * clears failures. From then on the service must be restored within the liveness bound.
     *
     * @param at when
     */
    record Recover(Duration at) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public Recover {
            nn(at, "at");
        }

        @Override
        public Fault withAt(Duration t) {
            return new Recover(t);
        }

        @Override
        public String describe() {
            return "everything is repaired; the operator ends maintenance and clears failures";
        }
    }

    /**
     * Calls from the manager to {@code endpoint} stall: the endpoint takes each request and answers none until
     * the stall ends, then carries the requests out in the order they came, as if made at that moment, and
     * answers each. An SPI call to it therefore overruns its own deadline, the runtime's watchdog answers it as
     * timed out, and the real answer (and its effect) arrives later. A node that loses power (or is fenced)
     * meanwhile loses the requests queued at its agent, which are then answered as unanswered. The endpoint is
     * {@code node:NAME} (the node's agent: probes, service control, its replica), {@code bmc:NAME} (its fencing
     * device), {@code coordinator} or {@code router}.
     *
     * @param at when
     * @param endpoint what stalls: node:NAME, bmc:NAME, coordinator or router
     * @param duration how long (zero: until recovered)
     */
    record Stall(Duration at, String endpoint, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative or the endpoint is invalid */
        public Stall {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(endpoint, "endpoint");
            if (!(endpoint.equals("router") || endpoint.equals("coordinator")
                    || (endpoint.startsWith("node:") && endpoint.length() > 5)
                    || (endpoint.startsWith("bmc:") && endpoint.length() > 4))) {
                throw new IllegalArgumentException("endpoint '" + endpoint
                        + "' cannot stall: use node:NAME, bmc:NAME, coordinator or router");
            }
        }

        @Override
        public Fault withAt(Duration t) {
            return new Stall(t, endpoint, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new Stall(at, endpoint, d);
        }

        @Override
        public Optional<String> concerns() {
            int colon = endpoint.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(endpoint.substring(colon + 1));
        }

        @Override
        public String describe() {
            String what = endpoint.startsWith("node:") ? "the agent on " + endpoint.substring(5)
                    : endpoint.startsWith("bmc:") ? "the BMC of " + endpoint.substring(4) : "the " + endpoint;
            return "calls to " + what + " stall (answered only when the stall ends) " + dur(duration);
        }
    }

    /** How a {@link ReplicaQuirk} makes a replica behave; both keep the replicator's contract. */
    enum ReplicaMode {
        /**
         * An outdated secondary reconnects to a primary it can reach and resyncs at once (a DRBD peer that
         * reconnects): {@code OutdatePeer} answered OK, and the next status read says SECONDARY/UP_TO_DATE again.
         */
        RECONNECTS,
        /**
         * Its status cannot be read: every status call overruns its deadline, so an observation lacks this
         * replica (the partial observation the runtime delivers) and a {@code CheckReplica} times out.
         */
        UNREADABLE
    }

    /**
     * Service-control calls on {@code node} take time: while this lasts, each start, stop or kill is carried out
     * (the process launched, stopped or killed) {@code callTime} after it was made, and answered then; if that
     * is past its deadline, the runtime's watchdog answers it first (timed out) and the real answer is ignored,
     * but its effect still happens. The service's status answers at once meanwhile (a start not yet launched
     * reads STOPPED), while the node's replica status overruns its deadline (the agent is busy): an
     * observation misses that replica. The node's agent runs one control call at a time: a call made while a
     * slow one runs is carried out after it. A power loss meanwhile loses the call.
     *
     * @param at when
     * @param node the node
     * @param callTime how long each call takes
     * @param duration how long calls are slow (zero: until recovered)
     */
    record SlowControl(Duration at, String node, Duration callTime, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public SlowControl {
            nn(at, "at");
            nn(callTime, "callTime");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
        }

        @Override
        public Fault withAt(Duration t) {
            return new SlowControl(t, node, callTime, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new SlowControl(at, node, callTime, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "service-control calls on " + node + " take " + Timeline.format(callTime) + " (its replica status"
                    + " overruns meanwhile) " + dur(duration);
        }
    }

    /**
     * The replica on {@code node} behaves as real ones do, within the replicator's contract: its outdating does
     * not stick ({@link ReplicaMode#RECONNECTS}) or its status cannot be read ({@link ReplicaMode#UNREADABLE}).
     *
     * @param at when
     * @param node the node
     * @param mode how
     * @param duration how long (zero: until recovered)
     */
    record ReplicaQuirk(Duration at, String node, ReplicaMode mode, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public ReplicaQuirk {
            nn(at, "at");
            nn(duration, "duration");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ReplicaQuirk(t, node, mode, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new ReplicaQuirk(at, node, mode, d);
        }

        @Override
        public Optional<String> concerns() {
            return Optional.of(node);
        }

        @Override
        public String describe() {
            return "replica on " + node + (mode == ReplicaMode.RECONNECTS
                    ? " reconnects and resyncs as soon as it is outdated" : " cannot be read") + " " + dur(duration);
        }
    }

    /**
     * While this lasts, a lease the coordinator grants is lost right after the grant (the session drops), and
     * the loss is reported before the grant's answer arrives: the grant must not be used.
     *
     * @param at when
     * @param duration how long (zero: until recovered)
     */
    record LeaseRace(Duration at, Duration duration) implements Fault {
        /** @throws IllegalArgumentException if a duration is negative */
        public LeaseRace {
            nn(at, "at");
            nn(duration, "duration");
        }

        @Override
        public Fault withAt(Duration t) {
            return new LeaseRace(t, duration);
        }

        @Override
        public Fault withDuration(Duration d) {
            return new LeaseRace(at, d);
        }

        @Override
        public String describe() {
            return "a granted lease is lost at once, reported before its grant " + dur(duration);
        }
    }

    /**
     * The manager's wall clock steps by {@code step} (negative: backwards), as an NTP correction does; the
     * instants the engine sees move with it, while deadlines and timers, measured on the monotonic clock, do
     * not. The operator's maintenance window and force, being wall-clock instants, move too.
     *
     * @param at when
     * @param step how far (may be negative)
     */
    record ClockStep(Duration at, Duration step) implements Fault {
        /** @throws IllegalArgumentException if {@code at} is negative */
        public ClockStep {
            nn(at, "at");
            Objects.requireNonNull(step, "step");
        }

        @Override
        public Fault withAt(Duration t) {
            return new ClockStep(t, step);
        }

        @Override
        public String describe() {
            return "the manager's clock steps " + (step.isNegative() ? "back " + Timeline.format(step.negated())
                    : "forward " + Timeline.format(step));
        }
    }
}
