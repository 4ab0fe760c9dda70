package dev.ha4j.testkit.engine;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.config.ClusterConfig;
import dev.ha4j.core.config.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random valid configurations for checking the engine over many policies at once. */
public final class RandomConfigs {
    private RandomConfigs() {
    }

    /** @return a policy with short timings, so a run of a few minutes sees whole failovers */
    public static Policy.Builder fast() {
        return Policy.custom().probeInterval(Duration.ofSeconds(5)).probeTimeout(Duration.ofSeconds(2))
                .firstProbeTimeout(Duration.ofSeconds(3)).startupGrace(Duration.ofSeconds(20))
                .startTimeout(Duration.ofSeconds(10))
                .stopTimeout(Duration.ofSeconds(10)).killTimeout(Duration.ofSeconds(2))
                .confirmTimeout(Duration.ofSeconds(2)).fenceTimeout(Duration.ofSeconds(5))
                .leaseTimeout(Duration.ofSeconds(2)).replicaTimeout(Duration.ofSeconds(2))
                .routeTimeout(Duration.ofSeconds(2)).restarts(2, Duration.ofMinutes(10)).failuresBeforeAction(2)
                .maxMaintenance(Duration.ofMinutes(30)).failoverBudget(Duration.ofMinutes(5));
    }

    /**
     * @param rnd the generator
     * @return a random valid configuration of 1 to 3 nodes
     */
    public static ClusterConfig random(Random rnd) {
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
        Policy.Builder p = fast()
                .probeInterval(Duration.ofSeconds(3 + rnd.nextInt(8)))
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
}
