package dev.ha4j.benchmarks;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Command;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.core.engine.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of the pure failover engine, on one thread.
 *
 * <ul>
 *   <li>{@code probeCycle}: the steady state, a probe timer and a healthy verdict, over and over; the event
 *       is built from the previous decision, as the runtime does.</li>
 *   <li>{@code mixedTrace}: a recorded trace of {@value TraceRecorder#EVENTS} events with restarts,
 *       failovers, fencing and switchovers, replayed from the initial state; the score is per event.</li>
 * </ul>
 *
 * Run: {@code java -jar ha-benchmarks/target/benchmarks.jar EngineStep -prof gc}; the gc profiler's
 * {@code gc.alloc.rate.norm} is the allocation per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineStepBenchmark {
    private static final NodeId A = NodeId.of("a");
    private FailoverEngine engine;
    private ClusterState state;
    private Instant now;
    private long timerId;
    private boolean timerNext;
    private ProbeResult healthy;
    private List<Event> trace;

    /** Brings an engine to RUNNING and records the mixed trace. */
    @Setup(Level.Trial)
    public void setUp() {
        ClusterConfig config = ClusterConfig.custom().name("bench").nodes("a", "b").policy(Policy.custom()
                .probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(2))
                .firstProbeTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofMillis(1)).build()).build();
        engine = new FailoverEngine(config);
        healthy = ProbeResult.healthy();
        TraceRecorder.Recorded r = TraceRecorder.runToRunning(engine);
        state = r.state();
        now = r.now();
        timerId = r.probeTimerId();
        timerNext = true;
        if (state.phase() != Phase.RUNNING) {
            throw new IllegalStateException("engine did not reach RUNNING: " + state);
        }
        trace = TraceRecorder.record(engine);
    }

    /** @return the new state, so that the JIT cannot drop the work */
    @Benchmark
    public ClusterState probeCycle() {
        now = now.plusMillis(2500);
        Event e = timerNext ? new Event.TimerFired(now, timerId, dev.ha4j.core.engine.Timer.PROBE)
                : new Event.ProbeCompleted(now, timerId, A, healthy);
        Transition t = engine.apply(state, e);
        state = t.state();
        Command c = t.commands().get(0);
        timerId = c.id();
        timerNext = !timerNext;
        return state;
    }

    /** @return the final state of one replay */
    @Benchmark
    @OperationsPerInvocation(TraceRecorder.EVENTS)
    public ClusterState mixedTrace() {
        ClusterState s = engine.initialState();
        for (Event e : trace) {
            s = engine.apply(s, e).state();
        }
        return s;
    }
}
