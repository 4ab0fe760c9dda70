package dev.ha4j.core.engine;

import static dev.ha4j.core.engine.StepDriver.B;
import static dev.ha4j.core.engine.StepDriver.C;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.engine.Plan.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden transcripts: a deterministic script of events run through {@code apply}, one line per event (time,
 * event, phase, plan, every command with its id, the reason), compared with {@code golden/NAME.txt}. They pin
 * whole runs as they are today, ids, notices and reason text included, so that a restructuring of the engine
 * that changes any decision shows up as a readable diff. To accept an intended change, run with
 * {@code -Dha4j.golden.update=true} (see {@link GoldenFile#howToUpdate()}) and review the diff of the files.
 */
class GoldenTranscriptTest {
    static final ReplicaStatus OUTDATED = new ReplicaStatus(ReplicaRole.SECONDARY, Consistency.OUTDATED, "");

    /** Fires the probe timer and answers the probe with {@code r}. */
    static void probe(StepDriver d, ProbeResult r) {
        d.fire(Timer.PROBE);
        d.answer(d.outstanding(c -> c instanceof Command.Probe), StepDriver.probe(r));
    }

    static StepDriver untilRunning(StepDriver d) {
        return d.until(s -> s.phase() == Phase.RUNNING && s.plan().isEmpty());
    }

    static List<String> recording(StepDriver d) {
        List<String> lines = new ArrayList<>();
        GoldenFile.record(d, lines);
        return lines;
    }

    @Test
    void restartInPlace() throws IOException {
        StepDriver d = StepDriver.ab();
        List<String> lines = recording(d);
        d.running();
        probe(d, ProbeResult.healthy());
        probe(d, ProbeResult.failed(FailureKind.CRASHED, "connection refused"));
        probe(d, ProbeResult.failed(FailureKind.CRASHED, "connection refused"));
        assertThat(d.state.phase()).isEqualTo(Phase.RESTARTING);
        untilRunning(d);
        assertThat(d.state.active()).contains(StepDriver.A);
        GoldenFile.compare("restart_in_place", lines);
    }

    @Test
    void failoverWithFencingAfterALostNode() throws IOException {
        StepDriver d = StepDriver.ab();
        List<String> lines = recording(d);
        d.running();
        probe(d, ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host"));
        probe(d, ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to host"));
        assertThat(d.state.phase()).isEqualTo(Phase.FAILING_OVER);
        untilRunning(d);
        assertThat(d.state.active()).contains(B);
        assertThat(d.state.role(StepDriver.A)).isEqualTo(NodeRole.FENCED);
        GoldenFile.compare("failover_fencing_lost_node", lines);
    }

    @Test
    void switchover() throws IOException {
        StepDriver d = StepDriver.ab();
        List<String> lines = recording(d);
        d.switchover(B);
        untilRunning(d);
        assertThat(d.state.active()).contains(B);
        GoldenFile.compare("switchover", lines);
    }

    @Test
    void failoverPassesOverAStaleStandbyAndBlocks() throws IOException {
        StepDriver d = StepDriver.abc();
        List<String> lines = recording(d);
        d.running();
        // b fell behind; c passes the check before the takeover, then is found behind when it counts.
        d.replicas.put(B, OUTDATED);
        d.fail(FailureKind.ROUTER_PATH_LOST);
        d.ok();
        assertThat(d.state.plan().orElseThrow().target()).isEqualTo(C);
        d.at(Step.CHECK_REPLICA);
        d.replicas.put(C, OUTDATED);
        d.ok();
        assertThat(d.state.phase()).isEqualTo(Phase.BLOCKED);
        GoldenFile.compare("failover_passes_over_stale_standby_and_blocks", lines);
    }

    @Test
    void maintenanceWhileAStartIsOutstanding() throws IOException {
        StepDriver d = StepDriver.ab();
        List<String> lines = recording(d);
        d.started().at(Step.START);
        Command start = d.pending();
        d.feed(new Event.MaintenanceRequested(d.now, true, Duration.ZERO));
        d.advance(Duration.ofMinutes(1));
        d.feed(new Event.MaintenanceRequested(d.now, false, Duration.ZERO));
        d.ok(); // the observation: a's start is still outstanding, so a might run
        d.answer(start, StepDriver.op(dev.ha4j.core.OpResult.ok()));
        untilRunning(d);
        assertThat(d.state.active()).contains(B);
        GoldenFile.compare("maintenance_while_start_outstanding", lines);
    }
}
