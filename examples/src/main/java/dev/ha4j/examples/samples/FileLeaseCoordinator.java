package dev.ha4j.examples.samples;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.spi.Coordinator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sample {@link Coordinator}: the lease and the highest epoch ever granted live in one small file, read and
 * written under an exclusive file lock, and forced to disk before a grant is reported. Epochs therefore keep
 * increasing across manager restarts and between managers on the same host. A lease never expires here, so
 * listeners are never told of a loss; a coordinator for managers on several hosts needs a coordination service
 * (ZooKeeper) instead.
 *
 * <p>Thread-safe: calls in one JVM are serialised on this object (file locks are per process).
 */
public final class FileLeaseCoordinator implements Coordinator {
    private final Path file;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates a coordinator over a lease file; the file is created on the first grant.
     *
     * @param file the lease file; its folder must exist
     */
    public FileLeaseCoordinator(Path file) {
        this.file = file;
    }

    /** What the file holds: the highest epoch granted, and the current holder if any. */
    private record State(Epoch highest, Optional<NodeId> holder) {
        Optional<Lease> lease() {
            return holder.map(h -> new Lease(h, highest));
        }

        static State parse(String text) {
            String[] f = text.trim().split(" ", 2);
            if (f.length == 0 || f[0].isEmpty()) {
                return new State(Epoch.NONE, Optional.empty());
            }
            Epoch e = Epoch.of(Long.parseLong(f[0]));
            return new State(e, f.length > 1 && !f[1].isBlank() ? Optional.of(NodeId.of(f[1].trim())) : Optional.empty());
        }

        String format() {
            return highest.value() + " " + holder.map(NodeId::name).orElse("") + "\n";
        }
    }

    @FunctionalInterface
    private interface Change<T> {
        T apply(State before, State[] after);
    }

    // A local file answers within microseconds or the machine is in trouble; the deadline is not a budget here.
    private synchronized <T> T locked(Change<T> change) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read the whole (tiny) file
            }
            State before = State.parse(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
            State[] after = {before};
            T result = change.apply(before, after);
            if (after[0] != before) {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(after[0].format().getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true); // a grant is reported only once its epoch is on disk
            }
            return result;
        }
    }

    @Override
    public LeaseResult acquire(NodeId node, Duration timeout) {
        try {
            return locked((before, after) -> {
                if (before.holder().isPresent() && !before.holder().get().equals(node)) {
                    return LeaseResult.notGranted(Outcome.REFUSED, before.lease(),
                            "held by " + before.lease().orElseThrow());
                }
                after[0] = new State(before.highest().next(), Optional.of(node));
                return LeaseResult.granted(after[0].lease().orElseThrow());
            });
        } catch (ClosedByInterruptException e) {
            return LeaseResult.notGranted(Outcome.TIMED_OUT, Optional.empty(), "interrupted");
        } catch (IOException | RuntimeException e) {
            return LeaseResult.notGranted(Outcome.FAILED, Optional.empty(), "lease file " + file + ": " + e);
        }
    }

    @Override
    public OpResult release(Lease lease, Duration timeout) {
        try {
            return locked((before, after) -> {
                if (before.lease().equals(Optional.of(lease))) {
                    after[0] = new State(before.highest(), Optional.empty());
                    return OpResult.ok("released " + lease);
                }
                return OpResult.ok("not the current lease: nothing to release");
            });
        } catch (ClosedByInterruptException e) {
            return OpResult.timedOut("interrupted");
        } catch (IOException | RuntimeException e) {
            return OpResult.failed("lease file " + file + ": " + e);
        }
    }

    @Override
    public Optional<Lease> current(Duration timeout) {
        try {
            return locked((before, after) -> before.lease());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // "cannot be told" is empty, by the SPI's contract
        }
    }

    @Override
    public void addListener(LeaseListener listener) {
        listeners.add(listener); // kept for the contract; a file lease is never lost behind its holder's back
    }

    @Override
    public String toString() {
        return "FileLeaseCoordinator{" + file + "}";
    }
}
