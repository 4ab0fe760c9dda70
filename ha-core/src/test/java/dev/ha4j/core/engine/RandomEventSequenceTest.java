package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.fail;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random event sequences against the real engine: random policies, random faults, random operator
 * requests, random command outcomes. After every step the {@link SafetyMonitor} checks the eight invariants
 * and the world is checked for two running services. On failure the seed is printed with the command that
 * replays it.
 *
 * <p>{@code -Dha4j.sequences=N} sets how many sequences (default 10,000); {@code -Dha4j.seed=S} replays one.
 */
class RandomEventSequenceTest {
    private static final FailureKind[] KINDS = FailureKind.values();

    @Test
    void invariantsHoldOnRandomSequences() {
        String only = System.getProperty("ha4j.seed");
        int sequences = Integer.getInteger("ha4j.sequences", 10_000);
        long base = Long.getLong("ha4j.baseSeed", 20261126L);
        long events = 0;
        if (only != null && !only.isBlank()) {
            events += run(Long.parseLong(only.trim()));
        } else {
            for (int i = 0; i < sequences; i++) {
                events += run(base + i);
            }
        }
        System.out.println("random sequences: " + (only != null ? 1 : sequences) + ", events checked: " + events);
    }

    /** Runs one sequence; returns how many events were checked. */
    static long run(long seed) {
        Random rnd = new Random(seed);
        List<String> trace = new ArrayList<>();
        TestWorld w = new TestWorld(randomConfig(rnd));
        try {
            w.start();
            int target = 50 + rnd.nextInt(100);
            while (w.events.size() < target) {
                int r = rnd.nextInt(100);
                if (r < 65 || w.queued() == 0 && r < 75) {
                    if (!w.step()) {
                        w.runFor(Duration.ofSeconds(1 + rnd.nextInt(60)));
                        trace.add("idle");
                    }
                } else {
                    trace.add(fault(w, rnd));
                }
                checkWorld(w, seed, trace);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError(message(seed, w, trace, "exception: " + e), e);
        }
        if (!w.violations.isEmpty()) {
            fail(message(seed, w, trace, "violations: " + w.violations));
        }
        return w.events.size();
    }

    private static void checkWorld(TestWorld w, long seed, List<String> trace) {
        int running = 0;
        for (TestWorld.Node n : w.nodes.values()) {
            if (n.running && n.power) {
                running++;
            }
        }
        if (running > 1) {
            fail(message(seed, w, trace, "two services run at once"));
        }
        if (!w.violations.isEmpty()) {
            fail(message(seed, w, trace, "violations: " + w.violations));
        }
    }

    private static String message(long seed, TestWorld w, List<String> trace, String what) {
        StringBuilder b = new StringBuilder();
        b.append(what).append("\nseed ").append(seed).append(" -- replay with: mvn -pl ha-core test"
                + " -Dtest=RandomEventSequenceTest -Dha4j.seed=").append(seed).append("\nfaults: ").append(trace)
                .append("\nlast decisions:\n");
        int from = Math.max(0, w.transitions.size() - 25);
        for (int i = from; i < w.transitions.size(); i++) {
            b.append("  ").append(w.events.get(i).getClass().getSimpleName()).append(" @").append(w.events.get(i).at())
                    .append(" -> [").append(w.transitions.get(i).state().phase()).append("] ")
                    .append(w.transitions.get(i).reason()).append(' ').append(w.transitions.get(i).commands())
                    .append('\n');
        }
        return b.toString();
    }

    static ClusterConfig randomConfig(Random rnd) {
        int levels = rnd.nextInt(3);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            names.add("level" + i);
        }
        int nodes = 1 + rnd.nextInt(3);
        String[] nodeNames = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            nodeNames[i] = "n" + i;
        }
        Policy.Builder p = FailoverEngineTest.fast()
                .failuresBeforeAction(1 + rnd.nextInt(3))
                .restarts(1 + rnd.nextInt(3), Duration.ofMinutes(1 + rnd.nextInt(30)))
                .fencingLevels(names).fencingRequired(levels > 0)
                .maxMaintenance(Duration.ofMinutes(1 + rnd.nextInt(60)))
                .startupGrace(Duration.ofSeconds(Math.max(1, rnd.nextInt(60))));
        if (rnd.nextBoolean()) {
            p.fencingDelay(NodeId.of("n0"), Duration.ofSeconds(rnd.nextInt(20)));
        }
        return ClusterConfig.custom().name("rnd").nodes(nodeNames).policy(p.build()).build();
    }

    private static String fault(TestWorld w, Random rnd) {
        List<NodeId> ids = new ArrayList<>(w.nodes.keySet());
        NodeId id = ids.get(rnd.nextInt(ids.size()));
        TestWorld.Node n = w.nodes.get(id);
        switch (rnd.nextInt(20)) {
            case 0, 1, 2 -> {
                n.running = false;
                return "crash " + id;
            }
            case 3, 4 -> {
                FailureKind k = KINDS[rnd.nextInt(KINDS.length)];
                n.verdict = ProbeResult.failed(k, "random");
                return "verdict " + id + " " + k;
            }
            case 5 -> {
                HealthStatus s = List.of(HealthStatus.HEALTHY, HealthStatus.STARTING, HealthStatus.STOPPING,
                        HealthStatus.MAINTENANCE, HealthStatus.FIRST_RUN).get(rnd.nextInt(5));
                n.verdict = ProbeResult.of(s, "random");
                return "status " + id + " " + s;
            }
            case 6 -> {
                n.unreachable = !n.unreachable;
                return "unreachable " + id + " " + n.unreachable;
            }
            case 7 -> {
                n.stopHangs = !n.stopHangs;
                n.unkillable = rnd.nextBoolean();
                return "stopHangs " + id + " " + n.stopHangs + " unkillable " + n.unkillable;
            }
            case 8 -> {
                n.fenceFails = !n.fenceFails;
                return "fenceFails " + id + " " + n.fenceFails;
            }
            case 9 -> {
                n.startFails = !n.startFails;
                return "startFails " + id + " " + n.startFails;
            }
            case 10 -> {
                n.consistency = Consistency.values()[rnd.nextInt(Consistency.values().length)];
                return "replica " + id + " " + n.consistency;
            }
            case 11 -> {
                w.leaseRefused = rnd.nextInt(4) == 0;
                return "leaseRefused " + w.leaseRefused;
            }
            case 12 -> {
                w.feed(new Event.SwitchoverRequested(w.now, id));
                return "switchover " + id;
            }
            case 13 -> {
                boolean on = rnd.nextBoolean();
                w.feed(new Event.MaintenanceRequested(w.now, on, Duration.ofMinutes(rnd.nextInt(120))));
                return "maintenance " + on;
            }
            case 14 -> {
                w.feed(new Event.ClearRequested(w.now, rnd.nextBoolean() ? Optional.of(id) : Optional.empty()));
                return "clear";
            }
            case 15 -> {
                w.feed(new Event.LeaseLost(w.now, w.state.lease().map(l -> l.holder()).orElse(id),
                        w.state.epoch(), "random"));
                return "leaseLost";
            }
            case 16 -> {
                if (rnd.nextInt(3) == 0) {
                    w.feed(new Event.Started(w.now));
                    return "manager restart";
                }
                n.power = true;
                return "power on " + id;
            }
            case 17 -> {
                FailureKind k = KINDS[rnd.nextInt(KINDS.length)];
                w.feed(new Event.VerdictReported(w.now, id, ProbeResult.failed(k, "external"), "monitor"));
                return "external " + id + " " + k;
            }
            case 18 -> {
                n.verdict = ProbeResult.healthy();
                n.unreachable = false;
                n.stopHangs = false;
                n.unkillable = false;
                return "heal " + id;
            }
            default -> {
                w.runFor(Duration.ofSeconds(rnd.nextInt(600)));
                return "time jump";
            }
        }
    }
}
