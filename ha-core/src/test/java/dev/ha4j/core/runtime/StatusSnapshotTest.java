package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.engine.NodeRole;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Plan;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.journal.JsonLinesJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status is structured: an operator's tool reads fields, never a toString. */
class StatusSnapshotTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");

    @TempDir
    Path dir;
    HaRuntime runtime;
    final CountDownLatch releaseStartOnB = new CountDownLatch(1);
    volatile boolean holdStartOnB;
    final FakeInfra infra = new FakeInfra(Secret.of("pw")) {
        @Override
        public OpResult start(NodeId node, Epoch epoch, Duration timeout) {
            if (node.equals(B) && holdStartOnB) {
                try {
                    releaseStartOnB.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return OpResult.timedOut("interrupted");
                }
            }
            return super.start(node, epoch, timeout);
        }
    };

    HaRuntime.Builder builder() {
        return HaRuntime.builder().config(HaRuntimeTest.config()).probe(infra).serviceControl(infra)
                .fencer("bmc", infra).replicator(infra.replicator).router(infra)
                .coordinator(InMemoryCoordinator.builder().build()).journal(JsonLinesJournal.open(dir.resolve("j")))
                .deadlineSlack(Duration.ofMillis(200));
    }

    @AfterEach
    void close() {
        releaseStartOnB.countDown();
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void maintenanceIsShownNextToTheObservedHealthOfADeadService() throws Exception {
        runtime = builder().build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        runtime.maintenance(true, Duration.ofMinutes(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().maintenance().on());
        infra.running.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().observedHealth()
                .equals(Optional.of(HealthStatus.FAILED)));

        StatusSnapshot s = runtime.status();
        assertThat(s.phase()).as("the engine does nothing during maintenance").isEqualTo(Phase.RUNNING);
        assertThat(s.maintenance().until()).isPresent();
        assertThat(s.lastVerdict().orElseThrow().failure()).contains(FailureKind.CRASHED);
        assertThat(s.lastVerdict().orElseThrow().detail()).contains("connection refused");
        JsonNode json = Json.mapper().readTree(s.toJson());
        assertThat(json.get("phase").asText()).isEqualTo("RUNNING");
        assertThat(json.get("maintenance").get("on").asBoolean()).isTrue();
        assertThat(json.get("maintenance").get("until").isTextual()).isTrue();
        assertThat(json.get("observedHealth").asText()).isEqualTo("FAILED");
        assertThat(json.get("lastVerdict").get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("lastVerdict").get("failure").asText()).isEqualTo("CRASHED");
        assertThat(json.get("lastVerdict").get("at").isTextual()).isTrue();
    }

    @Test
    void aRunningFailoverShowsItsPlanAndTheCommandsItWaitsFor() throws Exception {
        runtime = builder().build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        holdStartOnB = true;
        infra.power.put(A, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().plan()
                .flatMap(StatusSnapshot.PlanStatus::step).equals(Optional.of(Plan.Step.START)));

        StatusSnapshot s = runtime.status();
        StatusSnapshot.PlanStatus plan = s.plan().orElseThrow();
        assertThat(plan.kind()).isEqualTo(Plan.Kind.FAILOVER);
        assertThat(plan.target()).isEqualTo("b");
        assertThat(plan.steps()).contains(Plan.Step.SECURE, Plan.Step.START, Plan.Step.ROUTE);
        assertThat(plan.steps().get(plan.stepIndex())).isEqualTo(Plan.Step.START);
        assertThat(plan.secured()).containsExactly("a");
        assertThat(plan.waitingFor()).isPresent();
        StatusSnapshot.CommandStatus start = s.outstanding().stream().filter(c -> c.kind().equals("StartService"))
                .findFirst().orElseThrow();
        assertThat(start.id()).isEqualTo(plan.waitingFor().get());
        assertThat(start.node()).contains("b");
        assertThat(start.epoch()).contains(2L);
        assertThat(s.nodes().get("a").role()).isEqualTo(NodeRole.FENCED);

        JsonNode json = Json.mapper().readTree(s.toJson());
        assertThat(json.get("phase").asText()).isEqualTo("FAILING_OVER");
        assertThat(json.get("plan").get("kind").asText()).isEqualTo("FAILOVER");
        assertThat(json.get("plan").get("target").asText()).isEqualTo("b");
        assertThat(json.get("plan").get("step").asText()).isEqualTo("START");
        JsonNode cmd = null;
        for (JsonNode c : json.get("outstanding")) {
            if (c.get("kind").asText().equals("StartService")) {
                cmd = c;
            }
        }
        assertThat(cmd).isNotNull();
        assertThat(cmd.get("id").asLong()).isEqualTo(start.id());
        assertThat(cmd.get("node").asText()).isEqualTo("b");
        assertThat(cmd.get("epoch").asLong()).isEqualTo(2);
        assertThat(cmd.get("sentAt").isTextual()).isTrue();

        releaseStartOnB.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().active().equals(Optional.of("b")));
        assertThat(runtime.status().plan()).isEmpty();
        assertThat(runtime.status().outstanding()).noneMatch(c -> c.kind().equals("StartService"));
    }

    @Test
    void eachNodeShowsItsRoleLastProbeAndReplica() throws Exception {
        runtime = builder().build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING
                && runtime.status().nodes().get("a").lastProbe().isPresent());

        StatusSnapshot s = runtime.status();
        StatusSnapshot.NodeStatus a = s.nodes().get("a");
        assertThat(a.role()).isEqualTo(NodeRole.ACTIVE);
        assertThat(a.lastProbe().orElseThrow().status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(a.lastProbe().orElseThrow().source()).isEqualTo("probe");
        assertThat(a.replica().orElseThrow().role()).isEqualTo(ReplicaRole.PRIMARY);
        StatusSnapshot.NodeStatus b = s.nodes().get("b");
        assertThat(b.role()).isEqualTo(NodeRole.STANDBY);
        assertThat(b.replica().orElseThrow().role()).isEqualTo(ReplicaRole.SECONDARY);
        assertThat(b.service().orElseThrow().state()).isEqualTo(dev.ha4j.core.RunState.STOPPED);

        JsonNode json = Json.mapper().readTree(s.toJson());
        assertThat(json.get("nodes").get("a").get("role").asText()).isEqualTo("ACTIVE");
        assertThat(json.get("nodes").get("a").get("lastProbe").get("status").asText()).isEqualTo("HEALTHY");
        assertThat(json.get("nodes").get("a").get("replica").get("role").asText()).isEqualTo("PRIMARY");
        assertThat(json.get("nodes").get("b").get("replica").get("consistency").asText()).isEqualTo("UP_TO_DATE");
        assertThat(json.get("roles").get("a").asText()).as("the old field is still true").isEqualTo("ACTIVE");
    }
}
