package dev.ha4j.replication.drbd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The recorded DRBD outputs of shared/labs/drbd, copied into the test resources with their sources. */
final class Lab {
    static final List<String> EVENTS2 = List.of("events2-all-create-helper.test.txt",
            "events2-may-promote-peer-data.test.txt", "events2-may-promote-quorum.test.txt",
            "events2-promotion-score-inconsistent.test.txt", "events2-resource-create-destroy.test.txt",
            "events2-sync.test.txt");
    static final List<String> JSON = List.of("ha-cluster-exporter-two-secondaries-one-no-quorum.json",
            "salt-shaptools-beijing-primary.json");
    static final List<String> PROC = List.of("checkmk-proc_drbd838-sync-and-stalled.txt", "ganeti-proc_drbd84.txt",
            "ganeti-proc_drbd84_sync.txt");

    private Lab() {
    }

    static String read(String path) {
        try (InputStream in = Lab.class.getResourceAsStream("/drbd-lab/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource drbd-lab/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The outputs recorded in an upstream events2 test: each "$ command" line starts a section, and the last
     * line of a section is the command's exit code.
     */
    static List<String> events2Sections(String file) {
        List<String> sections = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : read("v9-events2/" + file).split("\n")) {
            if (line.startsWith("$ ")) {
                if (cur != null) {
                    sections.add(cur.toString());
                }
                cur = new StringBuilder();
            } else if (cur != null && !line.matches("\\d+")) {
                cur.append(line.replace("TIME ", "2026-01-01T00:00:00.000000+00:00 ")).append('\n');
            }
        }
        if (cur != null) {
            sections.add(cur.toString());
        }
        return sections;
    }

    /** Every recorded document, for the fuzz test: (name, text, kind). */
    record Doc(String name, String text, String kind) {
    }

    static List<Doc> all() {
        List<Doc> docs = new ArrayList<>();
        for (String f : EVENTS2) {
            List<String> s = events2Sections(f);
            for (int i = 0; i < s.size(); i++) {
                docs.add(new Doc(f + "#" + i, s.get(i), "events2"));
            }
        }
        for (String f : JSON) {
            docs.add(new Doc(f, read("v9-status-json/" + f), "json"));
        }
        for (String f : PROC) {
            String t = read("v84-proc-drbd/" + f);
            StringBuilder b = new StringBuilder();
            for (String line : t.split("\n")) {
                if (!line.startsWith("#")) {
                    b.append(line).append('\n');
                }
            }
            docs.add(new Doc(f, b.toString(), "proc"));
        }
        return docs;
    }
}
