package dev.ha4j.probe.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The exception → verdict mapping for cases a loopback test cannot produce (no route, unresolvable names,
 * network unreachable) and for the wrappers the JDK client adds. The loopback ITs cover refused, connect
 * timeout, request timeout, TLS and protocol errors end to end.
 */
class FailureClassifierTest {
    private static final Duration T = Duration.ofSeconds(1);
    private static final Duration CT = Duration.ofMillis(500);

    private static ProbeResult c(Throwable t) {
        return FailureClassifier.classify(t, "h:1", T, CT);
    }

    private static Throwable chain(Throwable outer, Throwable cause) {
        outer.initCause(cause);
        return outer;
    }

    @Test
    void refusedInAllItsJdkShapes() {
        assertThat(c(new ConnectException("Connection refused")).failure()).contains(FailureKind.CRASHED);
        // JDK client: the retry on the closed channel hides the reason.
        ProbeResult r = c(new CompletionException(chain(new ConnectException(), new ClosedChannelException())));
        assertThat(r.status()).isEqualTo(HealthStatus.FAILED);
        assertThat(r.failure()).contains(FailureKind.CRASHED);
        assertThat(r.detail()).contains("refused by h:1");
    }

    @Test
    void unreachableShapes() {
        for (Throwable t : new Throwable[] {
            new HttpConnectTimeoutException("HTTP connect timed out"),
            chain(new ConnectException("No route to host"), new NoRouteToHostException("No route to host")),
            new NoRouteToHostException("No route to host"),
            chain(new ConnectException("Network is unreachable"), new SocketException("Network is unreachable")),
            new ConnectException("Connection timed out"),
            new UnknownHostException("nope.invalid"),
            chain(new ConnectException(null), new UnresolvedAddressException()),
            new ExecutionException(new ConnectException("something odd")),
        }) {
            ProbeResult r = c(t);
            assertThat(r.status()).as("%s", t).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(r.failure()).as("%s", t).contains(FailureKind.NODE_UNREACHABLE);
        }
    }

    @Test
    void requestTimeoutIsHung() {
        ProbeResult r = c(new CompletionException(new HttpTimeoutException("request timed out")));
        assertThat(r.failure()).contains(FailureKind.HUNG);
        assertThat(r.detail()).contains("within 1s").doesNotContain("not confirmed");
        ProbeResult unsure = FailureClassifier.classify(new HttpTimeoutException("x"), "h:1", CT, T);
        assertThat(unsure.detail()).contains("not confirmed");
    }

    @Test
    void tlsWinsWhereverItSitsInTheChain() {
        ProbeResult r = c(chain(new ConnectException("x"), new SSLHandshakeException("PKIX path building failed")));
        assertThat(r.failure()).contains(FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).startsWith("TLS: ").contains("PKIX");
    }

    @Test
    void protocolTroubleIsABadResponse() {
        for (Throwable t : new Throwable[] {
            new ProtocolException("Invalid status line"), new EOFException("EOF reached"),
            new SocketException("Connection reset"), new IOException("HTTP/1.1 header parser received no bytes"),
            new IllegalStateException("weird")}) {
            assertThat(c(t).failure()).as("%s", t).contains(FailureKind.BAD_RESPONSE);
        }
        assertThat(c(new CancellationException()).failure()).contains(FailureKind.HUNG);
    }

    @Test
    void detailsAreBounded() {
        ProbeResult r = c(new IOException("x".repeat(5000) + "\n\u001b"));
        assertThat(r.detail()).hasSizeLessThan(260).doesNotContain("\n");
    }
}
