package dev.ha4j.examples.samples;

import dev.ha4j.core.Notification;
import dev.ha4j.core.spi.Notifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample {@link Notifier}: posts every notification as a small JSON object to a webhook (a chat room, a pager
 * service). The post is asynchronous, so a slow or dead webhook never holds up the runtime's decisions; a
 * failed post is logged and counted, never thrown.
 *
 * <p>Thread-safe.
 */
public final class WebhookNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;
    private final AtomicLong failures = new AtomicLong();

    /**
     * Creates a notifier.
     *
     * @param url the webhook; its query string may carry a token, so it is never logged whole
     * @param timeout how long one post may take
     */
    public WebhookNotifier(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void notify(Notification n) {
        String json = "{\"at\":\"" + n.at() + "\",\"kind\":\"" + n.kind() + "\",\"node\":"
                + n.node().map(x -> "\"" + escape(x.name()) + "\"").orElse("null") + ",\"epoch\":" + n.epoch().value()
                + ",\"message\":\"" + escape(n.message()) + "\"}";
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null || r.statusCode() / 100 != 2) {
                failures.incrementAndGet();
                LOG.warn("webhook {} did not take notification {}: {}", redacted(), n.kind(),
                        e != null ? e.toString() : "HTTP " + r.statusCode());
            }
        });
    }

    /**
     * Tells how many posts failed so far, for a health page or a metric.
     *
     * @return the number of failed posts
     */
    public long failures() {
        return failures.get();
    }

    private String redacted() {
        return url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "WebhookNotifier{" + redacted() + "}";
    }
}
