package dev.ha4j.core.builtin;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ha4j.core.Epoch;
import dev.ha4j.core.Lease;
import dev.ha4j.core.LeaseResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.spi.Coordinator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Coordinator} for a single manager whose epochs and lease survive the manager's restarts: an
 * {@link InMemoryCoordinator} whose highest epoch and current lease are written to a file before a grant or a
 * release is answered. A restarted manager over the same file never gets an epoch it was granted before, with
 * or without a journal, and observes the lease its predecessor held.
 *
 * <p>The file is replaced atomically: written to a temporary file in the same directory, fsynced, renamed over
 * the old one, and the directory fsynced; a crash leaves the old state or the new one. A file that cannot be
 * parsed or whose CRC-32 does not match is refused with an error naming it, since guessing the highest epoch
 * could reuse one. A grant whose state cannot be written is answered as not granted (the epoch is burned,
 * never handed out).
 *
 * <p>Like {@link InMemoryCoordinator} it is the only authority: it cannot protect against a second manager on
 * another machine (use a coordination service for that), nor against two managers sharing the file.
 *
 * <pre>{@code
 * Coordinator c = FileCoordinator.open(Path.of("/var/lib/ha4j/coordinator.json"));
 * }</pre>
 *
 * <p>Thread-safe: grants, releases and writes are serialised.
 */
public final class FileCoordinator implements Coordinator, EpochFloor {
    private static final Logger LOG = LoggerFactory.getLogger(FileCoordinator.class);
    private static final int FORMAT = 1;

    private final Path file;
    private final InMemoryCoordinator delegate;
    private final Object lock = new Object();

    private FileCoordinator(Path file, InMemoryCoordinator delegate) {
        this.file = file;
        this.delegate = delegate;
    }

    /**
     * Opens (or creates) the coordinator's state file, without lease expiry.
     *
     * @param file the state file; its directory is created if needed
     * @return the coordinator, continuing after the highest epoch the file records
     * @throws IllegalStateException naming the file if it is corrupt
     * @throws UncheckedIOException if it cannot be read or written
     */
    public static FileCoordinator open(Path file) {
        return open(file, Clock.systemUTC(), null);
    }

    /**
     * Opens (or creates) the coordinator's state file.
     *
     * @param file the state file; its directory is created if needed
     * @param clock the clock lease expiry is measured on
     * @param leaseTtl how long a lease lives without renewal, null for forever (see {@link InMemoryCoordinator})
     * @return the coordinator, continuing after the highest epoch the file records
     * @throws IllegalStateException naming the file if it is corrupt
     * @throws IllegalArgumentException if the TTL is zero or negative
     * @throws UncheckedIOException if it cannot be read or written
     */
    public static FileCoordinator open(Path file, Clock clock, Duration leaseTtl) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        Path abs = file.toAbsolutePath();
        State s = read(abs);
        InMemoryCoordinator d = InMemoryCoordinator.builder().clock(clock).leaseTtl(leaseTtl)
                .lastEpoch(Epoch.of(s.lastEpoch())).build();
        s.lease().ifPresent(d::restore);
        FileCoordinator c = new FileCoordinator(abs, d);
        c.write();
        LOG.info("coordinator state {}: continuing after e{}{}", abs, s.lastEpoch(),
                s.lease().map(l -> ", lease " + l).orElse(""));
        return c;
    }

    /** @return the state file */
    public Path file() {
        return file;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Granted once the new epoch is on the disk; FAILED (and nothing granted) when it cannot be written.
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public LeaseResult acquire(NodeId node, Duration timeout) {
        synchronized (lock) {
            LeaseResult r = delegate.acquire(node, timeout);
            try {
                write();
            } catch (UncheckedIOException e) {
                LOG.error("cannot persist the coordinator state {}: {}", file, e.getMessage());
                r.lease().ifPresent(l -> delegate.release(l, timeout));
                return LeaseResult.notGranted(Outcome.FAILED, Optional.empty(), "the coordinator cannot persist "
                        + "its state to '" + file + "': " + why(e.getCause()));
            }
            return r;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public OpResult release(Lease lease, Duration timeout) {
        synchronized (lock) {
            OpResult r = delegate.release(lease, timeout);
            try {
                write();
            } catch (UncheckedIOException e) {
                return OpResult.failed("released in memory, but cannot persist it to '" + file + "': "
                        + why(e.getCause()));
            }
            return r;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public Optional<Lease> current(Duration timeout) {
        return delegate.current(timeout);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code listener} is null
     */
    @Override
    public void addListener(LeaseListener listener) {
        delegate.addListener(listener);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UncheckedIOException if the raised floor cannot be written
     */
    @Override
    public Epoch continueAfter(Epoch epoch) {
        synchronized (lock) {
            Epoch e = delegate.continueAfter(epoch);
            write();
            return e;
        }
    }

    /**
     * Takes the current lease away now, as {@link InMemoryCoordinator#revoke(String)} does.
     *
     * @param reason why
     * @return the lease revoked, if one was held
     * @throws NullPointerException if {@code reason} is null
     */
    public Optional<Lease> revoke(String reason) {
        synchronized (lock) {
            Optional<Lease> l = delegate.revoke(reason);
            write();
            return l;
        }
    }

    /** @return the highest epoch granted so far */
    public Epoch lastEpoch() {
        return delegate.lastEpoch();
    }

    private void write() {
        State s = new State(FORMAT, delegate.lastEpoch().value(), delegate.current(Duration.ZERO), 0);
        try {
            String body = Json.mapper().writeValueAsString(s);
            State signed = new State(FORMAT, s.lastEpoch(), s.lease(), crc(body));
            Path parent = file.getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(file.getFileName() + ".tmp");
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(Json.mapper().writeValueAsBytes(signed));
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                c.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                LOG.debug("cannot fsync directory {}: {}", parent, e.getMessage());
            }
        } catch (IOException e) {
            // An interrupt (the caller's deadline) closes the channel: ClosedByInterruptException has no message.
            throw new UncheckedIOException("cannot write coordinator state '" + file + "': " + why(e), e);
        }
    }

    private static State read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new State(FORMAT, 0, Optional.empty(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read coordinator state '" + file + "': " + e.getMessage(), e);
        }
        State s;
        try {
            s = Json.mapper().readValue(bytes, State.class);
            State unsigned = new State(FORMAT, s.lastEpoch(), s.lease(), 0);
            long crc = crc(Json.mapper().writeValueAsString(unsigned));
            if (crc != s.crc()) {
                throw new IllegalArgumentException("its CRC-32 " + Long.toHexString(s.crc())
                        + " does not match its content (" + Long.toHexString(crc) + ")");
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("coordinator state '" + file + "' is corrupt (" + e.getMessage()
                    + "): refusing to guess the highest epoch granted; restore the file from a backup, or delete it"
                    + " only if every epoch-checking peer is reset too", e);
        }
        return s;
    }

    private static String why(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static long crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    @Override
    public String toString() {
        return "FileCoordinator[" + file + ", " + delegate + "]";
    }

    /** The file's content. */
    record State(int format, long lastEpoch, Optional<Lease> lease, long crc) {
        @JsonCreator
        State(@JsonProperty("format") int format, @JsonProperty("lastEpoch") long lastEpoch,
                @JsonProperty("lease") Optional<Lease> lease, @JsonProperty("crc") long crc) {
            if (format != FORMAT) {
                throw new IllegalArgumentException("format " + format + " is unknown: expected " + FORMAT);
            }
            if (lastEpoch < 0) {
                throw new IllegalArgumentException("lastEpoch " + lastEpoch + " is negative");
            }
            this.format = format;
            this.lastEpoch = lastEpoch;
            this.lease = lease == null ? Optional.empty() : lease;
            this.crc = crc;
            if (this.lease.isPresent() && this.lease.get().epoch().value() > lastEpoch) {
                throw new IllegalArgumentException("the lease " + this.lease.get() + " is newer than lastEpoch "
                        + lastEpoch);
            }
        }
    }
}
