package dev.ha4j.replication.postgres;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second replicator for the all-or-none tests: each node's replica is a directory whose {@code role} file says
 * PRIMARY or SECONDARY. It refuses to promote a node whose directory holds a {@code refuse} file.
 */
final class DirectoryReplicator implements Replicator {
    private final Path root;

    DirectoryReplicator(Path root) {
        this.root = root;
    }

    Path dir(NodeId node) {
        return root.resolve(node.name());
    }

    void refuseOn(NodeId node) throws IOException {
        Files.createDirectories(dir(node));
        Files.writeString(dir(node).resolve("refuse"), "not up to date");
    }

    ReplicaRole role(NodeId node) {
        try {
            Path f = dir(node).resolve("role");
            return Files.exists(f) ? ReplicaRole.valueOf(Files.readString(f).strip()) : ReplicaRole.SECONDARY;
        } catch (IOException e) {
            return ReplicaRole.UNKNOWN;
        }
    }

    private OpResult set(NodeId node, ReplicaRole role) {
        try {
            Files.createDirectories(dir(node));
            Files.writeString(dir(node).resolve("role"), role.name());
            return OpResult.ok(role.name());
        } catch (IOException e) {
            return OpResult.failed(e.toString());
        }
    }

    @Override
    public String name() {
        return "home-dir";
    }

    @Override
    public ReplicaStatus status(NodeId node, Duration timeout) {
        boolean refuse = Files.exists(dir(node).resolve("refuse"));
        return new ReplicaStatus(role(node), refuse ? Consistency.OUTDATED : Consistency.UP_TO_DATE,
                refuse ? "marked not up to date" : "");
    }

    @Override
    public OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        if (Files.exists(dir(node).resolve("refuse")) && !force) {
            return OpResult.refused("home directory on " + node + " is not up to date");
        }
        return set(node, ReplicaRole.PRIMARY);
    }

    @Override
    public OpResult demote(NodeId node, Duration timeout) {
        return set(node, ReplicaRole.SECONDARY);
    }

    @Override
    public OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        return OpResult.ok();
    }
}
