package dev.ha4j.testkit.builtin;

import dev.ha4j.core.builtin.ReplicaSet;
import dev.ha4j.core.spi.Replicator;
import dev.ha4j.testkit.compat.ReplicatorContract;

/** The replicator kit against a two-member {@link ReplicaSet} (home directory + database). */
class ReplicaSetCompatibilityTest extends ReplicatorContract {
    @Override
    protected Replicator newReplicator() {
        return ReplicaSet.builder().name("data").replicator(new MemoryReplica("home", true))
                .replicator(new MemoryReplica("db", true)).build();
    }

    @Override
    protected Replicator newUnreachableReplicator() {
        return ReplicaSet.builder().name("data").replicator(new MemoryReplica("home", true))
                .replicator(new MemoryReplica("db", false)).build();
    }
}
