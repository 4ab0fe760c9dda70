package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.fail;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.ReplicaStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden transcripts: renders each event fed to a {@link StepDriver} as one line (time, event, phase, plan,
 * commands, reason) and compares the whole transcript with a committed file {@code golden/NAME.txt}. With
 * {@code -Dha4j.golden.update=true} it rewrites the files under {@code src/test/resources/golden/} instead
 * (run from the module directory, as surefire does).
 *
 * <p>The rendering is stable: nodes are listed in the configuration's order (never a map's iteration order),
 * times are offsets from {@link StepDriver#T0}, and every part comes from the public records.
 */
final class GoldenFile {
    static final String UPDATE = "ha4j.golden.update";
    static final Path SOURCE_DIR = Path.of("src", "test", "resources", "golden");

    private GoldenFile() {
    }

    /** Records one line per event fed to {@code d} from now on into {@code lines}. */
    static void record(StepDriver d, List<String> lines) {
        d.onFeed = x -> {
            Event e = x.events.get(x.events.size() - 1);
            Transition t = x.last;
            lines.add(line(x, e, t));
        };
    }

    static String line(StepDriver d, Event e, Transition t) {
        List<String> cmds = new ArrayList<>();
        for (Command c : t.commands()) {
            cmds.add(StepDriver.renderVerbose(c, e.at()));
        }
        return "+" + seconds(Duration.between(StepDriver.T0, e.at())) + " | " + event(d, e) + " | "
                + t.state().phase() + " | " + StepDriver.render(t.state().plan()) + " | "
                + (cmds.isEmpty() ? "-" : String.join(", ", cmds)) + " | " + t.reason();
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%d.%03ds", d.toSeconds(), d.toMillisPart());
    }

    /** An event in a few words: its type, the command it answers, and what it says. */
    static String event(StepDriver d, Event e) {
        String type = e.getClass().getSimpleName();
        if (e instanceof Event.Started s) {
            return type + (s.recovered().isPresent() ? " (recovered)" : "");
        } else if (e instanceof Event.TimerFired t) {
            return type + " #" + t.commandId() + " " + t.timer();
        } else if (e instanceof Event.ProbeCompleted p) {
            return type + " #" + p.commandId() + " " + p.node() + " " + p.result();
        } else if (e instanceof Event.VerdictReported v) {
            return type + " " + v.node() + " " + v.result() + " by " + v.source();
        } else if (e instanceof Event.ActionCompleted a) {
            return type + " #" + a.commandId() + " " + a.result();
        } else if (e instanceof Event.StateObserved s) {
            return type + " #" + s.commandId() + " " + s.node() + " " + s.state();
        } else if (e instanceof Event.FenceCompleted f) {
            return type + " #" + f.commandId() + " " + f.node() + " " + f.result();
        } else if (e instanceof Event.ReplicaObserved r) {
            return type + " #" + r.commandId() + " " + r.node() + " " + r.status();
        } else if (e instanceof Event.LeaseAcquired l) {
            return type + " #" + l.commandId() + " " + l.result().outcome()
                    + l.result().lease().map(x -> " " + x).orElse("")
                    + (l.result().detail().isEmpty() ? "" : " (" + l.result().detail() + ")");
        } else if (e instanceof Event.Observed o) {
            List<String> nodes = new ArrayList<>();
            for (NodeId n : d.config.nodes()) {
                ReplicaStatus r = o.observation().replica(n);
                nodes.add(n + " " + o.observation().service(n) + " " + r.role() + "/" + r.consistency());
            }
            return type + " #" + o.commandId() + " (" + String.join(", ", nodes) + ")";
        } else if (e instanceof Event.LeaseLost l) {
            return type + " " + l.holder() + "@" + l.epoch() + " (" + l.reason() + ")";
        } else if (e instanceof Event.SwitchoverRequested s) {
            return type + " " + s.target();
        } else if (e instanceof Event.MaintenanceRequested m) {
            return type + (m.on() ? " on " + m.duration() : " off");
        } else if (e instanceof Event.ClearRequested c) {
            return type + c.forcePromote().map(n -> " force " + n).orElse("");
        }
        return type;
    }

    /** Compares {@code lines} with {@code golden/NAME.txt}, or rewrites the file when updating. */
    static void compare(String name, List<String> lines) throws IOException {
        String actual = String.join("\n", lines) + "\n";
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(SOURCE_DIR);
            Files.writeString(SOURCE_DIR.resolve(name + ".txt"), actual, StandardCharsets.UTF_8);
            return;
        }
        String expected;
        try (InputStream in = GoldenFile.class.getResourceAsStream("/golden/" + name + ".txt")) {
            if (in == null) {
                fail("no golden transcript golden/" + name + ".txt; write it with " + howToUpdate()
                        + "\nthe transcript is:\n" + actual);
                return;
            }
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!expected.equals(actual)) {
            fail("the transcript " + name + " differs from golden/" + name + ".txt (- golden, + now):\n"
                    + diff(expected.lines().toList(), lines) + "\nIf the change is intended, regenerate with "
                    + howToUpdate() + " and review the diff of src/test/resources/golden/ before committing it.");
        }
    }

    static String howToUpdate() {
        return "mvn -B -q -pl ha-core -am test -Dtest=GoldenTranscriptTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -D" + UPDATE + "=true";
    }

    /** A line diff (longest common subsequence), unchanged lines as context only around a change. */
    static String diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + (i + 1) + ": " + a.get(i));
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + (j + 1) + ": " + b.get(j));
                j++;
            } else {
                out.add("- " + (i + 1) + ": " + a.get(i));
                i++;
            }
        }
        // Keep two lines of context around each change.
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < out.size(); k++) {
            boolean near = false;
            for (int m = Math.max(0, k - 2); m <= Math.min(out.size() - 1, k + 2); m++) {
                near |= !out.get(m).startsWith("  ");
            }
            if (near) {
                s.append(out.get(k)).append('\n');
            }
        }
        return s.toString();
    }
}
