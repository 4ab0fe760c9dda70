package dev.ha4j.core.journal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * How the engine's events, commands and reasons are written to JSON: each event and command with a
 * {@code "type"} property naming its record; a {@link Reason} as {@code {"code":…,"args":[…]}}, each argument a
 * string or a nested reason. The engine package knows nothing of Jackson; these mix-ins carry the type information instead, and
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
        addDeserializer(Reason.class, new ReasonDeserializer());
    }

    /** A reason's arguments are strings or nested reasons, which a plain {@code List<Object>} would not tell. */
    private static final class ReasonDeserializer extends StdDeserializer<Reason> {
        private static final long serialVersionUID = 1L;

        ReasonDeserializer() {
            super(Reason.class);
        }

        @Override
        public Reason deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p.readValueAsTree(), p, ctxt);
        }

        private Reason read(JsonNode n, JsonParser p, DeserializationContext ctxt) throws IOException {
            if (n == null || !n.isObject() || !n.path("code").isTextual() || !n.path("args").isArray()
                    || n.size() != 2) {
                return (Reason) ctxt.reportInputMismatch(Reason.class, "a reason is {\"code\":…,\"args\":[…]}, not %s",
                        n);
            }
            Reason.Code code;
            try {
                code = Reason.Code.valueOf(n.get("code").asText());
            } catch (IllegalArgumentException e) {
                return (Reason) ctxt.reportInputMismatch(Reason.class, "unknown reason code %s", n.get("code"));
            }
            List<Object> args = new ArrayList<>(n.get("args").size());
            for (Iterator<JsonNode> it = n.get("args").elements(); it.hasNext();) {
                JsonNode a = it.next();
                args.add(a.isTextual() ? a.asText() : read(a, p, ctxt));
            }
            try {
                return new Reason(code, args);
            } catch (IllegalArgumentException e) {
                return (Reason) ctxt.reportInputMismatch(Reason.class, "%s", e.getMessage());
            }
        }
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
