package dev.ha4j.probe.http.support;

import dev.ha4j.testkit.Prerequisites;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx as a real reverse proxy on a loopback port, with its configuration, logs and temp files in a
 * temp directory: started in the foreground ({@code daemon off}) so that its master is our child, stopped by
 * its PID (SIGTERM, then SIGKILL), the directory removed. Not thread-safe.
 */
public final class Nginx implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/nginx");
    private final Path dir;
    private final Process process;
    private final int port;

    private Nginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts nginx with the given {@code server { ... }} body (without {@code listen}); skips the test (or fails
     * it under HA4J_IT_REQUIRED=1) when nginx is not installed.
     *
     * @param serverBody directives inside the server block, such as {@code location / { proxy_pass ...; }}
     * @return the running proxy, listening on 127.0.0.1:{@link #port()}
     */
    public static Nginx start(String serverBody) throws IOException, InterruptedException {
        Prerequisites.require(Files.isExecutable(BINARY), "nginx is not installed (Debian: apt-get install nginx-light)");
        Path dir = Files.createTempDirectory("ha4j-nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String conf = "worker_processes 1;\n"
                + "error_log " + dir.resolve("error.log") + " info;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "events { worker_connections 64; }\n"
                + "http {\n"
                + "  access_log " + dir.resolve("access.log") + ";\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + serverBody + "\n"
                + "  }\n"
                + "}\n";
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(List.of(BINARY.toString(), "-p", dir.toString(), "-e",
                dir.resolve("error.log").toString(), "-c", confFile.toString(), "-g", "daemon off;"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx n = new Nginx(dir, p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
                n.close();
                throw new IOException("nginx exited with " + p.exitValue() + ": " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return n;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        n.close();
        throw new IOException("nginx did not listen on port " + port + " within 10 s");
    }

    /** @return the port nginx listens on */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ProcessHandle h = process.toHandle();
        List<ProcessHandle> workers = h.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle w : workers) {
            w.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
