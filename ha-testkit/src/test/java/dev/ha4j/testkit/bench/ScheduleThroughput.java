package dev.ha4j.testkit.bench;

import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.Simulation;
import dev.ha4j.testkit.engine.RandomConfigs;
import dev.ha4j.testkit.sim.RuntimeSimulator;
import java.util.Random;

/**
 * A runnable throughput harness (not a test): schedules per second of the engine-level simulator against the
 * real engine (the default build's configuration: random policies, default fault weights, at least 50 events
 * per schedule, every invariant checked), then of the runtime-level simulator (the real HaRuntime on virtual
 * time) on the same schedules, reported as a ratio.
 *
 * <pre>
 * mvn -B -o -q -pl ha-testkit test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.ha4j.testkit.bench.ScheduleThroughput -Dexec.args="30 2"
 * </pre>
 *
 * Arguments: seconds per measurement (default 30), worker threads (default 2).
 */
public final class ScheduleThroughput {
    private ScheduleThroughput() {
    }

    /**
     * @param args seconds, threads
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.dev.ha4j.core.runtime", "warn");
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.out.println("ha4j testkit throughput, " + threads + " thread(s), " + seconds + " s per measurement, "
                + Runtime.getRuntime().availableProcessors() + " CPU(s), Java " + System.getProperty("java.version"));
        // Warm-up, then grow the batch until one batch lasts the measurement time.
        engine(20_000, threads, 1);
        long n = 50_000;
        Simulation.Report r = engine((int) n, threads, 2);
        while (r.elapsed().toSeconds() < seconds) {
            n = (long) (n * Math.max(1.2, seconds * 1.05 * 1000.0 / Math.max(1, r.elapsed().toMillis())));
            r = engine((int) Math.min(Integer.MAX_VALUE, n), threads, 3);
        }
        double engineRate = r.schedules() * 1000.0 / r.elapsed().toMillis();
        System.out.printf("engine level : %s%n", r);
        // The runtime level, single-threaded over the same seeds, for a fixed time.
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        long schedules = 0;
        long events = 0;
        long seed = 1;
        while (System.nanoTime() < deadline) {
            ClusterConfig c = RandomConfigs.random(new Random(seed * 0x5DEECE66DL + 11));
            FaultSchedule s = FaultSchedule.generate(seed, c.nodes().stream().map(x -> x.name()).toList(),
                    FaultSchedule.Shape.ofDefaults());
            RunResult rr = RuntimeSimulator.builder(c).build().run(s, false);
            if (rr.failed()) {
                System.out.println("runtime level: seed " + seed + " failed: " + rr.firstViolation().get());
            }
            schedules++;
            events += rr.events();
            seed++;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double runtimeRate = schedules / secs;
        System.out.printf("runtime level: %d schedules, %d events, %.1f s wall, %.0f schedules/s, %.0f events/s"
                + " (1 thread)%n", schedules, events, secs, runtimeRate, events / secs);
        System.out.printf("engine level (%d threads) / runtime level (1 thread): %.1fx; per thread: %.1fx%n", threads,
                engineRate / runtimeRate, engineRate / threads / runtimeRate);
    }

    private static Simulation.Report engine(int schedules, int threads, long base) {
        Simulation sim = Simulation.builder(RandomConfigs::random).schedules(schedules).threads(threads)
                .baseSeed(base * 1_000_000_000L).failureDir(null).build();
        Simulation.Report r = sim.run();
        if (r.failure().isPresent()) {
            // A failing schedule ends a run early; measuring on would be meaningless.
            throw sim.explain(r.failure().get(), r.schedules());
        }
        return r;
    }
}
