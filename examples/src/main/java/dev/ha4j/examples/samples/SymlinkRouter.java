package dev.ha4j.examples.samples;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.spi.RequestRouter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Sample {@link RequestRouter}: a reverse proxy includes {@code <dir>/current}, a symbolic link to
 * {@code <dir>/nodes/<node>} (that node's upstream block). Routing replaces the link atomically (a new link,
 * then a rename over the old one), so the proxy never sees a missing or half-written target; the epoch of the
 * last route is kept beside it, and a route under an older epoch is refused. Reloading the proxy is left out.
 *
 * <p>Thread-safe: calls are serialised on this object.
 */
public final class SymlinkRouter implements RequestRouter {
    private final Path dir;

    /**
     * Creates a router over a folder that holds {@code nodes/<node>} for every node.
     *
     * @param dir the folder; {@code current} and {@code epoch} are written into it
     */
    public SymlinkRouter(Path dir) {
        this.dir = dir;
    }

    private Path link() {
        return dir.resolve("current");
    }

    @Override
    public synchronized OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        try {
            Epoch seen = seenEpoch();
            if (seen.isAfter(epoch)) {
                return OpResult.refused("stale epoch " + epoch + ": already routed under " + seen);
            }
            Path target = dir.resolve("nodes").resolve(node.name());
            if (!Files.isDirectory(target)) {
                return OpResult.failed("no upstream for " + node + " at " + target);
            }
            Path tmp = dir.resolve(".current-" + node.name());
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, dir.relativize(target));
            Files.move(tmp, link(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            writeAtomically(dir.resolve("epoch"), Long.toString(epoch.value()));
            return OpResult.ok("current -> " + node);
        } catch (IOException | RuntimeException e) {
            return OpResult.failed("routing to " + node + " in " + dir + ": " + e);
        }
    }

    @Override
    public synchronized OpResult unroute(NodeId node, Duration timeout) {
        try {
            if (target().equals(Optional.of(node))) {
                Files.deleteIfExists(link());
                return OpResult.ok("removed current -> " + node);
            }
            return OpResult.ok(node + " is not the target");
        } catch (IOException | RuntimeException e) {
            return OpResult.failed("unrouting " + node + " in " + dir + ": " + e);
        }
    }

    @Override
    public synchronized Optional<NodeId> currentTarget(Duration timeout) {
        try {
            return target();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<NodeId> target() throws IOException {
        try {
            return Optional.of(NodeId.of(Files.readSymbolicLink(link()).getFileName().toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Epoch seenEpoch() throws IOException {
        Path f = dir.resolve("epoch");
        return Files.exists(f) ? Epoch.of(Long.parseLong(Files.readString(f).trim())) : Epoch.NONE;
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return "SymlinkRouter{" + dir + "}";
    }
}
