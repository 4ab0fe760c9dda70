package dev.ha4j.replication.drbd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of every recorded document (truncation, reordered and dropped lines, garbage bytes,
 * huge numbers, deleted and duplicated fields, doubled separators): a parser either returns a result or throws
 * {@link DrbdFormatException}, never anything else. The seed is printed on failure; rerun one with
 * {@code -Dha4j.seed=N}.
 */
class ParserFuzzTest {
    private static final int ROUNDS = Integer.getInteger("ha4j.fuzz.rounds", 100);

    static String mutate(String s, Random r) {
        int kind = r.nextInt(9);
        switch (kind) {
            case 0 -> {
                return s.substring(0, r.nextInt(s.length() + 1));
            }
            case 1 -> {
                List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
                Collections.shuffle(lines, r);
                return String.join("\n", lines);
            }
            case 2 -> {
                List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
                if (!lines.isEmpty()) {
                    lines.remove(r.nextInt(lines.size()));
                }
                return String.join("\n", lines);
            }
            case 3 -> {
                StringBuilder b = new StringBuilder(s);
                for (int i = 0; i < 1 + r.nextInt(8); i++) {
                    b.insert(r.nextInt(b.length() + 1), (char) r.nextInt(0x3000));
                }
                return b.toString();
            }
            case 4 -> {
                return s.replaceAll("\\d+", r.nextBoolean() ? "99999999999999999999999" : "-" + r.nextInt(1000));
            }
            case 5 -> {
                String[] keys = {"name:", "volume:", "peer-node-id:", "\"name\"", "\"volume\"", "cs:", "done:", "disk:"};
                String k = keys[r.nextInt(keys.length)];
                return s.replace(k, r.nextBoolean() ? "" : k + k);
            }
            case 6 -> {
                return s.replace(":", r.nextBoolean() ? "::" : "").replace("\"", r.nextBoolean() ? "\"\"" : "\"");
            }
            case 7 -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < r.nextInt(2000); i++) {
                    b.append((char) (r.nextInt(95) + 32));
                }
                return r.nextBoolean() ? b.toString() : s + b;
            }
            default -> {
                return s.repeat(1 + r.nextInt(20)).replace("37.50", r.nextBoolean() ? "NaN" : "1e308");
            }
        }
    }

    private static void parseAll(String text) {
        for (Runnable p : List.<Runnable>of(() -> Events2Parser.parse(text), () -> StatusJsonParser.parse(text),
                () -> ProcDrbd.parse(text))) {
            try {
                p.run();
            } catch (DrbdFormatException expected) {
                // a clear error is fine; anything else is a crash
            }
        }
    }

    @Test
    void mutatedRecordedDocumentsNeverCrashAParser() {
        long seed = Long.getLong("ha4j.seed", System.nanoTime());
        Random r = new Random(seed);
        List<Lab.Doc> docs = Lab.all();
        for (int round = 0; round < ROUNDS; round++) {
            for (Lab.Doc d : docs) {
                String m = d.text();
                int times = 1 + r.nextInt(3);
                for (int i = 0; i < times; i++) {
                    m = mutate(m, r);
                }
                try {
                    parseAll(m);
                } catch (RuntimeException | StackOverflowError e) {
                    fail("seed " + seed + " (rerun with -Dha4j.seed=" + seed + "), round " + round + ", document "
                            + d.name() + ": " + e + "\ninput: " + Events2Parser.abbreviate(m), e);
                }
            }
        }
    }

    @Test
    void everyUnmutatedDocumentParsesWithItsOwnParser() {
        for (Lab.Doc d : Lab.all()) {
            switch (d.kind()) {
                case "events2" -> Events2Parser.parse(d.text());
                case "json" -> StatusJsonParser.parse(d.text());
                default -> ProcDrbd.parse(d.text());
            }
        }
    }
}
