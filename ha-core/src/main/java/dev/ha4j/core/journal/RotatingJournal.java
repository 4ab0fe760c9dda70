package dev.ha4j.core.journal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal for months of decisions: JSON-lines segment files in one directory, rotated by size with a bounded
 * number of files, and checkpoints of the {@link RecoveryState} so that a restarted manager reads the newest
 * checkpoint and the entries after it, whatever the manager's age.
 *
 * <p>Files: {@code journal-<first seq>.jsonl} (one {@link JournalEntry} per line, the format of
 * {@link JsonLinesJournal}, so {@link JsonLinesJournal#read(Path)} reads any segment) and
 * {@code checkpoint-<seq>.json} (the state after entry {@code seq}, with a CRC-32). A checkpoint is written every
 * {@link Builder#checkpointEvery(int)} entries, at every rotation and at {@link #close()}; each is written to a
 * temporary file, fsynced, renamed into place and the directory fsynced, so a crash leaves the old checkpoint or
 * the new one, never half of one. A corrupt checkpoint is skipped for the one before it, and {@link #recover()}
 * says so. {@code journal.lock} is held while a journal is open, so a second manager over the same directory is
 * refused. The oldest segments are deleted once there are more than {@link Builder#maxFiles(int)} of them, but
 * never one that recovery from the oldest kept checkpoint still needs.
 *
 * <p>Durability: by default ({@link Durability#DURABLE_DECISIONS}) an entry is fsynced when it changes what
 * recovery gives (a block, maintenance, a restart that counts, a new epoch, a manager start) before
 * {@link #append} returns, and every entry is written to the operating system at once; a crash of the manager
 * loses nothing, a power loss may lose the healthy probes since the last durable decision, which recovery does not
 * need. {@link Durability#EVERY_ENTRY} fsyncs every entry. A torn last line (power lost mid-write) is cut off when
 * the journal is opened again.
 *
 * <pre>{@code
 * RotatingJournal journal = RotatingJournal.builder().directory(Path.of("/var/lib/ha4j/journal")).build();
 * }</pre>
 *
 * <p>Thread-safe: appends, checkpoints and reads are serialised.
 */
public final class RotatingJournal implements CheckpointedJournal {
    private static final Logger LOG = LoggerFactory.getLogger(RotatingJournal.class);
    private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{20})\\.jsonl");
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d{20})\\.json");

    /** When an appended entry is forced to the disk. */
    public enum Durability {
        /** Every entry. */
        EVERY_ENTRY,
        /** Entries that change what recovery gives (see {@link RecoveryState#apply(JournalEntry)}). */
        DURABLE_DECISIONS
    }

    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private final int checkpointEvery;
    private final int checkpointsKept;
    private final Durability durability;
    // guarded by this
    private final RecoveryState state;
    private final Recovery opened;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel out;
    private Path segment;
    private long segmentBytes;
    private int sinceCheckpoint;
    private long appendedSinceOpen;
    private long fsyncs;
    private long bytesAppended;
    private boolean closed;

    private RotatingJournal(Builder b) {
        this.dir = b.directory;
        this.maxFileBytes = b.maxFileBytes;
        this.maxFiles = b.maxFiles;
        this.checkpointEvery = b.checkpointEvery;
        this.checkpointsKept = b.checkpointsKept;
        this.durability = b.durability;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal directory '" + dir + "': " + e.getMessage(), e);
        }
        // Two managers appending to one journal would interleave their runs: the second is refused.
        Path lockFile = dir.resolve("journal.lock");
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new IllegalStateException("journal directory '" + dir + "' is in use by another journal"
                        + " (its lock '" + lockFile + "' is held): one manager per journal");
            }
            lock = l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock journal directory '" + dir + "': " + e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>();
        List<Path> segments = segments(dir);
        if (!segments.isEmpty()) {
            cutTornTail(segments.get(segments.size() - 1), notes);
        }
        Recovery r;
        if (segments.isEmpty() && checkpointFiles(dir).isEmpty() && b.legacy != null && Files.exists(b.legacy)) {
            // Switching from a single-file journal: its memory carries over as the first checkpoint.
            RecoveryState legacy = RecoveryState.empty();
            long[] n = {0};
            JsonLinesJournal.forEach(b.legacy, e -> {
                legacy.apply(e);
                n[0]++;
            });
            String note = "continued from the single-file journal '" + b.legacy + "' (" + n[0] + " entries, left"
                    + " as it was)";
            LOG.info("journal {}: {}", dir, note);
            notes.add(note);
            r = new Recovery(legacy, Optional.empty(), n[0], notes);
        } else {
            r = recover(dir, notes);
        }
        this.state = r.state();
        this.opened = new Recovery(r.state().copy(), r.checkpointSeq(), r.entriesRead(), r.notes());
        openSegment(segments.isEmpty() ? segmentPath(state.seq() + 1) : segments.get(segments.size() - 1));
        if (segments.isEmpty() && state.entries() > 0) {
            try {
                writeCheckpoint(r.notes().get(r.notes().size() - 1));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the first checkpoint in '" + dir + "': "
                        + e.getMessage(), e);
            }
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the journal in {@code directory} with the default settings.
     *
     * @param directory the journal's directory, created if needed
     * @return the journal
     * @throws UncheckedIOException if the directory cannot be read or written
     * @throws IllegalArgumentException if an entry other than a torn last one is malformed
     * @throws IllegalStateException if another journal has the directory open
     */
    public static RotatingJournal open(Path directory) {
        return builder().directory(directory).build();
    }

    /** @return the journal's directory */
    public Path directory() {
        return dir;
    }

    /** @return how many times an append or a checkpoint forced data to the disk since the journal was opened */
    public synchronized long fsyncs() {
        return fsyncs;
    }

    /** @return how many bytes of entries were appended since the journal was opened */
    public synchronized long bytesAppended() {
        return bytesAppended;
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (closed) {
            LOG.error("journal {} is closed: entry {} not recorded", dir, entry.seq());
            return;
        }
        boolean durable;
        try {
            durable = state.apply(entry) || entry.event() instanceof dev.ha4j.core.engine.Event.Started;
        } catch (RuntimeException e) {
            // A fold that cannot read an entry must not stop the decision being recorded, nor a failover.
            LOG.error("journal {}: cannot fold entry {} into the recovery state: {}", dir, entry.seq(), e.toString());
            durable = true;
        }
        appendedSinceOpen++;
        try {
            byte[] line = (Json.mapper().writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            segmentBytes += line.length;
            bytesAppended += line.length;
            if (durable || durability == Durability.EVERY_ENTRY) {
                force();
            }
            sinceCheckpoint++;
            if (segmentBytes >= maxFileBytes) {
                rotate();
            } else if (sinceCheckpoint >= checkpointEvery) {
                writeCheckpoint("");
            }
        } catch (IOException e) {
            LOG.error("cannot append to journal {}: {}", segment, e.getMessage());
        }
    }

    /** Recovery needs the entries it counts on to be on the disk before a checkpoint says they exist. */
    private void force() throws IOException {
        out.force(false);
        fsyncs++;
    }

    private void rotate() throws IOException {
        writeCheckpoint("");
        out.close();
        Path next = segmentPath(state.seq() + 1);
        LOG.info("journal {}: rotating to {}", dir, next.getFileName());
        openSegment(next);
        prune();
    }

    @Override
    public synchronized void checkpoint(String note) {
        Objects.requireNonNull(note, "note");
        if (closed) {
            return;
        }
        try {
            writeCheckpoint(note);
        } catch (IOException e) {
            LOG.error("cannot write a checkpoint in {}: {}", dir, e.getMessage());
        }
    }

    private void writeCheckpoint(String note) throws IOException {
        force();
        RecoveryState.Checkpoint cp = state.toCheckpoint();
        String body = Json.mapper().writeValueAsString(cp);
        CheckpointFile file = new CheckpointFile(crc(body), note.isEmpty() ? Optional.empty() : Optional.of(note), cp,
                Optional.of(segment.getFileName().toString()), segmentBytes);
        Path target = dir.resolve(String.format("checkpoint-%020d.json", cp.seq()));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(Json.mapper().writeValueAsBytes(file));
            while (buf.hasRemaining()) {
                c.write(buf);
            }
            c.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
        sinceCheckpoint = 0;
        LOG.debug("journal {}: checkpoint at {}", dir, cp.seq());
        List<Path> cps = checkpointFiles(dir);
        for (int i = 0; i < cps.size() - checkpointsKept; i++) {
            Files.deleteIfExists(cps.get(i));
        }
    }

    /** A rename is durable only once the directory that holds it is. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
            fsyncs++;
        } catch (IOException e) {
            // Some file systems cannot open a directory for reading; the rename is then as durable as they allow.
            LOG.debug("cannot fsync directory {}: {}", dir, e.getMessage());
        }
    }

    private void prune() throws IOException {
        List<Path> segments = segments(dir);
        List<Path> cps = checkpointFiles(dir);
        long oldestCheckpoint = cps.isEmpty() ? 0 : seqOf(cps.get(0), CHECKPOINT);
        for (int i = 0; segments.size() - i > maxFiles; i++) {
            // Segment i holds the entries before segment i+1's first: deletable once a kept checkpoint covers them.
            long nextFirst = seqOf(segments.get(i + 1), SEGMENT);
            if (nextFirst - 1 > oldestCheckpoint) {
                break;
            }
            LOG.info("journal {}: deleting the oldest segment {}", dir, segments.get(i).getFileName());
            Files.deleteIfExists(segments.get(i));
        }
    }

    private void openSegment(Path file) {
        try {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            segment = file;
            segmentBytes = out.size();
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal segment '" + file + "': " + e.getMessage(), e);
        }
    }

    private Path segmentPath(long firstSeq) {
        return dir.resolve(String.format("journal-%020d.jsonl", firstSeq));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The recovery read when the journal was opened, brought up to date with the entries appended since.
     */
    @Override
    public synchronized Recovery recover() {
        if (appendedSinceOpen == 0) {
            return new Recovery(opened.state().copy(), opened.checkpointSeq(), opened.entriesRead(), opened.notes());
        }
        return new Recovery(state.copy(), opened.checkpointSeq(), opened.entriesRead() + appendedSinceOpen,
                opened.notes());
    }

    /**
     * Recovers from a journal directory without opening it for writing: the newest usable checkpoint and the
     * entries after it.
     *
     * @param directory the journal's directory
     * @return the recovery
     * @throws UncheckedIOException if the directory cannot be read
     * @throws IllegalArgumentException if an entry other than a torn last one is malformed
     */
    public static Recovery recover(Path directory) {
        return recover(directory, new ArrayList<>());
    }

    private static Recovery recover(Path dir, List<String> notes) {
        List<Path> cps = checkpointFiles(dir);
        RecoveryState s = null;
        CheckpointFile used = null;
        for (int i = cps.size() - 1; i >= 0 && s == null; i--) {
            Path p = cps.get(i);
            try {
                used = readCheckpoint(p);
                s = RecoveryState.from(used.state());
            } catch (IllegalArgumentException e) {
                String note = "checkpoint '" + p + "' is unusable (" + e.getMessage() + "): "
                        + (i > 0 ? "falling back to the one before it" : "reading the journal from its oldest entry");
                LOG.warn("journal {}: {}", dir, note);
                notes.add(note);
            }
        }
        if (s == null) {
            s = RecoveryState.empty();
        }
        RecoveryState fold = s;
        Long from = used == null ? null : used.state().seq();
        long after = from == null ? 0 : from;
        long[] read = {0};
        long[] expected = {after + 1};
        Consumer<JournalEntry> action = e -> {
            if (e.seq() <= after) {
                return;
            }
            if (e.seq() != expected[0] && read[0] == 0 && after == 0) {
                String note = "entries before " + e.seq() + " were rotated away and no checkpoint covers them:"
                        + " recovering from the entries that are left";
                LOG.warn("journal {}: {}", dir, note);
                notes.add(note);
            } else if (e.seq() != expected[0]) {
                String note = "entries " + expected[0] + " to " + (e.seq() - 1) + " are missing";
                LOG.warn("journal {}: {}", dir, note);
                notes.add(note);
            }
            fold.apply(e);
            expected[0] = e.seq() + 1;
            read[0]++;
        };
        List<Path> segments = segments(dir);
        int first = 0;
        long offset = 0;
        if (used != null && used.segment().isPresent()) {
            int at = segments.indexOf(dir.resolve(used.segment().get()));
            if (at >= 0 && used.offset() <= size(segments.get(at))) {
                // Start where the checkpoint ends: a long segment's earlier entries need not even be parsed.
                first = at;
                offset = used.offset();
            }
        }
        for (int i = first; i < segments.size(); i++) {
            if (i + 1 < segments.size() && seqOf(segments.get(i + 1), SEGMENT) <= after + 1) {
                continue;
            }
            readFrom(segments.get(i), i == first ? offset : 0, action);
        }
        return new Recovery(fold, Optional.ofNullable(from), read[0], notes);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Like {@link JsonLinesJournal#forEach(Path, Consumer)}, from a byte offset at the start of a line. */
    private static void readFrom(Path file, long offset, Consumer<JournalEntry> action) {
        if (offset == 0) {
            JsonLinesJournal.forEach(file, action);
            return;
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ);
                BufferedReader in = new BufferedReader(Channels.newReader(c.position(offset),
                        StandardCharsets.UTF_8))) {
            String line = in.readLine();
            while (line != null) {
                String next = in.readLine();
                if (!line.isBlank() && !JsonLinesJournal.isNote(line)) {
                    JournalEntry entry;
                    try {
                        entry = Json.mapper().readValue(line, JournalEntry.class);
                    } catch (JsonProcessingException e) {
                        if (next == null) {
                            LOG.warn("journal {}: skipping a torn last line", file);
                            return;
                        }
                        throw new IllegalArgumentException("journal '" + file + "' after byte " + offset
                                + " has a malformed line: " + e.getOriginalMessage(), e);
                    }
                    action.accept(entry);
                }
                line = next;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal '" + file + "': " + e.getMessage(), e);
        }
    }

    private static CheckpointFile readCheckpoint(Path p) {
        CheckpointFile f;
        try {
            f = Json.mapper().readValue(Files.readAllBytes(p), CheckpointFile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getMessage(), e);
        }
        if (f.state() == null) {
            throw new IllegalArgumentException("it holds no state");
        }
        try {
            long crc = crc(Json.mapper().writeValueAsString(f.state()));
            if (crc != f.crc()) {
                throw new IllegalArgumentException("CRC-32 " + Long.toHexString(crc) + " does not match the recorded "
                        + Long.toHexString(f.crc()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot be checked: " + e.getOriginalMessage(), e);
        }
        long named = seqOf(p, CHECKPOINT);
        if (named != f.state().seq()) {
            throw new IllegalArgumentException("it is named for entry " + named + " but holds entry "
                    + f.state().seq());
        }
        return f;
    }

    /** A crash mid-write leaves a line without its newline: cut it off so that later appends start clean. */
    static void cutTornTail(Path file, List<String> notes) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = c.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                c.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                c.truncate(end);
                c.force(true);
                String note = "cut off a torn last line of " + (size - end) + " byte(s) in '" + file + "'";
                LOG.warn("journal: {}", note);
                notes.add(note);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check journal segment '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * Appends a note for the timeline to the current segment, after the entries appended so far (see
     * {@link JsonLinesJournal.Note}); it is fsynced, and rotated away with its segment.
     *
     * @param at when
     * @param text what it says
     */
    public synchronized void note(Instant at, String text) {
        if (closed) {
            return;
        }
        try {
            int n = JsonLinesJournal.writeNote(out, new JsonLinesJournal.Note(at, state.seq(), text));
            segmentBytes += n;
            bytesAppended += n;
            fsyncs++;
        } catch (IOException e) {
            LOG.error("cannot append a note to journal {}: {}", segment, e.getMessage());
        }
    }

    /**
     * Reads the notes of the retained segments of a journal directory, oldest first.
     *
     * @param directory the journal's directory
     * @return the notes
     * @throws UncheckedIOException if the directory cannot be read
     */
    public static List<JsonLinesJournal.Note> notes(Path directory) {
        List<JsonLinesJournal.Note> all = new ArrayList<>();
        for (Path s : segments(directory)) {
            all.addAll(JsonLinesJournal.notes(s));
        }
        return all;
    }

    /** @return the notes of the retained segments, oldest first */
    public synchronized List<JsonLinesJournal.Note> notes() {
        return notes(dir);
    }

    @Override
    public synchronized List<JournalEntry> readAll() {
        return read(dir);
    }

    @Override
    public synchronized void forEach(Consumer<JournalEntry> action) {
        forEach(dir, action);
    }

    /**
     * Reads every retained entry of a journal directory, oldest first.
     *
     * @param directory the journal's directory
     * @return the entries
     * @throws UncheckedIOException if the directory cannot be read
     * @throws IllegalArgumentException if an entry other than a torn last one is malformed
     */
    public static List<JournalEntry> read(Path directory) {
        List<JournalEntry> all = new ArrayList<>();
        forEach(directory, all::add);
        return all;
    }

    /**
     * Streams every retained entry of a journal directory, oldest first.
     *
     * @param directory the journal's directory
     * @param action what to do with each entry
     * @throws UncheckedIOException if the directory cannot be read
     * @throws IllegalArgumentException if an entry other than a torn last one is malformed
     */
    public static void forEach(Path directory, Consumer<JournalEntry> action) {
        for (Path s : segments(directory)) {
            JsonLinesJournal.forEach(s, action);
        }
    }

    /**
     * The checkpoints of a journal directory that can be read, oldest first; unusable ones are left out.
     *
     * @param directory the journal's directory
     * @return the checkpoints
     * @throws UncheckedIOException if the directory cannot be read
     */
    public static List<RecoveryState.Checkpoint> checkpoints(Path directory) {
        List<RecoveryState.Checkpoint> out = new ArrayList<>();
        for (Path p : checkpointFiles(directory)) {
            try {
                out.add(readCheckpoint(p).state());
            } catch (IllegalArgumentException e) {
                LOG.debug("skipping unusable checkpoint {}: {}", p, e.getMessage());
            }
        }
        return out;
    }

    static List<Path> segments(Path dir) {
        return list(dir, SEGMENT);
    }

    static List<Path> checkpointFiles(Path dir) {
        return list(dir, CHECKPOINT);
    }

    private static List<Path> list(Path dir, Pattern pattern) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            // Zero-padded sequence numbers sort as names.
            return s.filter(p -> pattern.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list journal directory '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static long seqOf(Path p, Pattern pattern) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + p + "' is not a journal file");
        }
        return Long.parseLong(m.group(1));
    }

    private static long crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    /** Writes a last checkpoint, so that the next start reads nothing after it, and closes the segment. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (sinceCheckpoint > 0) {
                writeCheckpoint("");
            }
        } catch (IOException e) {
            LOG.warn("cannot write the closing checkpoint of {}: {}", dir, e.getMessage());
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("cannot close journal {}: {}", segment, e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release the lock of journal {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RotatingJournal[" + dir + "]";
    }

    /**
     * A checkpoint as stored: the state, its CRC-32 and an optional sentence for the timeline.
     *
     * @param crc the CRC-32 of the state's JSON
     * @param note why it was written, if not periodically
     * @param state the state
     * @param segment the segment that held entry {@code state.seq()} when it was written
     * @param offset where the entries after it begin in that segment, so that recovery need not read the
     *     segment's earlier entries
     */
    record CheckpointFile(long crc, Optional<String> note, RecoveryState.Checkpoint state, Optional<String> segment,
            long offset) {
        @JsonCreator
        CheckpointFile(@JsonProperty("crc") long crc, @JsonProperty("note") Optional<String> note,
                @JsonProperty("state") RecoveryState.Checkpoint state,
                @JsonProperty("segment") Optional<String> segment, @JsonProperty("offset") long offset) {
            this.crc = crc;
            this.note = note == null ? Optional.empty() : note;
            this.state = state;
            this.segment = segment == null ? Optional.empty() : segment;
            this.offset = offset;
        }
    }

    /**
     * Builds a {@link RotatingJournal}.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private Path directory;
        private long maxFileBytes = 16L << 20;
        private int maxFiles = 8;
        private int checkpointEvery = 1_000;
        private int checkpointsKept = 3;
        private Durability durability = Durability.DURABLE_DECISIONS;
        private Path legacy;

        private Builder() {
        }

        /**
         * Carries over the memory of a single-file {@link JsonLinesJournal} when the directory holds no journal
         * yet: its entries are folded into the first checkpoint and numbering continues after them; the file
         * itself is left as it was (and is ignored once the directory has a journal).
         *
         * @param file the old journal file
         * @return this builder
         */
        public Builder continueFrom(Path file) {
            this.legacy = file;
            return this;
        }

        /**
         * Sets the directory that holds the segments and checkpoints; required.
         *
         * @param directory the directory, created if needed
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * Sets the size at which a segment is closed and a new one begun (default 16 MiB).
         *
         * @param bytes the size, at least 4 KiB
         * @return this builder
         */
        public Builder maxFileBytes(long bytes) {
            this.maxFileBytes = bytes;
            return this;
        }

        /**
         * Sets how many segments are kept (default 8: at most about 128 MiB at the default size).
         *
         * @param files the number, at least 2
         * @return this builder
         */
        public Builder maxFiles(int files) {
            this.maxFiles = files;
            return this;
        }

        /**
         * Sets how many entries may follow the newest checkpoint before another is written (default 1,000: a
         * restarted manager reads at most that many entries, about 30 ms here, whatever the journal's age).
         *
         * @param entries the number, at least 1
         * @return this builder
         */
        public Builder checkpointEvery(int entries) {
            this.checkpointEvery = entries;
            return this;
        }

        /**
         * Sets how many checkpoints are kept, so that a corrupt one falls back to an older one (default 3).
         *
         * @param count the number, at least 2
         * @return this builder
         */
        public Builder checkpointsKept(int count) {
            this.checkpointsKept = count;
            return this;
        }

        /**
         * Sets when an entry is forced to the disk (default {@link Durability#DURABLE_DECISIONS}).
         *
         * @param durability the policy
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        /**
         * Opens the journal, cutting off a torn last line and reading its newest checkpoint.
         *
         * @return the journal
         * @throws IllegalArgumentException naming the field, its value and the rule when a setting is invalid
         * @throws IllegalStateException if another journal (in this process or another) has the directory open
         * @throws UncheckedIOException if the directory cannot be read or written
         */
        public RotatingJournal build() {
            if (directory == null) {
                throw new IllegalArgumentException("directory is null: a journal directory is required");
            }
            if (maxFileBytes < 4096) {
                throw new IllegalArgumentException("maxFileBytes " + maxFileBytes + " is invalid: it must be at least"
                        + " 4096");
            }
            if (maxFiles < 2) {
                throw new IllegalArgumentException("maxFiles " + maxFiles + " is invalid: it must be at least 2");
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpointEvery " + checkpointEvery + " is invalid: it must be"
                        + " at least 1");
            }
            if (checkpointsKept < 2) {
                throw new IllegalArgumentException("checkpointsKept " + checkpointsKept + " is invalid: it must be"
                        + " at least 2");
            }
            if (durability == null) {
                throw new IllegalArgumentException("durability is null: choose EVERY_ENTRY or DURABLE_DECISIONS");
            }
            return new RotatingJournal(this);
        }
    }
}
