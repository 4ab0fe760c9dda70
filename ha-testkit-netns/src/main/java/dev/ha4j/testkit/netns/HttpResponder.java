package dev.ha4j.testkit.netns;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server run as its own JVM inside a node namespace: it answers every request with a fixed body
 * (the node's name), on every address of the namespace, IPv4 and IPv6, so it also answers on a virtual IP that
 * arrives later. It exits when its standard input closes, so it never outlives the test that started it, even a
 * killed one.
 *
 * <p>Usage: {@code java -cp ha-testkit-netns.jar dev.ha4j.testkit.netns.HttpResponder PORT BODY}; prints
 * {@code READY} once it listens. Started by {@link NetnsLab#startHttpServer(String, int, String)}.
 *
 * <p>Not meant to be used as a library class: its only entry point is {@link #main(String[])}.
 */
public final class HttpResponder {
    private HttpResponder() {
    }

    /**
     * Serves {@code BODY} on {@code PORT} until standard input closes.
     *
     * @param args the port and the body
     * @throws IOException if the port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: HttpResponder PORT BODY");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        byte[] body = (args[1] + "\n").getBytes(StandardCharsets.UTF_8);
        // the wildcard address is dual-stack where IPv6 is enabled
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "responder");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().set("Connection", "close");
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
        });
        server.start();
        System.out.println("READY");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // wait for the parent to go away
        }
        server.stop(0);
        System.exit(0);
    }
}
