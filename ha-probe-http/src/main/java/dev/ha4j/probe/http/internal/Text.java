package dev.ha4j.probe.http.internal;

import java.net.URI;
import java.time.Duration;

/**
 * Small text helpers for verdict details: they must stay short, printable and free of anything a server or a
 * user could smuggle into a log line (control characters, credentials in URIs, whole bodies).
 *
 * <p>Stateless and thread-safe.
 */
public final class Text {
    private Text() {
    }

    /**
     * @param s any text, may be null
     * @param max the most characters to keep
     * @return {@code s} with control characters (C0, DEL, C1), format characters (bidi overrides, zero-width),
     *     unpaired surrogates and U+FFFD (what undecodable bytes become) replaced by {@code ?}, cut to
     *     {@code max} characters
     *     (with "..." appended when cut); "null" for null
     */
    public static String printable(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 3);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= max) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            b.append(c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffd || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) ? '?' : c);
        }
        return b.toString();
    }

    /**
     * @param d a duration
     * @return a short human form: {@code 750ms}, {@code 2s}, {@code 1.5s}
     */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return d.isZero() || ms > 0 ? ms + "ms" : (d.toNanos() / 1000) + "us";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.3fs", ms / 1000.0);
    }

    /**
     * Renders a URI for a detail: scheme, host, port and path only. User info, query and fragment are dropped
     * because a redirect target may carry a token there.
     *
     * @param raw the URI text as received, may be null or malformed
     * @return a safe rendering
     */
    public static String safeUri(String raw) {
        if (raw == null) {
            return "(no Location header)";
        }
        try {
            URI u = URI.create(raw.trim());
            StringBuilder b = new StringBuilder();
            if (u.getScheme() != null) {
                b.append(u.getScheme()).append("://");
            }
            if (u.getHost() != null) {
                b.append(u.getHost());
                if (u.getPort() >= 0) {
                    b.append(':').append(u.getPort());
                }
            }
            if (u.getRawPath() != null) {
                b.append(u.getRawPath());
            }
            if (u.getRawQuery() != null) {
                b.append("?...");
            }
            return printable(b.toString(), 120);
        } catch (IllegalArgumentException e) {
            return "(malformed Location header)";
        }
    }

    /**
     * @param uri a URI
     * @return {@code host:port} of the URI, with the scheme's default port when none is given
     */
    public static String hostPort(URI uri) {
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        return uri.getHost() + ":" + port;
    }
}
