package dev.ha4j.testkit.netns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP client in the lab's client namespace (a {@link HttpPoller} in its own JVM): every request opens a new
 * TCP connection, so what it reaches follows the client's neighbour table, as for a real new client.
 *
 * <p>Thread-safe: one command at a time.
 */
public final class LabClient extends LabProcess {
    LabClient(String namespace, List<String> command) {
        super(namespace, command);
    }

    /**
     * Sends one request.
     *
     * @param host the address (IPv4 or IPv6 literal)
     * @param port the port
     * @param timeout how long the request may take
     * @return the body, or empty if no answer came
     */
    public synchronized Optional<String> get(String host, int port, Duration timeout) {
        send("get " + host + " " + port + " " + Math.max(1, timeout.toMillis()));
        String r = nextLine(timeout.plusSeconds(5));
        return r.startsWith("body ") ? Optional.of(r.substring(5)) : Optional.empty();
    }

    /**
     * Asks the client to repeat requests until one is answered with {@code body}; does not wait for the answer
     * (see {@link #awaitResult(Duration)}), so that the caller can act (move the address) while the client polls.
     *
     * @param host the address (IPv4 or IPv6 literal)
     * @param port the port
     * @param body the body to wait for (no spaces)
     * @param timeout how long the client keeps trying
     */
    public synchronized void startAwait(String host, int port, String body, Duration timeout) {
        send("await " + host + " " + port + " " + body + " " + timeout.toMillis());
    }

    /**
     * Waits for the outcome of the last {@link #startAwait}.
     *
     * @param max how long to wait for the client's answer
     * @return whether the body was seen in time
     */
    public synchronized Awaited awaitResult(Duration max) {
        String[] w = nextLine(max).split(" ");
        long longest = w.length > 3 ? Long.parseLong(w[3]) : -1;
        if (w[0].equals("ok")) {
            return new Awaited(true, "", Integer.parseInt(w[2]), longest);
        }
        return new Awaited(false, w.length > 1 ? w[1] : "?", w.length > 2 ? Integer.parseInt(w[2]) : 0, longest);
    }

    /**
     * The outcome of an {@code await}.
     *
     * @param reached whether the body was seen
     * @param lastSeen what the last attempt got when it was not ({@code body_X} or {@code error_Kind})
     * @param attempts how many requests were sent
     * @param longestAttemptMillis the longest single request, in milliseconds (-1 if unknown): one that waited
     *     out the client's 250 ms read timeout was accepted by a node that then lost the address before answering
     */
    public record Awaited(boolean reached, String lastSeen, int attempts, long longestAttemptMillis) {
        /**
         * An outcome without the longest attempt.
         *
         * @param reached whether the body was seen
         * @param lastSeen what the last attempt got when it was not
         * @param attempts how many requests were sent
         */
        public Awaited(boolean reached, String lastSeen, int attempts) {
            this(reached, lastSeen, attempts, -1);
        }
    }
}
