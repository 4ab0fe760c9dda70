package dev.ha4j.probe.http.internal;

import java.util.Objects;

/**
 * A set of HTTP status codes written as {@code 200}, {@code 2xx} or {@code 500-599}, as used by status tables.
 *
 * <p>Immutable and thread-safe.
 */
public final class CodePattern {
    private final int low;
    private final int high;
    private final String text;

    private CodePattern(int low, int high, String text) {
        this.low = low;
        this.high = high;
        this.text = text;
    }

    /**
     * @param text {@code NNN}, {@code Nxx} or {@code NNN-NNN}, codes between 100 and 599
     * @return the pattern
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if {@code text} is not such a pattern
     */
    public static CodePattern parse(String text) {
        Objects.requireNonNull(text, "code pattern");
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.matches("[1-5]xx")) {
                int base = (t.charAt(0) - '0') * 100;
                return new CodePattern(base, base + 99, t);
            }
            if (t.matches("\\d{3}")) {
                int c = Integer.parseInt(t);
                check(c, text);
                return new CodePattern(c, c, t);
            }
            if (t.matches("\\d{3}-\\d{3}")) {
                int lo = Integer.parseInt(t.substring(0, 3));
                int hi = Integer.parseInt(t.substring(4));
                check(lo, text);
                check(hi, text);
                if (lo > hi) {
                    throw new IllegalArgumentException("code range '" + Text.printable(text, 20)
                            + "' is empty: the first code must not exceed the second");
                }
                return new CodePattern(lo, hi, t);
            }
        } catch (NumberFormatException e) {
            // falls through to the general message
        }
        throw new IllegalArgumentException("code pattern '" + Text.printable(text, 20)
                + "' is invalid: use a code (200), a class (2xx) or a range (500-599) between 100 and 599");
    }

    private static void check(int code, String text) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("code pattern '" + Text.printable(text, 20)
                    + "' is invalid: HTTP codes run from 100 to 599");
        }
    }

    /**
     * @param code an HTTP status code
     * @return whether the pattern contains it
     */
    public boolean matches(int code) {
        return code >= low && code <= high;
    }

    /** @return whether the pattern contains any redirect code (3xx) */
    public boolean overlapsRedirects() {
        return low <= 399 && high >= 300;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodePattern && ((CodePattern) o).low == low && ((CodePattern) o).high == high;
    }

    @Override
    public int hashCode() {
        return low * 1000 + high;
    }

    /** @return the pattern in its canonical text form */
    @Override
    public String toString() {
        return text;
    }
}
