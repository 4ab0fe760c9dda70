package dev.ha4j.probe.http.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real JDK {@link HttpServer} on 127.0.0.1 with a free port whose answer per path can be changed while it
 * runs; it records the headers of every request it receives.
 */
public final class StatusServer implements AutoCloseable {
    /** One canned answer. */
    public record Answer(int code, String body, Map<String, String> headers) {
        public static Answer of(int code, String body) {
            return new Answer(code, body, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-status-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();
    private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger hits = new AtomicInteger();
    private final java.util.Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private volatile Answer fallback;

    private StatusServer(HttpServer server) {
        this.server = server;
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return a plain HTTP server */
    public static StatusServer start() throws IOException {
        return new StatusServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /** @return an HTTPS server with the given server context */
    public static StatusServer startTls(SSLContext ctx) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return new StatusServer(s);
    }

    private void handle(HttpExchange ex) throws IOException {
        hits.incrementAndGet();
        clientPorts.add(ex.getRemoteAddress().getPort());
        if (requests.size() < 1000) {
            requests.add(Map.copyOf(ex.getRequestHeaders()));
        }
        String path = ex.getRequestURI().getPath();
        HttpHandler h = handlers.get(path);
        try (ex) {
            if (h == null && fallback != null) {
                send(ex, fallback);
            } else if (h == null) {
                send(ex, Answer.of(599, "no handler for " + path));
            } else {
                h.handle(ex);
            }
        }
    }

    /** Answers {@code path} with {@code answer}. */
    public StatusServer answer(String path, Answer answer) {
        handlers.put(path, ex -> send(ex, answer));
        return this;
    }

    /** Answers {@code path} with code and JSON {"state": state}. */
    public StatusServer state(String path, int code, String field, String state) {
        return answer(path, Answer.of(code, "{\"" + field + "\":\"" + state + "\"}"));
    }

    /** Answers every path without its own answer with {@code answer}. */
    public StatusServer fallback(Answer answer) {
        this.fallback = answer;
        return this;
    }

    /** @return how many distinct client connections (by client port) the server saw */
    public int connections() {
        return clientPorts.size();
    }

    /** Handles {@code path} with custom code. */
    public StatusServer handler(String path, HttpHandler h) {
        handlers.put(path, h);
        return this;
    }

    public static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (!a.headers().containsKey("Content-Type")) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(a.code(), b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    public URI base() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int hits() {
        return hits.get();
    }

    public List<Map<String, List<String>>> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
