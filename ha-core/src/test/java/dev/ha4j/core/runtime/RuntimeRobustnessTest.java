package dev.ha4j.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.RunState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.spi.Journal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad SPIs and bad input (issue 9): an SPI that ignores interrupts, one that returns null, a journal that throws,
 * a listener that throws an {@code Error}, operator calls with values that cannot be carried out. None of them
 * may stall the loop, leak threads or be accepted silently.
 */
class RuntimeRobustnessTest {
    static final NodeId A = NodeId.of("a");

    HaRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private HaRuntime.Builder builder(FakeInfra infra) {
        return HaRuntime.builder().config(HaRuntimeTest.config()).probe(infra).serviceControl(infra)
                .fencer("bmc", infra).replicator(infra.replicator).router(infra)
                .coordinator(InMemoryCoordinator.builder().build()).deadlineSlack(Duration.ofMillis(100));
    }

    @Test
    void anSpiThatIgnoresInterruptsGetsOneCallAtATimeNotAThreadPerCall() {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        FakeInfra infra = new FakeInfra(Secret.of("x")) {
            @Override
            public ProbeResult probe(NodeId node, Duration timeout) {
                calls.incrementAndGet();
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < end) {
                    // Deaf to interrupts, as a badly written SPI is.
                    Thread.onSpinWait();
                }
                inside.decrementAndGet();
                return ProbeResult.healthy();
            }
        };
        infra.running.put(A, true);
        List<RuntimeEvent.CommandFinished> probes = new CopyOnWriteArrayList<>();
        runtime = builder(infra).build();
        runtime.events().onCommandFinished(f -> {
            if (f.command() instanceof Command.Probe) {
                probes.add(f);
            }
        });
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> probes.stream()
                .anyMatch(f -> f.result().toString().contains("has not returned")));
        assertThat(most.get()).as("probe calls running at once").isEqualTo(1);
        assertThat(calls.get()).as("calls started while the first one was deaf").isLessThanOrEqualTo(2);
    }

    @Test
    void aNullFromAnSpiIsAFailureThatNamesItAndMonitoringGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        FakeInfra infra = new FakeInfra(Secret.of("x")) {
            @Override
            public ProbeResult probe(NodeId node, Duration timeout) {
                calls.incrementAndGet();
                return null;
            }

            @Override
            public RunState state(NodeId node, Duration timeout) {
                return node.equals(A) ? RunState.RUNNING : RunState.STOPPED;
            }
        };
        infra.running.put(A, true);
        List<RuntimeEvent.CommandFinished> probes = new CopyOnWriteArrayList<>();
        runtime = builder(infra).build();
        runtime.events().onCommandFinished(f -> {
            if (f.command() instanceof Command.Probe) {
                probes.add(f);
            }
        });
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
        assertThat(probes).isNotEmpty();
        assertThat(probes.get(0).result().toString()).contains("probe returned null");
    }

    @Test
    void aJournalThatThrowsDoesNotStopTheDecisionsFromBeingCarriedOut() {
        FakeInfra infra = new FakeInfra(Secret.of("x"));
        Journal broken = new Journal() {
            @Override
            public void append(JournalEntry entry) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public List<JournalEntry> readAll() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
        runtime = builder(infra).journal(broken).build();
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
        assertThat(infra.running.get(A)).isTrue();
    }

    @Test
    void aListenerThatThrowsAnErrorDoesNotStopTheLoop() {
        FakeInfra infra = new FakeInfra(Secret.of("x"));
        runtime = builder(infra).build();
        runtime.events().onDecision(d -> {
            throw new AssertionError("a listener's bug");
        });
        runtime.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().phase() == Phase.RUNNING);
    }

    @Test
    void operatorCallsAreValidatedOnTheCallersThread() {
        FakeInfra infra = new FakeInfra(Secret.of("x"));
        runtime = builder(infra).build();
        assertThatThrownBy(() -> runtime.maintenance(true, Duration.ofMinutes(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-5M");
        assertThatThrownBy(() -> runtime.clearFailures(Optional.of(NodeId.of("zz"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zz");
        assertThatThrownBy(() -> runtime.switchover(NodeId.of("zz")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zz");
        assertThatThrownBy(() -> runtime.report(NodeId.of("zz"), ProbeResult.healthy(), "lb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zz");
    }

    @Test
    void aServiceControlThatDoesNotCoverEveryNodeIsRefusedAtBuildNamingTheNode() {
        FakeInfra infra = new FakeInfra(Secret.of("x"));
        dev.ha4j.core.builtin.ProcessServiceControl onlyA = dev.ha4j.core.builtin.ProcessServiceControl.builder()
                .node(A, dev.ha4j.core.builtin.CommandSpec.of("true")).build();
        assertThatThrownBy(() -> builder(infra).serviceControl(onlyA).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("serviceControl")
                .hasMessageContaining("does not cover node b");
        dev.ha4j.core.builtin.TcpConnectProbe probeA = dev.ha4j.core.builtin.TcpConnectProbe.builder()
                .target(A, "127.0.0.1", 1).build();
        assertThatThrownBy(() -> builder(infra).probe(probeA).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("probe")
                .hasMessageContaining("does not cover node b");
    }
}
