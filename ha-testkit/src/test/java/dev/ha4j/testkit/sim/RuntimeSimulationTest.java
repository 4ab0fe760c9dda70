package dev.ha4j.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Notification;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.engine.Phase;
import dev.ha4j.testkit.Fault;
import dev.ha4j.testkit.FaultSchedule;
import dev.ha4j.testkit.FaultWeights;
import dev.ha4j.testkit.RunResult;
import dev.ha4j.testkit.engine.RandomConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real HaRuntime on virtual time with simulated SPIs. */
class RuntimeSimulationTest {
    /** A seed whose stall-heavy schedule (see the test using it) has late answers. */
    static final long INTERESTING = 1;

    @BeforeAll
    static void quietRuntimeLog() {
        System.setProperty("org.slf4j.simpleLogger.log.dev.ha4j.core.runtime", "warn");
    }

    static ClusterConfig twoNodes() {
        return ClusterConfig.custom().name("rt").nodes("a", "b")
                .policy(RandomConfigs.fast().fencingLevels(List.of("bmc")).build()).build();
    }

    @Test
    void aSimulatedHourOfTheRealRuntimeRunsInVirtualTime() {
        FaultSchedule s = new FaultSchedule(7, Duration.ofHours(1), List.of(
                new Fault.ServiceCrash(Duration.ofMinutes(5), "a"),
                new Fault.ServiceCrash(Duration.ofMinutes(7), "a"),
                new Fault.ServiceCrash(Duration.ofMinutes(8), "a"),
                new Fault.PowerLoss(Duration.ofMinutes(20), "b", Duration.ZERO),
                new Fault.DatabaseDown(Duration.ofMinutes(30), false, Duration.ofMinutes(5)),
                new Fault.Recover(Duration.ofMinutes(59))));
        long t0 = System.nanoTime();
        RunResult r = RuntimeSimulator.builder(twoNodes()).build().run(s, true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("a simulated " + r.virtualTime() + " of the real runtime took " + ms + " ms wall, "
                + r.events() + " decisions");
        assertThat(r.violations()).as(r.timeline().get().render(80)).isEmpty();
        assertThat(r.virtualTime()).isGreaterThanOrEqualTo(Duration.ofHours(1));
        assertThat(r.notified(Notification.Kind.RESTARTED)).isGreaterThanOrEqualTo(2);
        assertThat(r.notified(Notification.Kind.FAILOVER_COMPLETED)).isGreaterThanOrEqualTo(1);
        assertThat(r.finalPhase()).isEqualTo(Phase.RUNNING);
    }

    /** Runtime-level schedules with the runtime's default weights (stalled SPI calls included). */
    static FaultSchedule schedule(long seed, ClusterConfig c, FaultSchedule.Shape shape) {
        return FaultSchedule.generate(seed, c.nodes().stream().map(x -> x.name()).toList(), shape);
    }

    @Test
    void theRealRuntimeKeepsEveryInvariantOnRandomSchedules() {
        int n = Integer.getInteger("ha4j.runtimeSchedules", 3_000);
        long base = Long.getLong("ha4j.runtimeBaseSeed", 5_000L);
        List<String> failures = new ArrayList<>();
        long events = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long seed = base + i;
            ClusterConfig c = RandomConfigs.random(new Random(seed));
            FaultSchedule s = schedule(seed, c, FaultSchedule.Shape.ofRuntimeDefaults());
            RunResult r = RuntimeSimulator.builder(c).build().run(s, false);
            events += r.events();
            if (r.failed() && failures.size() < 5) {
                failures.add("seed " + seed + ": " + r.firstViolation().get() + "\n" + c + "\n" + s + "\n"
                        + RuntimeSimulator.builder(c).build().run(s, true).timeline().get().render(80));
            }
        }
        System.out.printf("runtime level: %d schedules from seed %d, %d decisions, %d ms, %d failing%n", n, base,
                events, (System.nanoTime() - t0) / 1_000_000, failures.size());
        assertThat(failures).isEmpty();
    }

    /** Counts the timeline lines of each kind over many recorded runs. */
    static Map<String, Integer> kinds(List<RunResult> runs) {
        Map<String, Integer> counts = new TreeMap<>();
        for (RunResult r : runs) {
            for (String line : r.timeline().orElseThrow().lines()) {
                for (String k : List.of("WATCHDOG", "LATE", "HELD", "LOST", "STALL", "LIVENESS")) {
                    if (line.contains("  " + k + " ")) {
                        counts.merge(k, 1, Integer::sum);
                    }
                }
                if (line.contains("LIVENESS failover kept")) {
                    counts.merge("LIVENESS kept", 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    @Test
    void stalledSpiCallsTakeTheRuntimesWatchdogPathAndEveryInvariantHolds() {
        int n = Integer.getInteger("ha4j.stallSchedules", 300);
        // Stalls three to four times as often as by default, so that few schedules go without one.
        FaultSchedule.Shape shape = FaultSchedule.Shape.ofRuntimeDefaults().withWeights(FaultWeights.runtimeCustom()
                .weight(FaultWeights.Kind.STALL, 24).build());
        List<RunResult> runs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = 70_000L + i;
            ClusterConfig c = RandomConfigs.random(new Random(seed));
            RunResult r = RuntimeSimulator.builder(c).build().run(schedule(seed, c, shape), true);
            runs.add(r);
            if (r.failed() && failures.size() < 5) {
                failures.add("seed " + seed + ": " + r.firstViolation().get() + "\n" + c + "\n" + r.schedule() + "\n"
                        + r.timeline().get().render(80));
            }
        }
        Map<String, Integer> kinds = kinds(runs);
        System.out.println("runtime level with stalls: " + n + " schedules, timeline lines " + kinds);
        assertThat(failures).isEmpty();
        // The runtime's watchdog answered commands whose SPI call overran its deadline (half the stalls are now
        // short calls that end around their deadline, so fewer overrun than when every stall was long) ...
        assertThat(kinds.getOrDefault("WATCHDOG", 0)).isGreaterThan(n / 4);
        // ... and their real answers came afterwards (and were ignored: no command finished twice). Fewer than
        // before the runtime stopped starting calls behind one that has not returned: many stalled agents are
        // now fenced instead, and their queued calls are lost.
        assertThat(kinds.getOrDefault("LATE", 0)).isGreaterThan(n / 4);
        assertThat(kinds.getOrDefault("LOST", 0)).isPositive();
        assertThat(kinds.getOrDefault("HELD", 0)).isPositive();
    }

    @Test
    void aStopThatDoesNotReturnIsFollowedByNoFurtherCallToThatAgentAndTheNodeIsFenced() {
        // a's agent stalls for 25 s: probes overrun (HUNG), the restart's graceful stop overruns and is answered
        // as timed out by the runtime. The stop has not returned, so the runtime starts no kill and no
        // confirmation behind it (no call piles up on a deaf agent, and no "stopped" is read while the stop is
        // still running): they are answered at once as not started, a's state is unknown, a is fenced, and b
        // takes over. The stop queued at a's agent is lost with a's power.
        FaultSchedule s = new FaultSchedule(11, Duration.ofMinutes(3), List.of(
                new Fault.Stall(Duration.ofSeconds(40), "node:a", Duration.ofSeconds(25)),
                new Fault.Recover(Duration.ofMinutes(3))));
        RunResult r = RuntimeSimulator.builder(twoNodes()).build().run(s, true);
        String timeline = r.timeline().orElseThrow().toString();
        assertThat(r.violations()).as(timeline).isEmpty();
        assertThat(timeline).containsPattern("WATCHDOG #\\d+ STOP a overran its deadline of 10s: the runtime answered it as timed"
                        + " out after 11s")
                .containsPattern("kill of a: TIMED_OUT \\(was not started: the previous service control call for a .*"
                        + " has not returned\\)")
                .contains("FENCE a").containsPattern("LOST stop a");
        assertThat(r.finalPhase()).isEqualTo(Phase.RUNNING);
        assertThat(r.notified(Notification.Kind.RESTARTED)).isEqualTo(1);
        assertThat(r.notified(Notification.Kind.FAILOVER_COMPLETED)).isEqualTo(1);
    }

    @Test
    void callsQueuedAtAFencedNodesStalledAgentAreLostAndTheStandbyTakesOver() {
        // a's agent stalls until recovered: the restart cannot confirm a stopped, so a is fenced (its BMC works)
        // and b takes over; the calls queued at a's agent are lost with its power and never carried out.
        FaultSchedule s = new FaultSchedule(12, Duration.ofMinutes(4), List.of(
                new Fault.Stall(Duration.ofSeconds(40), "node:a", Duration.ZERO),
                new Fault.Recover(Duration.ofMinutes(4))));
        RunResult r = RuntimeSimulator.builder(twoNodes()).build().run(s, true);
        String timeline = r.timeline().orElseThrow().toString();
        assertThat(r.violations()).as(timeline).isEmpty();
        assertThat(timeline).contains("FENCE a").contains("LOST stop a").doesNotContain("LATE");
        assertThat(r.notified(Notification.Kind.FAILOVER_COMPLETED)).as(timeline).isEqualTo(1);
        assertThat(r.finalPhase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void theRuntimeLevelHoldsTheFailoverLivenessBound() {
        // The active node loses power with a healthy standby and working fencing: the service must be back
        // within detection + fencing + takeover + 10 s (liveness:failover), as at the engine level.
        FaultSchedule s = new FaultSchedule(13, Duration.ofMinutes(5), List.of(
                new Fault.PowerLoss(Duration.ofMinutes(1), "a", Duration.ZERO),
                new Fault.Recover(Duration.ofMinutes(5))));
        RunResult r = RuntimeSimulator.builder(twoNodes()).build().run(s, true);
        String timeline = r.timeline().orElseThrow().toString();
        assertThat(r.violations()).as(timeline).isEmpty();
        assertThat(timeline).contains("LIVENESS failover: active node a lost power at +0:01:00.000 with a healthy"
                + " standby and working fencing").contains("LIVENESS failover kept");
        // Over random runtime-level schedules (power losses more often) the obligation arises and is kept too.
        FaultSchedule.Shape shape = FaultSchedule.Shape.ofRuntimeDefaults().withWeights(FaultWeights.runtimeCustom()
                .weight(FaultWeights.Kind.POWER_LOSS, 40).build());
        List<RunResult> runs = new ArrayList<>();
        for (long seed = 5_000; seed < 5_300; seed++) {
            ClusterConfig c = RandomConfigs.random(new Random(seed));
            runs.add(RuntimeSimulator.builder(c).build().run(schedule(seed, c, shape), true));
        }
        assertThat(runs).allMatch(x -> !x.failed());
        Map<String, Integer> kinds = kinds(runs);
        System.out.println("runtime level: failover obligations in 300 schedules " + kinds);
        assertThat(kinds.getOrDefault("LIVENESS kept", 0)).isPositive();
    }

    @Test
    void aRuntimeRunIsAPureFunctionOfItsSchedule() {
        ClusterConfig c = RandomConfigs.random(new Random(3));
        FaultSchedule s = schedule(99, c, FaultSchedule.Shape.ofRuntimeDefaults().withFaults(6, 6));
        RunResult a = RuntimeSimulator.builder(c).build().run(s, true);
        RunResult b = RuntimeSimulator.builder(c).build().run(s, true);
        assertThat(a.timeline()).isEqualTo(b.timeline());
        assertThat(a.events()).isGreaterThan(20);
    }

    @Test
    void aRunWithStalledCallsIsAPureFunctionOfItsScheduleToo() {
        ClusterConfig c = RandomConfigs.random(new Random(4));
        // The first schedule from seed INTERESTING whose run takes the watchdog path and sees a late answer (the
        // schedule generator's draws move when the fault mix grows, so the seed is searched, not fixed).
        for (long seed = INTERESTING; seed < INTERESTING + 200; seed++) {
            FaultSchedule s = schedule(seed, c, FaultSchedule.Shape.ofRuntimeDefaults().withWeights(
                    FaultWeights.only(FaultWeights.Kind.STALL, FaultWeights.Kind.CRASH, FaultWeights.Kind.POWER_LOSS))
                    .withFaults(8, 8));
            RunResult a = RuntimeSimulator.builder(c).build().run(s, true);
            String t = a.timeline().orElseThrow().toString();
            if (!t.contains("WATCHDOG") || !t.contains("LATE")) {
                continue;
            }
            RunResult b = RuntimeSimulator.builder(c).build().run(FaultSchedule.fromJson(s.toJson()), true);
            assertThat(a.timeline()).isEqualTo(b.timeline());
            return;
        }
        throw new AssertionError("no schedule of seeds " + INTERESTING + ".. took the watchdog path with a late answer");
    }
}
