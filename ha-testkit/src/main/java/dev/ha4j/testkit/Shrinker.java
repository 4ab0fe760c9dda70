package dev.ha4j.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reduces a failing fault schedule to a small one that still fails the same way: delta debugging over the
 * fault list (remove chunks, halving their size down to single faults), then simpler timings (durations
 * "until recovered", times rounded to whole seconds and moved earlier). Every candidate is re-run through the
 * deterministic simulator by the given test, so the result replays exactly.
 *
 * <p>Stateless and thread-safe.
 */
public final class Shrinker {
    private Shrinker() {
    }

    /**
     * The result of shrinking.
     *
     * @param schedule the smallest schedule found that still fails
     * @param runs how many candidate runs it took
     * @param originalFaults how many faults the failing schedule had
     */
    public record Result(FaultSchedule schedule, int runs, int originalFaults) {
    }

    /**
     * @param failing a schedule that fails
     * @param stillFails runs a candidate; true when it still fails the same way
     * @param maxRuns the most candidate runs to spend
     * @return the smallest failing schedule found
     * @throws NullPointerException if an argument is null
     */
    public static Result shrink(FaultSchedule failing, Predicate<FaultSchedule> stillFails, int maxRuns) {
        Objects.requireNonNull(failing, "failing");
        Objects.requireNonNull(stillFails, "stillFails");
        int[] runs = {0};
        Predicate<List<Fault>> test = faults -> {
            if (runs[0] >= maxRuns) {
                return false;
            }
            runs[0]++;
            return stillFails.test(failing.withFaults(faults));
        };
        List<Fault> cur = new ArrayList<>(failing.faults());
        if (!cur.isEmpty() && test.test(List.of())) {
            cur.clear();
        }
        int n = 2;
        while (cur.size() >= 2 && runs[0] < maxRuns) {
            int size = cur.size();
            int chunk = (size + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < size; start += chunk) {
                List<Fault> candidate = new ArrayList<>(cur.subList(0, start));
                candidate.addAll(cur.subList(Math.min(size, start + chunk), size));
                if (test.test(candidate)) {
                    cur = candidate;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= size) {
                    break;
                }
                n = Math.min(n * 2, size);
            }
        }
        // Simpler timings: conditions until recovered, whole seconds, earlier times.
        for (int i = 0; i < cur.size() && runs[0] < maxRuns; i++) {
            Fault f = cur.get(i);
            if (!f.duration().isZero()) {
                Fault g = f.withDuration(Duration.ZERO);
                if (g != f && test.test(replace(cur, i, g))) {
                    cur = replace(cur, i, g);
                    f = g;
                }
            }
            Duration whole = Duration.ofSeconds(f.at().getSeconds());
            if (!whole.equals(f.at()) && test.test(replace(cur, i, f.withAt(whole)))) {
                cur = replace(cur, i, f.withAt(whole));
                f = cur.get(i);
            }
            Duration earlier = i == 0 ? Duration.ZERO : cur.get(i - 1).at();
            if (f.at().compareTo(earlier) > 0 && !(f instanceof Fault.Recover)
                    && test.test(replace(cur, i, f.withAt(earlier)))) {
                cur = replace(cur, i, f.withAt(earlier));
            }
        }
        return new Result(failing.withFaults(cur), runs[0], failing.faults().size());
    }

    private static List<Fault> replace(List<Fault> l, int i, Fault f) {
        List<Fault> c = new ArrayList<>(l);
        c.set(i, f);
        return c;
    }
}
