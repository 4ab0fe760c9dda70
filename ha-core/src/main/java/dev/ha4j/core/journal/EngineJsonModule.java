package dev.ha4j.core.journal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;

/**
 * How the engine's events and commands are written to JSON: each with a {@code "type"} property naming its
 * record. The engine package knows nothing of Jackson; these mix-ins carry the type information instead, and
 * {@link dev.ha4j.core.internal.Json} registers this module on the one mapper, so the journal, its checkpoints
 * and every other user write exactly the format the annotations on the types used to give (a fixture test
 * holds it byte for byte).
 *
 * <p>Thread-safe: a module holds only its fixed mix-in registrations.
 */
public final class EngineJsonModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    /** The module, with the mix-ins for {@link Event} and {@link Command}. */
    public EngineJsonModule() {
        super("ha4j-engine");
        setMixInAnnotation(Event.class, EventMixIn.class);
        setMixInAnnotation(Command.class, CommandMixIn.class);
    }

    /** The type information of {@link Event}: one name per record. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Event.Started.class, name = "Started"),
        @JsonSubTypes.Type(value = Event.TimerFired.class, name = "TimerFired"),
        @JsonSubTypes.Type(value = Event.ProbeCompleted.class, name = "ProbeCompleted"),
        @JsonSubTypes.Type(value = Event.VerdictReported.class, name = "VerdictReported"),
        @JsonSubTypes.Type(value = Event.ActionCompleted.class, name = "ActionCompleted"),
        @JsonSubTypes.Type(value = Event.StateObserved.class, name = "StateObserved"),
        @JsonSubTypes.Type(value = Event.FenceCompleted.class, name = "FenceCompleted"),
        @JsonSubTypes.Type(value = Event.ReplicaObserved.class, name = "ReplicaObserved"),
        @JsonSubTypes.Type(value = Event.LeaseAcquired.class, name = "LeaseAcquired"),
        @JsonSubTypes.Type(value = Event.Observed.class, name = "Observed"),
        @JsonSubTypes.Type(value = Event.LeaseLost.class, name = "LeaseLost"),
        @JsonSubTypes.Type(value = Event.SwitchoverRequested.class, name = "SwitchoverRequested"),
        @JsonSubTypes.Type(value = Event.MaintenanceRequested.class, name = "MaintenanceRequested"),
        @JsonSubTypes.Type(value = Event.ClearRequested.class, name = "ClearRequested")
    })
    private interface EventMixIn {
    }

    /** The type information of {@link Command}: one name per record. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Command.ArmTimer.class, name = "ArmTimer"),
        @JsonSubTypes.Type(value = Command.Probe.class, name = "Probe"),
        @JsonSubTypes.Type(value = Command.Observe.class, name = "Observe"),
        @JsonSubTypes.Type(value = Command.StartService.class, name = "StartService"),
        @JsonSubTypes.Type(value = Command.StopService.class, name = "StopService"),
        @JsonSubTypes.Type(value = Command.KillService.class, name = "KillService"),
        @JsonSubTypes.Type(value = Command.ConfirmStopped.class, name = "ConfirmStopped"),
        @JsonSubTypes.Type(value = Command.Fence.class, name = "Fence"),
        @JsonSubTypes.Type(value = Command.AcquireLease.class, name = "AcquireLease"),
        @JsonSubTypes.Type(value = Command.CheckReplica.class, name = "CheckReplica"),
        @JsonSubTypes.Type(value = Command.Promote.class, name = "Promote"),
        @JsonSubTypes.Type(value = Command.Demote.class, name = "Demote"),
        @JsonSubTypes.Type(value = Command.OutdatePeer.class, name = "OutdatePeer"),
        @JsonSubTypes.Type(value = Command.Route.class, name = "Route"),
        @JsonSubTypes.Type(value = Command.Unroute.class, name = "Unroute"),
        @JsonSubTypes.Type(value = Command.ReleaseLease.class, name = "ReleaseLease"),
        @JsonSubTypes.Type(value = Command.Notify.class, name = "Notify")
    })
    private interface CommandMixIn {
    }
}
