package com.example.stash;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.builtin.AsyncNotifier;
import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.builtin.FileCoordinator;
import dev.ha4j.core.builtin.LoggingNotifier;
import dev.ha4j.core.builtin.ProcessServiceControl;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import dev.ha4j.core.engine.ClusterState;
import dev.ha4j.core.engine.Event;
import dev.ha4j.core.engine.FailoverEngine;
import dev.ha4j.core.engine.Transition;
import dev.ha4j.core.journal.JournalReplay;
import dev.ha4j.core.journal.JsonLinesJournal;
import dev.ha4j.core.journal.RotatingJournal;
import dev.ha4j.core.runtime.HaRuntime;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.probe.http.HttpHealthProbe;
import dev.ha4j.probe.http.HttpProbeConfig;
import dev.ha4j.probe.http.StatusTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The README's tour, pasted into a user's project: each method body is one step, verbatim. */
public final class StashHa {
    /** The pager the tour sends notifications to. */
    public interface Pager {
        void send(String message);
    }

    private StashHa() {
    }

    public static ClusterConfig describe() {
        ClusterConfig config = ClusterConfig.custom()
                .name("stash").nodes("stash-a", "stash-b")          // in order of preference
                .policy(Policy.custom()
                        .restarts(2, Duration.ofHours(1))            // N restarts within W, then failover
                        .failuresBeforeAction(2)                     // one bad probe is not a failure
                        .probeInterval(Duration.ofSeconds(15)).probeTimeout(Duration.ofSeconds(10))
                        .firstProbeTimeout(Duration.ofSeconds(30))   // the first check after a start may be slow
                        .startupGrace(Duration.ofMinutes(5))         // STARTING is no failure until then
                        .stopTimeout(Duration.ofSeconds(60))         // graceful stop, then kill
                        .maxMaintenance(Duration.ofHours(4))
                        .fencingLevels(List.of("ipmi"))              // tried in order until one verifies off
                        .fencingDelay(NodeId.of("stash-a"), Duration.ofSeconds(10))
                        .react(FailureKind.ERROR, Reaction.RESTART)  // the failure table is data
                        .build())
                .build();
        return config;
    }

    public static HaRuntime embed(ClusterConfig config, Fencer ipmiFencer, Replicator drbdReplicator,
            RequestRouter vipRouter, Pager pager) throws IOException {
        HaRuntime ha = HaRuntime.builder()
                .config(config)
                .probe(HttpHealthProbe.builder()
                        .config(HttpProbeConfig.custom().statusTable(StatusTable.BITBUCKET).build())
                        .node("stash-a", "http://10.0.0.11:7990").node("stash-b", "http://10.0.0.12:7990").build())
                .serviceControl(ProcessServiceControl.builder()
                        .node(NodeId.of("stash-a"), CommandSpec.of("/usr/local/bin/stash-ctl", "--node", "stash-a"))
                        .node(NodeId.of("stash-b"), CommandSpec.of("/usr/local/bin/stash-ctl", "--node", "stash-b"))
                        .build())
                .fencer("ipmi", ipmiFencer)
                .replicator(drbdReplicator)                          // every replicator promoted, or none
                .router(vipRouter)
                .coordinator(FileCoordinator.open(Path.of("/var/lib/ha4j/coordinator.json")))  // one manager; epochs
                                                                     // and the lease survive its restarts
                .notifier(LoggingNotifier.builder().build())
                .notifier(AsyncNotifier.builder().name("pager").notifier(n -> pager.send(n.toString())).build())
                .journal(RotatingJournal.open(Path.of("/var/lib/ha4j/journal")))  // rotated, checkpointed, fsynced
                .build();
        ha.start();

        ha.switchover(NodeId.of("stash-b"));                         // planned move, refused unless RUNNING
        ha.maintenance(true, Duration.ofHours(1));                   // nothing started, stopped or moved
        ha.clearFailures(Optional.empty());                          // leaves BLOCKED after an operator fixed things
        System.out.println(ha.status().toJson());
        return ha;
    }

    public static void readWhy(ClusterConfig config, Path path) throws IOException {
        JournalReplay.verify(new FailoverEngine(config), JsonLinesJournal.read(path));
    }

    public static Transition testYourPolicy(ClusterConfig config) {
        FailoverEngine engine = new FailoverEngine(config);
        ClusterState s = engine.initialState();
        Transition t = engine.apply(s, new Event.Started(Instant.parse("2026-01-01T00:00:00Z")));
        // t.commands() == [Observe(...)], t.reason() == "manager started: assuming nothing, observing the cluster"
        return t;
    }
}
