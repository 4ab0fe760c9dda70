package dev.ha4j.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A readable timeline of one simulated run: what happened in the world, what the engine was told, what it
 * decided and why, and where an invariant broke. Recorded only when asked for (a failing run is replayed with
 * recording on), because building it costs more than the run.
 *
 * <p>Immutable and thread-safe.
 *
 * @param lines the lines, in order
 */
public record Timeline(List<String> lines) {
    /** @throws NullPointerException if {@code lines} is null */
    public Timeline {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    }

    /**
     * @param d a duration
     * @return it as {@code H:MM:SS.mmm}, or {@code Ns}/{@code Nms} when short
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : String.format("%d.%03ds", ms / 1000, ms % 1000);
        }
        return String.format("%d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }

    /**
     * @param max the most lines to show; the last {@code max} are kept
     * @return the timeline as text
     */
    public String render(int max) {
        StringBuilder b = new StringBuilder();
        int from = Math.max(0, lines.size() - max);
        if (from > 0) {
            b.append("  ... ").append(from).append(" earlier line(s)\n");
        }
        for (int i = from; i < lines.size(); i++) {
            b.append("  ").append(lines.get(i)).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return render(Integer.MAX_VALUE);
    }
}
