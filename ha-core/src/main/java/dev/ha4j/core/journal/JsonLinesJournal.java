package dev.ha4j.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ha4j.core.internal.Json;
import dev.ha4j.core.spi.Journal;
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
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("cannot flush journal {}: {}", file, e.getMessage());
        }
        return read(file);
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal '" + file + "': " + e.getMessage(), e);
        }
        List<JournalEntry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(Json.mapper().readValue(line, JournalEntry.class));
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    LOG.warn("journal {}: skipping a torn last line {}", file, i + 1);
                    break;
                }
                throw new IllegalArgumentException("journal '" + file + "' line " + (i + 1) + " is malformed: "
                        + e.getOriginalMessage(), e);
            }
        }
        return entries;
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
