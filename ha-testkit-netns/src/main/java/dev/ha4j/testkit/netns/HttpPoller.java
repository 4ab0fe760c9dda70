package dev.ha4j.testkit.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client of the lab, run as its own JVM inside the client namespace: it reads commands from standard input
 * and answers one line each on standard output. Every attempt opens a new TCP connection, so that it follows
 * the client's neighbour table (ARP/NDP) the way a real new client would. Exits when standard input closes.
 *
 * <p>Commands:
 * <ul>
 *   <li>{@code get HOST PORT TIMEOUT_MS} → {@code body TEXT} or {@code error WHAT}: one request;</li>
 *   <li>{@code await HOST PORT BODY TIMEOUT_MS} → {@code ok ELAPSED_NANOS ATTEMPTS LONGEST_MS} as soon as an
 *       answer with {@code BODY} arrives, or {@code timeout LAST ATTEMPTS LONGEST_MS}: repeated requests, one at a
 *       time, each connect limited to 15 ms (a SYN sent to the old node's MAC is lost) so that the first answer
 *       after a move is seen promptly, each answer to 250 ms; {@code LONGEST_MS} is the longest single attempt
 *       (an attempt the old node accepted but could no longer answer after losing the address waits out those
 *       250 ms).</li>
 * </ul>
 * Started by {@link NetnsLab#startClient()}; the Java side is {@link LabClient}.
 *
 * <p>Not meant to be used as a library class: its only entry point is {@link #main(String[])}.
 */
public final class HttpPoller {
    private static final int CONNECT_MS = 15;

    private HttpPoller() {
    }

    /**
     * Answers commands until standard input closes.
     *
     * @param args none
     * @throws IOException if standard input or output fail
     */
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            String reply;
            try {
                if (w.length == 4 && w[0].equals("get")) {
                    reply = once(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), Integer.parseInt(w[3]));
                } else if (w.length == 5 && w[0].equals("await")) {
                    reply = await(w[1], Integer.parseInt(w[2]), w[3], Long.parseLong(w[4]));
                } else {
                    reply = "error bad-command";
                }
            } catch (RuntimeException e) {
                reply = "error " + e.toString().replace('\n', ' ');
            }
            System.out.println(reply);
            System.out.flush();
        }
        System.exit(0);
    }

    private static String await(String host, int port, String body, long timeoutMs) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeoutMs * 1_000_000L;
        String last = "none";
        int attempts = 0;
        long longest = 0;
        while (System.nanoTime() - deadline < 0) {
            attempts++;
            long a0 = System.nanoTime();
            int left = (int) Math.max(1, Math.min(250, (deadline - a0) / 1_000_000L));
            String r = once(host, port, Math.min(CONNECT_MS, left), left);
            longest = Math.max(longest, (System.nanoTime() - a0) / 1_000_000L);
            if (r.equals("body " + body)) {
                return "ok " + (System.nanoTime() - t0) + " " + attempts + " " + longest;
            }
            last = r.replace(' ', '_');
            if (System.nanoTime() - a0 < 5_000_000L) {
                pause();
            }
        }
        return "timeout " + last + " " + attempts + " " + longest;
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String once(String host, int port, int connectMs, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), connectMs);
            s.setSoTimeout(timeoutMs);
            OutputStream o = s.getOutputStream();
            o.write(("GET / HTTP/1.0\r\nHost: vip\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream i = s.getInputStream();
            String resp = new String(i.readAllBytes(), StandardCharsets.UTF_8);
            int at = resp.indexOf("\r\n\r\n");
            if (!resp.startsWith("HTTP/1.") || at < 0) {
                return "error bad-response";
            }
            return "body " + resp.substring(at + 4).strip();
        } catch (IOException e) {
            return "error " + e.getClass().getSimpleName();
        }
    }
}
