package dev.ha4j.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.spi.Journal;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} that appends one JSON object per line to a file, flushed after every entry so that a crash
 * loses at most the entry being written. {@link #read(Path)} tolerates a torn last line (a crash mid-write) and
 * reports any other malformed line with its number.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class JsonLinesJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesJournal.class);
    private final Path file;
    private final BufferedWriter out;

    private JsonLinesJournal(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens {@code file} for appending, creating it (and its folders) if needed.
     *
     * @param file the journal file
     * @return the journal
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static JsonLinesJournal open(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return new JsonLinesJournal(file, w);
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
        try {
            out.write(Json.mapper().writeValueAsString(entry));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.error("cannot append to journal {}: {}", file, e.getMessage());
        }
    }

    @Override
    public synchronized List<JournalEntry> readAll() {
        flush();
        return read(file);
    }

    /** Streams the file entry by entry, so that recovering from a long journal needs no room for all of it. */
    @Override
    public synchronized void forEach(Consumer<JournalEntry> action) {
        flush();
        forEach(file, action);
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("cannot flush journal {}: {}", file, e.getMessage());
        }
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
                if (!line.isBlank()) {
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
