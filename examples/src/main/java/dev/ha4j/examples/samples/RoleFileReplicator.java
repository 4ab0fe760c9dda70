package dev.ha4j.examples.samples;

import dev.ha4j.core.Consistency;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.ReplicaRole;
import dev.ha4j.core.ReplicaStatus;
import dev.ha4j.core.spi.Replicator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Sample {@link Replicator} for data that something else copies (rsync from a cron job, a SAN's snapshots): ha4j
 * only decides which side may write. Each node's replica folder holds a {@code role} file ({@code PRIMARY} or
 * {@code SECONDARY}; the service's start script refuses to start unless it reads PRIMARY), the highest epoch it
 * has seen, and an {@code outdated} marker that the copying job removes once the replica has caught up. Every
 * file is replaced atomically; a promote under an older epoch than one seen is refused, and an outdated replica
 * is promoted only by an operator's force.
 *
 * <p>Thread-safe: calls are serialised on this object.
 */
public final class RoleFileReplicator implements Replicator {
    private final String name;
    private final Path root;

    /**
     * Creates a replicator.
     *
     * @param name the data set's name, such as {@code "home"}
     * @param root the folder that holds one replica folder per node ({@code <root>/<node>/})
     */
    public RoleFileReplicator(String name, Path root) {
        this.name = name;
        this.root = root;
    }

    @Override
    public String name() {
        return name;
    }

    private Path replica(NodeId node) throws IOException {
        Path p = root.resolve(node.name());
        if (!Files.isDirectory(p)) {
            throw new IOException("replica folder " + p + " is not there (volume not mounted?)");
        }
        return p;
    }

    @Override
    public synchronized ReplicaStatus status(NodeId node, Duration timeout) {
        try {
            Path p = replica(node);
            Path role = p.resolve("role");
            ReplicaRole r = Files.exists(role) ? ReplicaRole.valueOf(Files.readString(role).trim()) : ReplicaRole.SECONDARY;
            Consistency c = Files.exists(p.resolve("outdated")) ? Consistency.OUTDATED : Consistency.UP_TO_DATE;
            return new ReplicaStatus(r, c, name + " on " + node + ": " + r + "/" + c);
        } catch (IOException | IllegalArgumentException e) {
            return ReplicaStatus.unknown(name + " on " + node + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized OpResult promote(NodeId node, Epoch epoch, boolean force, Duration timeout) {
        try {
            Path p = replica(node);
            Epoch seen = seen(p);
            if (seen.isAfter(epoch)) {
                return OpResult.refused("stale epoch " + epoch + ": " + name + " on " + node + " has seen " + seen);
            }
            if (Files.exists(p.resolve("outdated")) && !force) {
                return OpResult.refused(name + " on " + node + " is outdated: only an operator's force promotes it");
            }
            // the epoch first: a crash between the two writes leaves a secondary that refuses older epochs
            write(p.resolve("epoch"), Long.toString(epoch.value()));
            write(p.resolve("role"), ReplicaRole.PRIMARY.name());
            return OpResult.ok(name + " on " + node + " is PRIMARY under " + epoch + (force ? " (forced)" : ""));
        } catch (IOException e) {
            return OpResult.failed("promote of " + name + " on " + node + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized OpResult demote(NodeId node, Duration timeout) {
        try {
            write(replica(node).resolve("role"), ReplicaRole.SECONDARY.name());
            return OpResult.ok(name + " on " + node + " is SECONDARY");
        } catch (IOException e) {
            return OpResult.failed("demote of " + name + " on " + node + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized OpResult outdatePeer(NodeId peer, Epoch epoch, Duration timeout) {
        try {
            Path p = replica(peer);
            write(p.resolve("outdated"), "outdated under " + epoch + "\n");
            return OpResult.ok(name + " on " + peer + " marked outdated under " + epoch);
        } catch (IOException e) {
            return OpResult.failed("outdate of " + name + " on " + peer + ": " + e.getMessage());
        }
    }

    private static Epoch seen(Path replica) throws IOException {
        Path f = replica.resolve("epoch");
        return Files.exists(f) ? Epoch.of(Long.parseLong(Files.readString(f).trim())) : Epoch.NONE;
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return "RoleFileReplicator{" + name + " in " + root + "}";
    }
}
