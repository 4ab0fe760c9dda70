package dev.ha4j.testkit.sim;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.testkit.Fault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The simulated infrastructure of one run: nodes (power, service process, health, replica), the network
 * between the manager, the router, the coordinator, the nodes and their BMCs, fencing devices, the
 * replicated data set, the database and the coordinator's lease. Both simulation levels drive the same model:
 * the {@link EngineSimulator} answers the engine's commands from it, and the SPI adapters of the
 * {@link RuntimeSimulator} ({@link SimulatedNodes}, {@link SimulatedFencer}, {@link SimulatedReplicator},
 * {@link SimulatedRouter}, {@link SimulatedCoordinator}) call it from the real runtime.
 *
 * <p>Every operation takes the current virtual time in milliseconds since the start of the run, applies its
 * effect (or not, when the request is lost) and returns the answer; {@link #lastLatencyMillis()} then says how
 * long the answer took. Operations honour their deadline: an answer later than the deadline comes back as
 * the SPI's timed-out result at the deadline. Conditions (a hang, a partition) expire lazily, so the model
 * needs no timer of its own. Randomness (latencies, lost messages) comes from one seeded generator.
 *
 * <p>The one exception to honoured deadlines is a {@link Fault.Stall stalled} endpoint: a simulator
 * {@link #queue queues} a call to it instead of calling the operation, and the queued calls are carried out in
 * order, with the world as it is then, when the simulator {@link #drain drains} the endpoint at the end of the
 * stall (or at a recover). A node that loses power loses the calls queued at its agent; they are answered with
 * their "no answer" result.
 *
 * <p>Not thread-safe: one run drives it from one thread. Public methods only read.
 */
public final class SimulatedWorld {
    static final long FOREVER = Long.MAX_VALUE;
    static final int MANAGER = 0;
    static final int ROUTER = 1;
    static final int COORDINATOR = 2;
    private static final long RESYNC_MS = 60_000;

    /** Receives the effects that world-level checks look at. */
    interface Effects {
        void started(int node, long epoch, long now);

        void promoted(int node, long epoch, Consistency before, boolean force, long now);

        void demoted(int node, boolean serviceRunning, long now);

        void outdated(int node, boolean serviceRunning, long now);

        void routed(int node, long epoch, long now);

        void fenced(int node, boolean reallyOff, long now);

        void leaseLost(int holder, long epoch, String reason, long now);
    }

    /**
     * A call held back by a stalled endpoint: carried out when the stall ends, or answered as unanswered when
     * its node loses power.
     *
     * @param <T> the answer's type
     */
    static final class Queued<T> {
        final int endpoint;
        final long since;
        private final LongFunction<T> op;
        private final Supplier<T> unanswered;
        private final Consumer<Queued<T>> onDone;
        T result;
        long latency;
        boolean done;
        boolean lost;

        Queued(int endpoint, long since, LongFunction<T> op, Supplier<T> unanswered, Consumer<Queued<T>> onDone) {
            this.endpoint = endpoint;
            this.since = since;
            this.op = op;
            this.unanswered = unanswered;
            this.onDone = onDone;
        }

        void carryOut(SimulatedWorld w, long now) {
            result = op.apply(now);
            latency = w.lastLatency;
            finish();
        }

        void lose() {
            result = unanswered.get();
            latency = 0;
            lost = true;
            finish();
        }

        private void finish() {
            done = true;
            if (onDone != null) {
                onDone.accept(this);
            }
        }
    }

    /** One node. */
    static final class Node {
        final NodeId id;
        final String name;
        int index;
        long powerOffUntil;
        long powerOnAt;
        boolean running;
        long startedAt;
        long startupMs;
        long slowStartMs;
        boolean oom;
        boolean error;
        long hangUntil;
        HealthStatus reports;
        long reportsUntil;
        long startFailsUntil;
        long stopHangsUntil;
        boolean unkillable;
        Fault.FencerMode fencerMode;
        long fencerUntil;
        ReplicaRole role = ReplicaRole.SECONDARY;
        boolean outdated;
        long outdatedAt;
        Consistency faultConsistency;
        long replicaFaultUntil;
        long highestEpoch;
        /** {@link Fault.ReplicaQuirk} RECONNECTS: an outdated secondary resyncs at once until then. */
        long reconnectsUntil;
        /** {@link Fault.ReplicaQuirk} UNREADABLE: its replica status cannot be read until then. */
        long unreadableUntil;
        /** {@link Fault.SlowControl}: until then, each service-control call takes {@link #slowCallMs}. */
        long slowControlUntil;
        long slowCallMs;
        /** A slow service-control call runs on the node until then: its replica status overruns meanwhile. */
        long controlBusyUntil;
        /** How often the node lost power: a slow control call made before a power loss is lost with it. */
        int powerCycles;

        Node(NodeId id) {
            this.id = id;
            this.name = id.name();
        }
    }

    final Node[] nodes;
    final long[][] cutUntil;
    final long[] stallUntil;
    private final List<ArrayDeque<Queued<?>>> queued;
    private int queuedCount;
    /** Whether the operation in progress is a call a stall held back, carried out now (for the checks). */
    boolean carryingOutHeldBack;
    private final SplittableRandom random;
    Effects effects;
    boolean rebootDemotes;
    long delayExtraMs;
    long delayUntil;
    int dropPercent;
    long dropUntil;
    long dbDownUntil;
    boolean dbConnectionOnly;
    long coordinatorDownUntil;
    /** {@link Fault.LeaseRace}: until then, a granted lease is lost right after the grant. */
    long leaseRaceUntil;
    long epoch;
    int holder = -1;
    int routedTo = -1;
    private long lastLatency;

    /**
     * @param nodes the cluster's nodes in order
     * @param seed the seed of the run's randomness
     */
    SimulatedWorld(List<NodeId> nodes, long seed) {
        this.nodes = new Node[nodes.size()];
        for (int i = 0; i < this.nodes.length; i++) {
            this.nodes[i] = new Node(nodes.get(i));
            this.nodes[i].index = i;
        }
        int endpoints = 3 + 2 * this.nodes.length;
        this.cutUntil = new long[endpoints][endpoints];
        this.stallUntil = new long[endpoints];
        this.queued = new ArrayList<>(endpoints);
        for (int e = 0; e < endpoints; e++) {
            queued.add(new ArrayDeque<>());
        }
        this.random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    }

    // ------------------------------------------------------------------ read-only view for properties

    /** @return the node names in order */
    public List<String> nodeNames() {
        List<String> l = new ArrayList<>(nodes.length);
        for (Node n : nodes) {
            l.add(n.name);
        }
        return l;
    }

    /**
     * @param node a node name
     * @return whether its service process runs on a powered node
     * @throws IllegalArgumentException if the node is unknown
     */
    public boolean serviceRunning(String node) {
        Node n = nodes[index(node)];
        return n.running && n.powerOffUntil == 0;
    }

    /**
     * @param node a node name
     * @return whether it has power
     * @throws IllegalArgumentException if the node is unknown
     */
    public boolean powered(String node) {
        return nodes[index(node)].powerOffUntil == 0;
    }

    /**
     * @param node a node name
     * @return its replica's role
     * @throws IllegalArgumentException if the node is unknown
     */
    public ReplicaRole replicaRole(String node) {
        return nodes[index(node)].role;
    }

    /** @return the node requests are routed to, if any */
    public Optional<String> routedTo() {
        return routedTo < 0 ? Optional.empty() : Optional.of(nodes[routedTo].name);
    }

    /** @return the newest epoch the coordinator granted */
    public long epoch() {
        return epoch;
    }

    /** @return how many nodes run the service with power on */
    public int runningCount() {
        int c = 0;
        for (Node n : nodes) {
            if (n.running && n.powerOffUntil == 0) {
                c++;
            }
        }
        return c;
    }

    int index(String name) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].name.equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown node '" + name + "'");
    }

    int indexOrMinus(String name) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].name.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int index(NodeId id) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].id.equals(id)) {
                return i;
            }
        }
        return -1;
    }

    static int nodeEndpoint(int i) {
        return 3 + 2 * i;
    }

    static int bmcEndpoint(int i) {
        return 4 + 2 * i;
    }

    /** @return how long the last operation's answer took, in ms */
    public long lastLatencyMillis() {
        return lastLatency;
    }

    // ------------------------------------------------------------------ conditions

    static boolean active(long until, long now) {
        return until > now;
    }

    /**
     * Whether a call to {@code endpoint} is held back now: the endpoint stalls, or earlier calls it held back
     * have not been carried out yet (a stalled endpoint answers in order).
     */
    boolean holdsBack(int endpoint, long now) {
        return active(stallUntil[endpoint], now) || (queuedCount > 0 && !queued.get(endpoint).isEmpty());
    }

    /**
     * Queues a call at a stalled endpoint.
     *
     * @param endpoint the endpoint
     * @param now when the call is made
     * @param op the operation, carried out at the instant it is given
     * @param unanswered the answer when the call is lost
     * @param onDone told when the call is carried out or lost, or null
     * @return the queued call
     */
    <T> Queued<T> queue(int endpoint, long now, LongFunction<T> op, Supplier<T> unanswered,
            Consumer<Queued<T>> onDone) {
        Queued<T> q = new Queued<>(endpoint, now, op, unanswered, onDone);
        queued.get(endpoint).add(q);
        queuedCount++;
        return q;
    }

    /**
     * Carries out, in order, the calls {@code endpoint} held back, unless it still stalls.
     *
     * @return how many were carried out
     */
    int drain(int endpoint, long now) {
        if (active(stallUntil[endpoint], now)) {
            return 0;
        }
        ArrayDeque<Queued<?>> q = queued.get(endpoint);
        int n = 0;
        while (!q.isEmpty()) {
            Queued<?> c = q.poll();
            queuedCount--;
            carryingOutHeldBack = true;
            try {
                c.carryOut(this, now);
            } finally {
                carryingOutHeldBack = false;
            }
            n++;
        }
        return n;
    }

    /** A node lost power: the calls queued at its agent are gone. */
    private void loseQueued(int endpoint) {
        ArrayDeque<Queued<?>> q = queued.get(endpoint);
        while (!q.isEmpty()) {
            Queued<?> c = q.poll();
            queuedCount--;
            c.lose();
        }
    }

    /** @return the endpoint index of a {@link Fault.Stall}, or -1 */
    int stallEndpoint(Fault.Stall f) {
        int e = endpoint(f.endpoint());
        return e == MANAGER ? -1 : e;
    }

    boolean powered(Node n, long now) {
        if (n.powerOffUntil != 0 && n.powerOffUntil <= now) {
            n.powerOffUntil = 0;
            n.powerOnAt = now;
        }
        return n.powerOffUntil == 0;
    }

    boolean linked(int a, int b, long now) {
        return cutUntil[a][b] <= now;
    }

    /** Whether the manager reaches node {@code i}'s agent: link up and power on. */
    boolean reaches(int i, long now) {
        return linked(MANAGER, nodeEndpoint(i), now) && powered(nodes[i], now);
    }

    /** Whether a node's service answers its probe as healthy. */
    boolean healthy(int i, long now) {
        Node n = nodes[i];
        return powered(n, now) && n.running && !active(n.hangUntil, now) && now >= n.startedAt + n.startupMs
                && !(active(n.reportsUntil, now) && n.reports != HealthStatus.FIRST_RUN) && !n.oom && !n.error
                && !active(dbDownUntil, now);
    }

    Consistency consistency(int i, long now) {
        Node n = nodes[i];
        if (active(n.replicaFaultUntil, now)) {
            return n.faultConsistency;
        }
        if (n.outdated && n.role == ReplicaRole.SECONDARY && powered(n, now)) {
            // DRBD resyncs an outdated secondary from a healthy primary it is connected to.
            for (int p = 0; p < nodes.length; p++) {
                Node q = nodes[p];
                if (p != i && q.role == ReplicaRole.PRIMARY && !q.outdated && powered(q, now)
                        && linked(nodeEndpoint(i), nodeEndpoint(p), now)
                        && (active(n.reconnectsUntil, now)
                                || now - Math.max(n.outdatedAt, n.powerOnAt) >= RESYNC_MS)) {
                    n.outdated = false;
                    break;
                }
            }
        }
        return n.outdated ? Consistency.OUTDATED : Consistency.UP_TO_DATE;
    }

    /** The fate of one message: 0 delivered, 1 request lost, 2 answer lost. Draws latency as a side effect. */
    private int fate(long now, long timeoutMs) {
        long lat = 5 + random.nextInt(95);
        if (active(delayUntil, now)) {
            lat += delayExtraMs;
        }
        lastLatency = lat;
        if (active(dropUntil, now) && random.nextInt(100) < dropPercent) {
            lastLatency = timeoutMs;
            return random.nextBoolean() ? 1 : 2;
        }
        if (lat > timeoutMs) {
            lastLatency = timeoutMs;
            return 2;
        }
        return 0;
    }

    private void late(long timeoutMs) {
        lastLatency = timeoutMs;
    }

    /**
     * Whether node {@code i}'s replica status can be read now: not while a {@link Fault.ReplicaQuirk} makes it
     * unreadable, nor while a slow service-control call runs on the node.
     */
    boolean replicaReadable(int i, long now) {
        Node n = nodes[i];
        return !active(n.unreadableUntil, now) && !active(n.controlBusyUntil, now);
    }

    /** @return how long a service-control call made now on node {@code i} takes, or 0 when it is not slow */
    long slowCallMillis(int i, long now) {
        Node n = nodes[i];
        return active(n.slowControlUntil, now) ? n.slowCallMs : 0;
    }

    /** @return whether a slow service-control call runs on node {@code i} now */
    boolean controlBusy(int i, long now) {
        return active(nodes[i].controlBusyUntil, now);
    }

    /** A slow service-control call runs on node {@code i} until {@code until}. */
    void controlBusyUntil(int i, long until) {
        nodes[i].controlBusyUntil = Math.max(nodes[i].controlBusyUntil, until);
    }

    // ------------------------------------------------------------------ operations (the SPIs' view)

    ProbeResult probe(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now)) {
            late(timeoutMs);
            return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host");
        }
        if (f != 0) {
            return ProbeResult.failed(FailureKind.HUNG, "probe exceeded its deadline");
        }
        if (!n.running) {
            return ProbeResult.failed(FailureKind.CRASHED, "connection refused");
        }
        if (active(n.hangUntil, now)) {
            late(timeoutMs);
            return ProbeResult.failed(FailureKind.HUNG, "no answer within " + timeoutMs + "ms");
        }
        if (now < n.startedAt + n.startupMs) {
            return ProbeResult.of(HealthStatus.STARTING, "starting");
        }
        if (active(n.reportsUntil, now)) {
            return ProbeResult.of(n.reports, "reported by the service");
        }
        if (n.oom) {
            return ProbeResult.failed(FailureKind.OUT_OF_MEMORY, "java.lang.OutOfMemoryError in the log");
        }
        if (n.error) {
            return ProbeResult.failed(FailureKind.ERROR, "state ERROR");
        }
        if (active(dbDownUntil, now)) {
            return dbConnectionOnly ? ProbeResult.failed(FailureKind.DATABASE_CONNECTION_LOST, "database connection lost")
                    : ProbeResult.failed(FailureKind.DATABASE_DOWN, "database down");
        }
        return ProbeResult.healthy();
    }

    OpResult start(int i, long epochValue, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("no answer from " + n.name);
        }
        OpResult r;
        if (epochValue < n.highestEpoch) {
            r = OpResult.refused("stale epoch e" + epochValue + " < e" + n.highestEpoch);
        } else if (active(n.startFailsUntil, now)) {
            r = OpResult.failed("exit code 1: the service failed to start");
        } else if (n.running) {
            n.highestEpoch = epochValue;
            r = OpResult.ok("already running");
        } else {
            n.highestEpoch = epochValue;
            n.running = true;
            n.startedAt = now;
            n.startupMs = n.slowStartMs;
            n.oom = false;
            n.error = false;
            n.hangUntil = 0;
            n.reportsUntil = 0;
            if (effects != null) {
                effects.started(i, epochValue, now);
            }
            r = OpResult.ok("launched");
        }
        return f == 2 ? OpResult.timedOut("answer lost") : r;
    }

    OpResult stop(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("no answer from " + n.name);
        }
        OpResult r;
        if (!n.running) {
            r = OpResult.ok("not running");
        } else if (active(n.stopHangsUntil, now) || active(n.hangUntil, now)) {
            late(timeoutMs);
            r = OpResult.timedOut("still running after " + timeoutMs + "ms");
        } else {
            n.running = false;
            r = OpResult.ok("stopped");
        }
        return f == 2 ? OpResult.timedOut("answer lost") : r;
    }

    OpResult kill(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("no answer from " + n.name);
        }
        if (!(n.unkillable && active(n.stopHangsUntil, now))) {
            n.running = false;
        }
        return f == 2 ? OpResult.timedOut("answer lost") : OpResult.ok("signal delivered");
    }

    RunState state(int i, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f != 0) {
            late(timeoutMs);
            return RunState.UNKNOWN;
        }
        return nodes[i].running ? RunState.RUNNING : RunState.STOPPED;
    }

    FenceResult fence(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!linked(MANAGER, bmcEndpoint(i), now) || f == 1) {
            late(timeoutMs);
            return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "BMC of " + n.name + " does not answer");
        }
        FenceResult r;
        Fault.FencerMode mode = active(n.fencerUntil, now) ? n.fencerMode : null;
        if (mode == Fault.FencerMode.FAIL) {
            r = FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "BMC refused: authentication failed");
        } else if (mode == Fault.FencerMode.TIMEOUT) {
            late(timeoutMs);
            r = FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "verification timed out");
        } else if (mode == Fault.FencerMode.LIE) {
            if (effects != null) {
                effects.fenced(i, !powered(n, now), now);
            }
            r = FenceResult.ok(PowerState.OFF, "verified off (the device lies)");
        } else {
            powerOff(n, FOREVER);
            if (effects != null) {
                effects.fenced(i, true, now);
            }
            r = FenceResult.ok(PowerState.OFF, "verified off");
        }
        return f == 2 ? FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "answer lost") : r;
    }

    PowerState powerState(int i, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!linked(MANAGER, bmcEndpoint(i), now) || f != 0) {
            late(timeoutMs);
            return PowerState.UNKNOWN;
        }
        return powered(nodes[i], now) ? PowerState.ON : PowerState.OFF;
    }

    void powerOff(Node n, long until) {
        n.powerCycles++;
        n.powerOffUntil = until;
        n.running = false;
        if (queuedCount > 0) {
            loseQueued(nodeEndpoint(n.index));
        }
        if (rebootDemotes) {
            // Replicated block devices (DRBD's default) come back as secondaries after a power cycle.
            n.role = ReplicaRole.SECONDARY;
        }
    }

    boolean coordinatorReachable(long now) {
        return linked(MANAGER, COORDINATOR, now) && !active(coordinatorDownUntil, now);
    }

    LeaseResult acquire(int i, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!coordinatorReachable(now) || f == 1) {
            late(timeoutMs);
            return LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "coordinator does not answer");
        }
        int old = holder;
        long oldEpoch = epoch;
        epoch++;
        holder = i;
        if (old >= 0 && old != i && effects != null) {
            effects.leaseLost(old, oldEpoch, "superseded by a grant to " + nodes[i].name, now);
        }
        if (active(leaseRaceUntil, now)) {
            // The session drops right after the grant; the loss is reported (at +1 ms) before the answer arrives.
            loseLease("session dropped right after the grant", now);
            lastLatency = Math.max(lastLatency, 5);
        }
        if (f == 2) {
            return LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "answer lost");
        }
        return LeaseResult.granted(new Lease(nodes[i].id, Epoch.of(epoch)));
    }

    OpResult release(Lease lease, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!coordinatorReachable(now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("coordinator does not answer");
        }
        if (holder >= 0 && nodes[holder].id.equals(lease.holder()) && epoch == lease.epoch().value()) {
            holder = -1;
        }
        return f == 2 ? OpResult.timedOut("answer lost") : OpResult.ok("released");
    }

    Optional<Lease> currentLease(long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!coordinatorReachable(now) || f != 0) {
            late(timeoutMs);
            return Optional.empty();
        }
        return holder < 0 ? Optional.empty() : Optional.of(new Lease(nodes[holder].id, Epoch.of(epoch)));
    }

    /** The lease expires or the session is lost: the holder is told. */
    void loseLease(String reason, long now) {
        if (holder >= 0) {
            int h = holder;
            holder = -1;
            if (effects != null) {
                effects.leaseLost(h, epoch, reason, now);
            }
        }
    }

    ReplicaStatus replicaStatus(int i, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f != 0) {
            late(timeoutMs);
            return ReplicaStatus.unknown(nodes[i].name + " does not answer");
        }
        return new ReplicaStatus(nodes[i].role, consistency(i, now), "");
    }

    OpResult promote(int i, long epochValue, boolean force, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("no answer from " + n.name);
        }
        OpResult r;
        Consistency c = consistency(i, now);
        if (epochValue < epoch) {
            r = OpResult.refused("stale epoch e" + epochValue + " < e" + epoch);
        } else if (c != Consistency.UP_TO_DATE && !force) {
            r = OpResult.refused("replica is " + c);
        } else {
            n.role = ReplicaRole.PRIMARY;
            n.outdated = false;
            if (effects != null) {
                effects.promoted(i, epochValue, c, force, now);
            }
            r = OpResult.ok("promoted");
        }
        return f == 2 ? OpResult.timedOut("answer lost") : r;
    }

    OpResult demote(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        int f = fate(now, timeoutMs);
        if (!reaches(i, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("no answer from " + n.name);
        }
        if (effects != null) {
            effects.demoted(i, n.running, now);
        }
        n.role = ReplicaRole.SECONDARY;
        return f == 2 ? OpResult.timedOut("answer lost") : OpResult.ok("demoted");
    }

    OpResult outdatePeer(int i, long now, long timeoutMs) {
        Node n = nodes[i];
        fate(now, timeoutMs);
        // Done from the new primary's side, so it works whether or not the peer answers.
        if (effects != null) {
            effects.outdated(i, n.running && powered(n, now), now);
        }
        n.outdated = true;
        n.outdatedAt = now;
        return OpResult.ok("peer outdated");
    }

    OpResult route(int i, long epochValue, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!linked(MANAGER, ROUTER, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("router does not answer");
        }
        OpResult r;
        if (epochValue < epoch) {
            r = OpResult.refused("stale epoch e" + epochValue + " < e" + epoch);
        } else {
            routedTo = i;
            if (effects != null) {
                effects.routed(i, epochValue, now);
            }
            r = OpResult.ok("routed");
        }
        return f == 2 ? OpResult.timedOut("answer lost") : r;
    }

    OpResult unroute(int i, long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!linked(MANAGER, ROUTER, now) || f == 1) {
            late(timeoutMs);
            return OpResult.timedOut("router does not answer");
        }
        if (routedTo == i) {
            routedTo = -1;
        }
        return f == 2 ? OpResult.timedOut("answer lost") : OpResult.ok("unrouted");
    }

    Optional<NodeId> routeTarget(long now, long timeoutMs) {
        int f = fate(now, timeoutMs);
        if (!linked(MANAGER, ROUTER, now) || f != 0) {
            late(timeoutMs);
            return Optional.empty();
        }
        return routedTo < 0 ? Optional.empty() : Optional.of(nodes[routedTo].id);
    }

    /** The router's own path check: the routed node it cannot reach, or -1. */
    int routerPathLost(long now) {
        if (routedTo < 0) {
            return -1;
        }
        Node n = nodes[routedTo];
        return powered(n, now) && !linked(ROUTER, nodeEndpoint(routedTo), now) ? routedTo : -1;
    }

    // ------------------------------------------------------------------ faults

    /**
     * Applies an infrastructure fault. Operator requests and manager crashes are the simulator's business.
     *
     * @return false when the fault names an unknown node and was ignored
     */
    boolean apply(Fault fault, long now) {
        long until;
        if (fault instanceof Fault.ServiceCrash f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].running = false;
        } else if (fault instanceof Fault.ServiceHang f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].hangUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.OutOfMemory f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            if (nodes[i].running) {
                nodes[i].oom = true;
            }
        } else if (fault instanceof Fault.ServiceError f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            if (nodes[i].running) {
                nodes[i].error = true;
            }
        } else if (fault instanceof Fault.ServiceReports f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].reports = f.status();
            nodes[i].reportsUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.SlowStart f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].slowStartMs = f.startup().toMillis();
        } else if (fault instanceof Fault.StartFails f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].startFailsUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.StopHangs f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].stopHangsUntil = until(f.duration(), now);
            nodes[i].unkillable = f.unkillable();
        } else if (fault instanceof Fault.PowerLoss f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            powered(nodes[i], now);
            powerOff(nodes[i], Math.max(nodes[i].powerOffUntil, until(f.duration(), now)));
        } else if (fault instanceof Fault.Partition f) {
            int a = endpoint(f.a());
            int b = endpoint(f.b());
            if (a < 0 || b < 0 || a == b) {
                return false;
            }
            until = until(f.duration(), now);
            cutUntil[a][b] = until;
            cutUntil[b][a] = until;
        } else if (fault instanceof Fault.NetworkDelay f) {
            delayExtraMs = f.extra().toMillis();
            delayUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.MessageDrop f) {
            dropPercent = f.percent();
            dropUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.FencerFault f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].fencerMode = f.mode();
            nodes[i].fencerUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.ReplicaFault f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].faultConsistency = f.consistency();
            nodes[i].replicaFaultUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.DatabaseDown f) {
            dbConnectionOnly = f.connectionOnly();
            dbDownUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.LeaseExpired) {
            loseLease("lease expired", now);
        } else if (fault instanceof Fault.SessionLost f) {
            coordinatorDownUntil = until(f.duration(), now);
            loseLease("coordinator session lost", now);
        } else if (fault instanceof Fault.Stall f) {
            int e = stallEndpoint(f);
            if (e < 0) {
                return false;
            }
            stallUntil[e] = until(f.duration(), now);
        } else if (fault instanceof Fault.SlowControl f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            nodes[i].slowControlUntil = until(f.duration(), now);
            nodes[i].slowCallMs = f.callTime().toMillis();
        } else if (fault instanceof Fault.ReplicaQuirk f) {
            int i = indexOrMinus(f.node());
            if (i < 0) {
                return false;
            }
            if (f.mode() == Fault.ReplicaMode.RECONNECTS) {
                nodes[i].reconnectsUntil = until(f.duration(), now);
            } else {
                nodes[i].unreadableUntil = until(f.duration(), now);
            }
        } else if (fault instanceof Fault.LeaseRace f) {
            leaseRaceUntil = until(f.duration(), now);
        } else if (fault instanceof Fault.Recover) {
            recover(now);
        }
        return true;
    }

    private static long until(Duration d, long now) {
        return d.isZero() ? FOREVER : now + d.toMillis();
    }

    int endpoint(String e) {
        switch (e) {
            case "manager" -> {
                return MANAGER;
            }
            case "router" -> {
                return ROUTER;
            }
            case "coordinator" -> {
                return COORDINATOR;
            }
            default -> {
                if (e.startsWith("node:")) {
                    int i = indexOrMinus(e.substring(5));
                    return i < 0 ? -1 : nodeEndpoint(i);
                }
                if (e.startsWith("bmc:")) {
                    int i = indexOrMinus(e.substring(4));
                    return i < 0 ? -1 : bmcEndpoint(i);
                }
                return -1;
            }
        }
    }

    /**
     * Everything repaired: power, network, devices, replicas, database, coordinator, the services' states.
     * Stalls end first, so what they held back is carried out before the repairs.
     */
    void recover(long now) {
        java.util.Arrays.fill(stallUntil, 0);
        if (queuedCount > 0) {
            for (int e = 0; e < stallUntil.length; e++) {
                drain(e, now);
            }
        }
        for (Node n : nodes) {
            if (!powered(n, now)) {
                n.powerOffUntil = 0;
                n.powerOnAt = now;
            }
            n.oom = false;
            n.error = false;
            n.hangUntil = 0;
            n.reportsUntil = 0;
            n.slowStartMs = 0;
            n.startupMs = 0;
            n.startFailsUntil = 0;
            n.stopHangsUntil = 0;
            n.unkillable = false;
            n.fencerUntil = 0;
            n.replicaFaultUntil = 0;
            n.outdated = false;
            n.reconnectsUntil = 0;
            n.unreadableUntil = 0;
            n.slowControlUntil = 0;
        }
        leaseRaceUntil = 0;
        for (long[] row : cutUntil) {
            java.util.Arrays.fill(row, 0);
        }
        delayUntil = 0;
        dropUntil = 0;
        dbDownUntil = 0;
        coordinatorDownUntil = 0;
    }

    /** Whether any infrastructure condition is in force (used to decide whether a liveness bound applies). */
    boolean anyCondition(long now) {
        if (active(delayUntil, now) || active(dropUntil, now) || active(dbDownUntil, now)
                || active(coordinatorDownUntil, now) || queuedCount > 0 || active(leaseRaceUntil, now)) {
            return true;
        }
        for (long u : stallUntil) {
            if (u > now) {
                return true;
            }
        }
        for (long[] row : cutUntil) {
            for (long u : row) {
                if (u > now) {
                    return true;
                }
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            if (active(n.hangUntil, now) || active(n.reportsUntil, now) || active(n.startFailsUntil, now)
                    || active(n.stopHangsUntil, now) || active(n.fencerUntil, now) || active(n.replicaFaultUntil, now)
                    || n.slowStartMs > 0 || n.oom || n.error || active(n.reconnectsUntil, now)
                    || active(n.unreadableUntil, now) || active(n.slowControlUntil, now)
                    || active(n.controlBusyUntil, now)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the service is available: exactly one node runs it healthy and requests are routed there. */
    int availableOn(long now) {
        int found = -1;
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].running && powered(nodes[i], now)) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found >= 0 && routedTo == found && healthy(found, now) && linked(ROUTER, nodeEndpoint(found), now)
                ? found : -1;
    }
}
