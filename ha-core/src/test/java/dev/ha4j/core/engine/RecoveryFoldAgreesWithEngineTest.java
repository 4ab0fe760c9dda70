package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.fail;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.core.journal.JournalEntry;
import dev.ha4j.core.journal.RecoveryState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RecoveryState} folds what the journal recorded without re-running the engine; this checks, after every
 * decision of seeded random sequences (faults, operator requests, manager restarts that recover from the fold),
 * that the fold gives what the engine's own state gives ({@link Event.Recovered#from(ClusterState)}), and that
 * a fold continued from a checkpoint of itself gives the same. The seed is printed on failure;
 * {@code -Dha4j.seed=S} replays one, {@code -Dha4j.sequences=N} sets how many (default 2,000).
 */
class RecoveryFoldAgreesWithEngineTest {
    @Test
    void theFoldOfTheRecordAgreesWithTheEnginesState() {
        String only = System.getProperty("ha4j.seed");
        int sequences = Integer.getInteger("ha4j.sequences", 2_000);
        long base = Long.getLong("ha4j.baseSeed", 20261202L);
        if (only != null && !only.isBlank()) {
            run(Long.parseLong(only.trim()));
        } else {
            for (int i = 0; i < sequences; i++) {
                run(base + i);
            }
        }
    }

    private static void run(long seed) {
        Random rnd = new Random(seed);
        TestWorld w = new TestWorld(RandomEventSequenceTest.randomConfig(rnd));
        RecoveryState fold = RecoveryState.empty();
        RecoveryState.Checkpoint checkpoint = null;
        List<String> trace = new ArrayList<>();
        w.start();
        int checked = 0;
        int target = 60 + rnd.nextInt(120);
        while (w.events.size() < target) {
            for (; checked < w.events.size(); checked++) {
                Event e = w.events.get(checked);
                Transition t = w.transitions.get(checked);
                JournalEntry entry = new JournalEntry(checked + 1, e.at(), e, t.state().phase(), t.commands(),
                        t.reason());
                fold.apply(entry);
                compare(seed, trace, entry, t.state(), fold, w);
                if (rnd.nextInt(10) == 0) {
                    checkpoint = fold.toCheckpoint();
                    fold = RecoveryState.from(checkpoint);
                }
            }
            int r = rnd.nextInt(100);
            if (r < 65 || w.queued() == 0 && r < 75) {
                if (!w.step()) {
                    w.runFor(Duration.ofSeconds(1 + rnd.nextInt(60)));
                }
                continue;
            }
            List<NodeId> ids = new ArrayList<>(w.nodes.keySet());
            NodeId id = ids.get(rnd.nextInt(ids.size()));
            TestWorld.Node n = w.nodes.get(id);
            switch (rnd.nextInt(12)) {
                case 0, 1 -> {
                    n.running = false;
                    trace.add("crash " + id);
                }
                case 2 -> {
                    FailureKind k = FailureKind.values()[rnd.nextInt(FailureKind.values().length)];
                    n.verdict = ProbeResult.failed(k, "random");
                    trace.add("verdict " + id + " " + k);
                }
                case 3 -> {
                    n.power = !n.power;
                    trace.add("power " + id + " " + n.power);
                }
                case 4 -> {
                    n.startFails = !n.startFails;
                    trace.add("startFails " + id);
                }
                case 5 -> {
                    n.fenceFails = !n.fenceFails;
                    trace.add("fenceFails " + id);
                }
                case 6 -> {
                    w.feed(new Event.SwitchoverRequested(w.now, id));
                    trace.add("switchover " + id);
                }
                case 7 -> {
                    boolean on = rnd.nextBoolean();
                    w.feed(new Event.MaintenanceRequested(w.now, on, Duration.ofMinutes(rnd.nextInt(120))));
                    trace.add("maintenance " + on);
                }
                case 8 -> {
                    w.feed(new Event.ClearRequested(w.now, rnd.nextBoolean() ? Optional.of(id)
                            : Optional.of(NodeId.of("ghost"))));
                    trace.add("clear");
                }
                case 9 -> {
                    w.feed(new Event.LeaseLost(w.now, w.state.lease().map(l -> l.holder()).orElse(id),
                            w.state.epoch(), "random"));
                    trace.add("leaseLost");
                }
                case 10 -> {
                    // A manager restart: a fresh engine given what the fold recovered, as the runtime does.
                    w.state = w.engine.initialState();
                    w.feed(new Event.Started(w.now, Optional.of(fold.toRecovered())));
                    trace.add("manager restart");
                }
                default -> {
                    w.leaseRefused = rnd.nextInt(4) == 0;
                    trace.add("leaseRefused " + w.leaseRefused);
                }
            }
        }
    }

    private static void compare(long seed, List<String> trace, JournalEntry entry, ClusterState state,
            RecoveryState fold, TestWorld w) {
        Event.Recovered engine = Event.Recovered.from(state);
        Event.Recovered folded = fold.toRecovered();
        Instant horizon = entry.at().minus(w.config.policy().restartWindow());
        boolean same = engine.maintenanceUntil().equals(folded.maintenanceUntil())
                && engine.blockedReason().equals(folded.blockedReason())
                && recent(engine.restarts(), horizon).equals(recent(folded.restarts(), horizon))
                && !engine.highestEpoch().isAfter(folded.highestEpoch());
        if (!same) {
            fail("seed " + seed + " (replay with -Dtest=RecoveryFoldAgreesWithEngineTest -Dha4j.seed=" + seed
                    + ")\nentry " + entry.seq() + ": " + entry.event() + " -> [" + entry.phase() + "] "
                    + entry.reason() + " " + entry.commands() + "\nengine " + engine + "\nfolded " + folded
                    + "\nfaults " + trace);
        }
    }

    private static List<Instant> recent(List<Instant> restarts, Instant horizon) {
        return restarts.stream().filter(t -> t.isAfter(horizon)).toList();
    }
}
