package dev.ha4j.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The service the demo keeps available: a small HTTP server on loopback that answers {@code GET /status} the
 * way Atlassian Stash/Bitbucket does ({@code {"state":"STARTING"}} with 503 while booting, then
 * {@code {"state":"RUNNING"}} with 200), and {@code GET /} with the name of the node that served it.
 *
 * <p>It can be told to misbehave: {@code POST /control/crash} ends the process at once (exit 137),
 * {@code POST /control/hang} makes {@code /status} never answer, {@code POST /control/error} reports
 * {@code ERROR} with 500, and a file named {@code fail-start} in its folder makes it fail to start (exit 1
 * with a message, as a wrong binary version or bad configuration would).
 *
 * <p>Usage: {@code DemoService <name> <port> <folder> [startDelayMillis]}.
 */
public final class DemoService {
    private static volatile String state = "STARTING";
    private static volatile boolean hang;

    private DemoService() {
    }

    /**
     * @param args name, port, folder, optional start delay in milliseconds
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: DemoService <name> <port> <folder> [startDelayMillis]");
            System.exit(2);
        }
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        Path folder = Path.of(args[2]);
        long startDelay = args.length > 3 ? Long.parseLong(args[3]) : 500;
        if (Files.exists(folder.resolve("fail-start"))) {
            System.err.println(name + ": fatal: this build does not match the database schema; refusing to start");
            System.exit(1);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "demo-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", ex -> {
            if (hang) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String s = state;
            int code = switch (s) {
                case "RUNNING" -> 200;
                case "ERROR" -> 500;
                default -> 503;
            };
            reply(ex, code, "{\"state\":\"" + s + "\"}");
        });
        server.createContext("/control/crash", ex -> {
            reply(ex, 200, "crashing");
            Runtime.getRuntime().halt(137);
        });
        server.createContext("/control/hang", ex -> {
            hang = true;
            reply(ex, 200, "hanging");
        });
        server.createContext("/control/error", ex -> {
            state = "ERROR";
            reply(ex, 200, "error");
        });
        server.createContext("/", ex -> reply(ex, 200, "served by " + name + "\n"));
        server.start();
        Files.writeString(folder.resolve("service.pid"), Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(startDelay);
        if (state.equals("STARTING")) {
            state = "RUNNING";
        }
        new CountDownLatch(1).await();
    }

    private static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
