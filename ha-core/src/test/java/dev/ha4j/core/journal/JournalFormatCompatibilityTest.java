package dev.ha4j.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.RunState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.Observation;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Timer;
import dev.ha4j.core.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The journal's JSON format does not change under a refactoring: {@code journal-format-v1.jsonl} was written by
 * the engine's types as they were before the Jackson annotations moved out of the engine package into mix-ins
 * (one entry per event type, every command type among them). Every line must still read, and write back to the
 * same bytes; and the same entries built today must write exactly those lines.
 *
 * <p>To regenerate the fixture (only for a deliberate format change, with a new file name):
 * {@code -Dha4j.journalFixture=path}.
 */
class JournalFormatCompatibilityTest {
    static final String FIXTURE = "journal-format-v1.jsonl";

    @Test
    void linesWrittenBeforeReadAndWriteBackByteForByte() throws IOException {
        List<String> lines = fixture();
        assertThat(lines).hasSize(entries().size());
        for (String line : lines) {
            JournalEntry e = Json.mapper().readValue(line, JournalEntry.class);
            assertThat(Json.mapper().writeValueAsString(e)).isEqualTo(line);
        }
    }

    @Test
    void todaysEntriesWriteTheSameLines() throws IOException {
        List<String> lines = fixture();
        List<JournalEntry> entries = entries();
        for (int i = 0; i < entries.size(); i++) {
            assertThat(Json.mapper().writeValueAsString(entries.get(i))).isEqualTo(lines.get(i));
            assertThat(Json.mapper().readValue(lines.get(i), JournalEntry.class)).isEqualTo(entries.get(i));
        }
    }

    @Test
    void theFixtureCoversEveryEventAndCommandType() throws IOException {
        String all = String.join("\n", fixture());
        for (Class<?> c : Event.class.getPermittedSubclasses()) {
            if (!c.isInterface()) {
                assertThat(all).as(c.getSimpleName()).contains("\"type\":\"" + c.getSimpleName() + "\"");
            }
        }
        for (Class<?> c : Command.class.getPermittedSubclasses()) {
            assertThat(all).as(c.getSimpleName()).contains("\"type\":\"" + c.getSimpleName() + "\"");
        }
    }

    @Test
    void writesTheFixtureWhenAsked() throws IOException {
        String path = System.getProperty("ha4j.journalFixture");
        if (path == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (JournalEntry e : entries()) {
            b.append(Json.mapper().writeValueAsString(e)).append('\n');
        }
        Files.writeString(Path.of(path), b.toString(), StandardCharsets.UTF_8);
    }

    static List<String> fixture() throws IOException {
        try (InputStream in = JournalFormatCompatibilityTest.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as(FIXTURE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** One entry per event type; single-node maps only, so that no map's iteration order is in question. */
    static List<JournalEntry> entries() {
        NodeId a = NodeId.of("a");
        NodeId b = NodeId.of("b");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Duration d = Duration.ofSeconds(5);
        Epoch e3 = Epoch.of(3);
        Lease lease = new Lease(a, e3);
        ReplicaStatus upToDate = new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.UP_TO_DATE, "in sync");
        List<Command> startup = List.of(new Command.Observe(7, d),
                new Command.ArmTimer(8, Timer.MAINTENANCE_END, t0.plusSeconds(600)));
        List<Event> events = List.of(
                new Event.Started(t0, Optional.of(new Event.Recovered(Optional.of(t0.plusSeconds(60)),
                        Optional.of("blocked for a test"), List.of(t0.minusSeconds(30)), e3, 7,
                        List.of(new Command.StartService(5, b, Epoch.of(2), d), new Command.Promote(6, b, Epoch.of(2),
                                true, d))))),
                new Event.Observed(t0.plusSeconds(1), 7, new Observation(Map.of(a, RunState.RUNNING),
                        Map.of(a, upToDate), Optional.of(a), Optional.of(lease))),
                new Event.TimerFired(t0.plusSeconds(2), 9, Timer.PROBE),
                new Event.ProbeCompleted(t0.plusSeconds(3), 10, a, ProbeResult.failed(FailureKind.CRASHED, "boom")),
                new Event.VerdictReported(t0.plusSeconds(4), a, ProbeResult.of(HealthStatus.HEALTHY, "path ok"),
                        "router"),
                new Event.ActionCompleted(t0.plusSeconds(5), 11, OpResult.timedOut("slow")),
                new Event.StateObserved(t0.plusSeconds(6), 12, b, RunState.STOPPED),
                new Event.FenceCompleted(t0.plusSeconds(7), 13, b, FenceResult.ok(PowerState.OFF, "off")),
                new Event.ReplicaObserved(t0.plusSeconds(8), 14, b, upToDate),
                new Event.LeaseAcquired(t0.plusSeconds(9), 15, LeaseResult.granted(new Lease(b, Epoch.of(4)))),
                new Event.LeaseAcquired(t0.plusSeconds(9), 16, LeaseResult.notGranted(Outcome.REFUSED,
                        Optional.of(lease), "held")),
                new Event.LeaseLost(t0.plusSeconds(10), b, Epoch.of(4), "session expired"),
                new Event.SwitchoverRequested(t0.plusSeconds(11), b),
                new Event.MaintenanceRequested(t0.plusSeconds(12), true, Duration.ofMinutes(10)),
                new Event.ClearRequested(t0.plusSeconds(13), Optional.of(b)),
                new Event.ClearRequested(t0.plusSeconds(14), Optional.empty()));
        List<List<Command>> commands = List.of(startup,
                List.of(new Command.AcquireLease(17, a, d), new Command.Probe(18, a, d)),
                List.of(new Command.StopService(19, a, d), new Command.KillService(20, a, d)),
                List.of(new Command.ConfirmStopped(21, b, d), new Command.Fence(22, b, "ipmi", d)),
                List.of(new Command.ReleaseLease(23, lease, d), new Command.CheckReplica(24, b, d)),
                List.of(new Command.Demote(25, a, Epoch.of(4), d), new Command.OutdatePeer(26, a, Epoch.of(4), d)),
                List.of(new Command.Route(27, b, Epoch.of(4), d), new Command.Unroute(28, a, d)),
                List.of(new Command.Notify(29, new Notification(t0.plusSeconds(7), Notification.Kind.FENCED,
                        Optional.of(b), Epoch.of(4), "b fenced and verified off at level ipmi"))),
                List.of(new Command.Notify(30, new Notification(t0.plusSeconds(8), Notification.Kind.BLOCKED,
                        Optional.empty(), Epoch.NONE, "no node can take the service"))));
        Phase[] phases = Phase.values();
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event ev = events.get(i);
            out.add(new JournalEntry(i + 1, ev.at(), ev, phases[i % phases.length],
                    i < commands.size() ? commands.get(i) : List.of(), "reason " + (i + 1) + ": \"quoted\", ü"));
        }
        return out;
    }
}
