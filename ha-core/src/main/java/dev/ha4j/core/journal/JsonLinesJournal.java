package dev.ha4j.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.spi.Journal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} that appends one JSON object per line to one file, never rotated (for months of decisions use
 * {@link RotatingJournal}, whose segments are files of this format). Every entry is written to the operating
 * system at once, so a crash of the manager loses nothing; by default ({@link RotatingJournal.Durability#DURABLE_DECISIONS})
 * an entry that changes what recovery gives, and every manager start, is also fsynced before {@link #append}
 * returns. {@link #read(Path)} tolerates a torn last line (power lost mid-write) and reports any other malformed
 * line with its number; {@link #open(Path)} cuts a torn last line off so that later entries do not follow it.
 *
 * <p>Besides entries, the file may hold {@linkplain #note notes}: lines for the timeline that are no decision of the
 * engine (that the node list changed since the journal was written, say). Readers of entries skip them, so replay
 * and recovery are unchanged; {@link #notes(Path)} reads them.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class JsonLinesJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesJournal.class);
    /** How every note line begins, and no entry line does (an entry's first field is its seq). */
    private static final String NOTE_PREFIX = "{\"note\":";

    /**
     * A line for the timeline that is not a decision of the engine. Immutable.
     *
     * @param at when it was written
     * @param afterSeq the seq of the entry it follows (0 before the first)
     * @param text what it says
     */
    public record Note(Instant at, long afterSeq, String text) {
        /**
         * @throws NullPointerException if an argument is null
         */
        public Note {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(text, "text");
        }
    }

    /** The line a note is written as: a wrapper, so that it cannot be mistaken for an entry. */
    record NoteLine(Note note) {
    }
    private final Path file;
    private final FileChannel out;
    private final RotatingJournal.Durability durability;
    // Folded from the entries appended since opening: each run begins with a Started entry that carries what the
    // previous run recovered, so the fold is exact from there on and tells which entries recovery relies on.
    private final RecoveryState fold = RecoveryState.empty();

    private JsonLinesJournal(Path file, FileChannel out, RotatingJournal.Durability durability) {
        this.file = file;
        this.out = out;
        this.durability = durability;
    }

    /**
     * Opens {@code file} for appending, creating it (and its folders) if needed.
     *
     * @param file the journal file
     * @return the journal
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static JsonLinesJournal open(Path file) {
        return open(file, RotatingJournal.Durability.DURABLE_DECISIONS);
    }

    /**
     * Opens {@code file} for appending, creating it (and its folders) if needed, and cutting off a torn last line.
     *
     * @param file the journal file
     * @param durability which entries are fsynced before {@link #append} returns
     * @return the journal
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static JsonLinesJournal open(Path file, RotatingJournal.Durability durability) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(durability, "durability");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (Files.exists(file)) {
                RotatingJournal.cutTornTail(file, new ArrayList<>());
            }
            FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new JsonLinesJournal(file, c, durability);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal '" + file + "': " + e.getMessage(), e);
        }
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        boolean durable = durability == RotatingJournal.Durability.EVERY_ENTRY
                || entry.event() instanceof dev.ha4j.core.engine.Event.Started;
        try {
            durable |= fold.apply(entry);
        } catch (RuntimeException e) {
            LOG.error("journal {}: cannot fold entry {}: {}", file, entry.seq(), e.toString());
            durable = true;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap((Json.mapper().writeValueAsString(entry) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            if (durable) {
                out.force(false);
            }
        } catch (IOException e) {
            LOG.error("cannot append to journal {}: {}", file, e.getMessage());
        }
    }

    /**
     * Appends a note for the timeline, after the entries appended so far, and fsyncs it (notes are rare and say
     * something an operator must be able to read after a crash).
     *
     * @param at when
     * @param text what it says
     */
    public synchronized void note(Instant at, String text) {
        try {
            // The fold knows only this run's entries; before the first of them, the file's last entry says.
            long after = fold.seq();
            if (after == 0) {
                long[] last = {0};
                forEach(file, e -> last[0] = e.seq());
                after = last[0];
            }
            writeNote(out, new Note(at, after, text));
        } catch (IOException e) {
            LOG.error("cannot append a note to journal {}: {}", file, e.getMessage());
        }
    }

    /** Writes one note line and forces it; shared with {@link RotatingJournal}'s segments. */
    static int writeNote(FileChannel out, Note note) throws IOException {
        byte[] line = (Json.mapper().writeValueAsString(new NoteLine(note)) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        out.force(false);
        return line.length;
    }

    /** @return whether a line of the file is a note rather than an entry */
    static boolean isNote(String line) {
        return line.startsWith(NOTE_PREFIX);
    }

    /**
     * Reads the notes of a journal file.
     *
     * @param file the file
     * @return its notes in order; a torn or malformed note line is skipped
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<Note> notes(Path file) {
        List<Note> notes = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (isNote(line)) {
                    try {
                        notes.add(Json.mapper().readValue(line, NoteLine.class).note());
                    } catch (JsonProcessingException e) {
                        LOG.warn("journal {}: skipping a malformed note line", file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal '" + file + "': " + e.getMessage(), e);
        }
        return notes;
    }

    /** @return the notes of this journal's file, in order */
    public synchronized List<Note> notes() {
        return notes(file);
    }

    @Override
    public synchronized List<JournalEntry> readAll() {
        return read(file);
    }

    /** Streams the file entry by entry, so that recovering from a long journal needs no room for all of it. */
    @Override
    public synchronized void forEach(Consumer<JournalEntry> action) {
        forEach(file, action);
    }

    /**
     * Reads a journal file.
     *
     * @param file the file
     * @return its entries in order; a torn last line is skipped
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the line number if a line other than the last is malformed
     */
    public static List<JournalEntry> read(Path file) {
        List<JournalEntry> entries = new ArrayList<>();
        forEach(file, entries::add);
        return entries;
    }

    /**
     * Reads a journal file one line at a time and hands each entry to {@code action}.
     *
     * @param file the file
     * @param action what to do with each entry, in order; a torn last line is skipped
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the line number if a line other than the last is malformed
     */
    public static void forEach(Path file, Consumer<JournalEntry> action) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            long number = 0;
            while (line != null) {
                number++;
                // Look one line ahead: only the last line may be torn by a crash mid-write.
                String next = in.readLine();
                if (!line.isBlank() && !isNote(line)) {
                    JournalEntry entry;
                    try {
                        entry = Json.mapper().readValue(line, JournalEntry.class);
                    } catch (JsonProcessingException e) {
                        if (next == null) {
                            LOG.warn("journal {}: skipping a torn last line {}", file, number);
                            return;
                        }
                        throw new IllegalArgumentException("journal '" + file + "' line " + number
                                + " is malformed: " + e.getOriginalMessage(), e);
                    }
                    action.accept(entry);
                }
                line = next;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal '" + file + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("cannot close journal {}: {}", file, e.getMessage());
        }
    }
}
