package dev.ha4j.probe.http.internal;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.ProbeResult;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Maps what the JDK HTTP client throws to a verdict a policy can act on.
 *
 * <table>
 *   <caption>Transport failures</caption>
 *   <tr><th>seen</th><th>verdict</th></tr>
 *   <tr><td>connection refused (the host answers, the port is closed)</td><td>FAILED / CRASHED</td></tr>
 *   <tr><td>connect timeout, no route, host or network unreachable, name not resolvable</td>
 *       <td>UNREACHABLE / NODE_UNREACHABLE</td></tr>
 *   <tr><td>request timeout (accepted, no answer)</td><td>FAILED / HUNG</td></tr>
 *   <tr><td>TLS failure (handshake, certificate, host name)</td><td>FAILED / BAD_RESPONSE "TLS: ..."</td></tr>
 *   <tr><td>not HTTP, closed or reset before or during the answer</td><td>FAILED / BAD_RESPONSE</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class FailureClassifier {
    private FailureClassifier() {
    }

    /**
     * @param failure what the client completed with (wrappers such as {@link CompletionException} are looked
     *     through)
     * @param target {@code host:port}, for the detail
     * @param timeout the probe's timeout, for the detail
     * @param connectTimeout the client's connect timeout, for the detail
     * @return the verdict, with zero latency
     */
    public static ProbeResult classify(Throwable failure, String target, Duration timeout, Duration connectTimeout) {
        return classify(failure, target, timeout, connectTimeout, connectTimeout);
    }

    /**
     * Like {@link #classify(Throwable, String, Duration, Duration)}, with the time the probe had run when the
     * failure arrived. A connect timeout from the client is {@link FailureKind#NODE_UNREACHABLE} only when the
     * connect phase itself timed out by this measure and before the probe's deadline; otherwise the probe's
     * deadline is what ended the wait, and the verdict is the deadline's ({@link FailureKind#HUNG}), whichever
     * timer happened to fire first.
     *
     * @param failure what the client completed with
     * @param target {@code host:port}, for the detail
     * @param timeout the probe's timeout
     * @param connectTimeout the client's connect timeout
     * @param elapsed how long the probe had run when the failure arrived
     * @return the verdict, with zero latency
     */
    public static ProbeResult classify(Throwable failure, String target, Duration timeout, Duration connectTimeout,
            Duration elapsed) {
        Throwable t = unwrap(failure);
        // The most telling cause may sit anywhere in the chain: TLS first, then the transport ones.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return ProbeResult.failed(FailureKind.BAD_RESPONSE, "TLS: " + message(c) + " (" + target + ")");
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                if (timeout.compareTo(connectTimeout) <= 0 || elapsed.compareTo(connectTimeout) < 0) {
                    return hung(target, timeout, connectTimeout);
                }
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "connect to " + target
                        + " timed out after " + Text.duration(connectTimeout) + " (host does not answer)");
            }
            if (c instanceof HttpTimeoutException) {
                return hung(target, timeout, connectTimeout);
            }
            if (c instanceof NoRouteToHostException) {
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "no route to " + target);
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "cannot resolve the host of " + target);
            }
            if (c instanceof ConnectException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("refused")) {
                    return ProbeResult.failed(FailureKind.CRASHED, "connection refused by " + target
                            + " (host answers, service down)");
                }
                if (m.contains("timed out")) {
                    return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "connect to " + target
                            + " timed out (host does not answer)");
                }
                if (m.contains("unreachable") || m.contains("no route")) {
                    return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "cannot connect to " + target + ": "
                            + message(c));
                }
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                if (c.getCause() instanceof ClosedChannelException) {
                    // The JDK client retries a connect that failed with a ConnectException once, on the channel
                    // the failure closed, and reports only that: ConnectException(null) caused by
                    // ClosedChannelException. On Linux NIO raises ConnectException for ECONNREFUSED (ETIMEDOUT
                    // only after the kernel's ~2 min of SYN retries, far past any probe deadline); no route
                    // and an unreachable network raise other exceptions, handled above.
                    return ProbeResult.failed(FailureKind.CRASHED, "connection refused by " + target
                            + " (host answers, service down)");
                }
                // Neither refused nor a timeout: the connect failed for a reason the OS did not name clearly.
                return ProbeResult.unreachable(FailureKind.NODE_UNREACHABLE, "cannot connect to " + target + ": "
                        + message(c));
            }
        }
        if (t instanceof ProtocolException || t instanceof EOFException || t instanceof SocketException) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "no valid HTTP answer from " + target + ": "
                    + message(t));
        }
        if (t instanceof IOException) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "no valid HTTP answer from " + target + ": "
                    + message(t));
        }
        if (t instanceof CancellationException) {
            return ProbeResult.failed(FailureKind.HUNG, "probe of " + target + " was cancelled");
        }
        return ProbeResult.failed(FailureKind.BAD_RESPONSE, "unexpected failure probing " + target + ": "
                + message(t));
    }

    /**
     * @param target {@code host:port}
     * @param timeout the probe's timeout
     * @param connectTimeout the client's connect timeout
     * @return the verdict for "no response headers within the timeout"
     */
    public static ProbeResult hung(String target, Duration timeout, Duration connectTimeout) {
        String unsure = timeout.compareTo(connectTimeout) <= 0
                ? "; the connect was not confirmed either (connectTimeout " + Text.duration(connectTimeout)
                + " is not shorter than the probe timeout)"
                : "";
        return ProbeResult.failed(FailureKind.HUNG, "no HTTP response from " + target + " within "
                + Text.duration(timeout) + unsure);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + Text.printable(m, 160));
    }
}
