package dev.ha4j.probe.http.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The servers of {@link ProbeLoadHarness}, run in a child JVM so that their CPU and heap do not count against
 * the probe: {@code K} JDK HttpServers (or, with "nio", {@code K} ports of one {@link NioStatusServer}) on
 * 127.0.0.1 (free ports) that answer every path with {@code 200 {"state":"RUNNING"}}. Prints
 * {@code PORTS p1,p2,...} and runs until its standard input closes.
 */
public final class LoadServers {
    private LoadServers() {
    }

    public static void main(String[] args) throws IOException {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        if (args.length > 1 && args[1].equals("nio")) {
            NioStatusServer nio = new NioStatusServer(k);
            System.out.println("PORTS " + nio.ports().stream().map(String::valueOf).collect(Collectors.joining(",")));
            System.out.flush();
            Thread t = new Thread(() -> {
                try {
                    nio.serve();
                } catch (IOException e) {
                    e.printStackTrace();
                }
            }, "nio-status-server");
            t.setDaemon(true);
            t.start();
            while (System.in.read() >= 0) {
                // ignore input
            }
            System.exit(0);
        }
        byte[] body = "{\"state\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            s.setExecutor(pool);
            s.createContext("/", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(body);
                    }
                }
            });
            s.start();
            servers.add(s);
        }
        System.out.println("PORTS " + servers.stream().map(s -> String.valueOf(s.getAddress().getPort()))
                .collect(Collectors.joining(",")));
        System.out.flush();
        // The parent holds our stdin; when it goes away (normally or not), so do we.
        while (System.in.read() >= 0) {
            // ignore input
        }
        servers.forEach(s -> s.stop(0));
        pool.shutdownNow();
        System.exit(0);
    }
}
