package dev.ha4j.testkit.sim;

import java.util.Arrays;

/**
 * A binary heap of timed entries ordered by (time, insertion order): entries at the same virtual instant run
 * in the order they were added, which keeps every run a pure function of its seed. Not thread-safe.
 */
final class EventQueue {
    private long[] times = new long[64];
    private long[] seqs = new long[64];
    private int[] kinds = new int[64];
    private Object[] payloads = new Object[64];
    private int size;
    private long seq;

    int size() {
        return size;
    }

    long peekTime() {
        return times[0];
    }

    void add(long time, int kind, Object payload) {
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            seqs = Arrays.copyOf(seqs, n);
            kinds = Arrays.copyOf(kinds, n);
            payloads = Arrays.copyOf(payloads, n);
        }
        int i = size++;
        long s = seq++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (less(times[p], seqs[p], time, s)) {
                break;
            }
            move(p, i);
            i = p;
        }
        times[i] = time;
        seqs[i] = s;
        kinds[i] = kind;
        payloads[i] = payload;
    }

    private static boolean less(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        kinds[to] = kinds[from];
        payloads[to] = payloads[from];
    }

    /** Removes the head; read it first with the {@code head*} fields. */
    long headTime;
    int headKind;
    Object headPayload;

    void poll() {
        headTime = times[0];
        headKind = kinds[0];
        headPayload = payloads[0];
        int last = --size;
        long t = times[last];
        long s = seqs[last];
        int k = kinds[last];
        Object p = payloads[last];
        payloads[last] = null;
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && less(times[r], seqs[r], times[c], seqs[c])) {
                c = r;
            }
            if (less(t, s, times[c], seqs[c])) {
                break;
            }
            move(c, i);
            i = c;
        }
        if (size > 0) {
            times[i] = t;
            seqs[i] = s;
            kinds[i] = k;
            payloads[i] = p;
        }
    }
}
