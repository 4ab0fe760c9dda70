package dev.ha4j.core.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Outstanding;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Plan;
import dev.ha4j.core.internal.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a runtime for dashboards and ops tools; {@link #toJson()} renders it. Every part is
 * structured (no field is a {@code toString()} to be parsed): the plan with its kind, target and step, the
 * commands the engine still waits for, the last verdict with its kind, detail and time, and each node's role,
 * last probe and replica. Maintenance is shown next to the observed health, because the phase alone says
 * RUNNING during maintenance even when the service is dead. It holds no secret: only what the engine and the
 * SPIs' answers say, which never includes one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cluster the cluster name
 * @param at when the snapshot was taken
 * @param phase the engine's phase; during maintenance it does not change whatever the service does, so read
 *     it with {@code maintenance} and {@code observedHealth}
 * @param active the active node
 * @param epoch the lease epoch in force
 * @param roles each node's role, by name (the same as in {@code nodes})
 * @param maintenance whether operator maintenance is on, and until when
 * @param observedHealth the health the last verdict about the active node found, whatever the phase and
 *     maintenance say; empty before the first verdict
 * @param failuresInRow bad probes in a row
 * @param restartsInWindow restarts still counted
 * @param plan the plan in progress
 * @param outstanding the commands sent and not answered yet, oldest first
 * @param blockedReason why blocked, if blocked
 * @param lastVerdict the last health verdict about the active node
 * @param nodes per node, by name: role, last probe, replica and service state as last observed
 * @param configurationChange how the node list differed from the journal's at the last start, if it did
 * @param lastDecision the reason of the last decision
 * @param decisions how many decisions were made
 */
public record StatusSnapshot(String cluster, Instant at, Phase phase, Optional<String> active, long epoch,
        Map<String, NodeRole> roles, Maintenance maintenance, Optional<HealthStatus> observedHealth,
        int failuresInRow, int restartsInWindow, Optional<PlanStatus> plan, List<CommandStatus> outstanding,
        Optional<String> blockedReason, Optional<Verdict> lastVerdict, Map<String, NodeStatus> nodes,
        Optional<ConfigurationChange> configurationChange, String lastDecision, long decisions) {

    /**
     * Copies the collections.
     *
     * @throws NullPointerException if an argument is null
     */
    public StatusSnapshot {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(maintenance, "maintenance");
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        outstanding = List.copyOf(outstanding);
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        Objects.requireNonNull(lastDecision, "lastDecision");
    }

    /**
     * Operator maintenance.
     *
     * @param on whether it is on
     * @param until when it ends, if on
     */
    public record Maintenance(boolean on, Optional<Instant> until) {
    }

    /**
     * The plan in progress.
     *
     * @param kind what it is for
     * @param target the node that is to run the service at the end
     * @param step the current step, empty when all are done
     * @param stepIndex the current step's position in {@code steps}, from 0
     * @param steps the plan's steps in order
     * @param secureQueue nodes still to be made sure out, head first
     * @param secured nodes this plan made sure out
     * @param cause why the plan was started
     * @param waitingFor the id of the plan command the engine waits for, if any
     */
    public record PlanStatus(Plan.Kind kind, String target, Optional<Plan.Step> step, int stepIndex,
            List<Plan.Step> steps, List<String> secureQueue, List<String> secured, String cause,
            Optional<Long> waitingFor) {
        /** Copies the lists. */
        public PlanStatus {
            steps = List.copyOf(steps);
            secureQueue = List.copyOf(secureQueue);
            secured = List.copyOf(secured);
        }
    }

    /**
     * A command the engine sent and whose answer has not arrived.
     *
     * @param id the command's id
     * @param kind the command's type ({@code StartService}, {@code Fence}, …)
     * @param node the node it concerns, if one
     * @param epoch the epoch it carries, if it carries one
     * @param sentAt when the engine sent it
     */
    public record CommandStatus(long id, String kind, Optional<String> node, Optional<Long> epoch, Instant sentAt) {
    }

    /**
     * A health verdict.
     *
     * @param status what it found
     * @param failure the kind of failure, if a failure
     * @param detail the probe's words
     * @param latency how long the probe took
     * @param at when it arrived
     * @param source who gave it ({@code probe}, or the source of a reported verdict)
     */
    public record Verdict(HealthStatus status, Optional<FailureKind> failure, String detail, Duration latency,
            Instant at, String source) {
        static Verdict of(ProbeResult r, Instant at, String source) {
            return new Verdict(r.status(), r.failure(), r.detail(), r.latency(), at, source);
        }
    }

    /**
     * A replica as last observed.
     *
     * @param role its role
     * @param consistency whether it is up to date
     * @param detail the replicator's words
     * @param at when it was observed
     */
    public record Replica(ReplicaRole role, Consistency consistency, String detail, Instant at) {
        static Replica of(ReplicaStatus s, Instant at) {
            return new Replica(s.role(), s.consistency(), s.detail(), at);
        }
    }

    /**
     * The service on a node as last observed through the service control.
     *
     * @param state its state
     * @param at when
     */
    public record Service(RunState state, Instant at) {
    }

    /**
     * One node.
     *
     * @param role the engine's view of it
     * @param lastProbe the last probe of it (the active's, a standby check's, a reported verdict), if any
     * @param replica its replica as last observed, if it was
     * @param service its service as last observed, if it was
     * @param unusable why it cannot take over, when the last standby check found it cannot
     */
    public record NodeStatus(NodeRole role, Optional<Verdict> lastProbe, Optional<Replica> replica,
            Optional<Service> service, Optional<String> unusable) {
    }

    /**
     * How the node list of the configuration differed from the one the journal was written under, when this
     * runtime started: what still applied was recovered, the rest is observed afresh.
     *
     * @param at when recovery noticed it
     * @param removed nodes the journal talks about that are no longer configured
     * @param added configured nodes the journal does not talk about
     * @param note the sentence the timeline carries
     */
    public record ConfigurationChange(Instant at, List<String> removed, List<String> added, String note) {
        /** Copies the lists. */
        public ConfigurationChange {
            removed = List.copyOf(removed);
            added = List.copyOf(added);
        }
    }

    /**
     * What the runtime observed of one node, besides what the engine keeps. Immutable.
     *
     * @param lastProbe the last probe or reported verdict
     * @param replica the last replica status
     * @param service the last service state
     */
    record Observed(Verdict lastProbe, Replica replica, Service service) {
        static final Observed NONE = new Observed(null, null, null);

        Observed withProbe(Verdict v) {
            return new Observed(v, replica, service);
        }

        Observed withReplica(Replica r) {
            return new Observed(lastProbe, r, service);
        }

        Observed withService(Service s) {
            return new Observed(lastProbe, replica, s);
        }
    }

    static StatusSnapshot of(String cluster, Instant at, ClusterState s, Map<NodeId, Observed> observed,
            Optional<ConfigurationChange> change, String lastDecision, long decisions) {
        Map<String, NodeRole> roles = new LinkedHashMap<>();
        Map<String, NodeStatus> nodes = new LinkedHashMap<>();
        for (Map.Entry<NodeId, NodeRole> e : s.roles().entrySet()) {
            roles.put(e.getKey().name(), e.getValue());
            Observed o = observed.getOrDefault(e.getKey(), Observed.NONE);
            nodes.put(e.getKey().name(), new NodeStatus(e.getValue(), Optional.ofNullable(o.lastProbe()),
                    Optional.ofNullable(o.replica()), Optional.ofNullable(o.service()),
                    Optional.ofNullable(s.unusableStandbys().get(e.getKey()))));
        }
        Optional<Verdict> verdict = s.lastVerdict().map(v -> Verdict.of(v, s.lastVerdictAt().orElse(at),
                verdictSource(s, observed)));
        Optional<PlanStatus> plan = s.plan().map(p -> new PlanStatus(p.kind(), p.target().name(), p.step(),
                p.index(), p.steps(), names(p.secureQueue()), names(p.secured()), p.cause(),
                s.pendingCommandId() == 0 ? Optional.empty() : Optional.of(s.pendingCommandId())));
        List<CommandStatus> outstanding = new ArrayList<>();
        for (Outstanding o : s.outstanding()) {
            outstanding.add(new CommandStatus(o.id(), o.command().getClass().getSimpleName(),
                    o.node().map(NodeId::name), epochOf(o.command()), o.sentAt()));
        }
        return new StatusSnapshot(cluster, at, s.phase(), s.active().map(NodeId::name), s.epoch().value(), roles,
                new Maintenance(s.inMaintenance(), s.maintenanceUntil()), s.lastVerdict().map(ProbeResult::status),
                s.failuresInRow(), s.restarts().size(), plan, outstanding, s.blockedReason(), verdict, nodes, change,
                lastDecision, decisions);
    }

    /** The engine keeps the verdict, not who gave it: the active's last probe says, when it is the same one. */
    private static String verdictSource(ClusterState s, Map<NodeId, Observed> observed) {
        Observed o = s.active().map(observed::get).orElse(null);
        if (o != null && o.lastProbe() != null && s.lastVerdictAt().equals(Optional.of(o.lastProbe().at()))) {
            return o.lastProbe().source();
        }
        return "probe";
    }

    private static List<String> names(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).toList();
    }

    /** The epoch a command carries, for commands that carry one. */
    static Optional<Long> epochOf(Command c) {
        if (c instanceof Command.StartService x) {
            return Optional.of(x.epoch().value());
        } else if (c instanceof Command.Promote x) {
            return Optional.of(x.epoch().value());
        } else if (c instanceof Command.Demote x) {
            return Optional.of(x.epoch().value());
        } else if (c instanceof Command.OutdatePeer x) {
            return Optional.of(x.epoch().value());
        } else if (c instanceof Command.Route x) {
            return Optional.of(x.epoch().value());
        } else if (c instanceof Command.ReleaseLease x) {
            return Optional.of(x.lease().epoch().value());
        }
        return Optional.empty();
    }

    /** @return when maintenance ends, if it is on (the same as {@code maintenance().until()}) */
    public Optional<Instant> maintenanceUntil() {
        return maintenance.until();
    }

    /** @return the snapshot as a JSON object */
    public String toJson() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render status", e);
        }
    }
}
