package dev.ha4j.probe.http.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw TCP server on 127.0.0.1 for misbehaviour the JDK HttpServer will not produce: it accepts connections
 * and hands each to a behaviour on its own (test) thread. Counts bytes the behaviours report as written.
 */
public final class RawServer implements AutoCloseable {
    /** What to do with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Socket s, RawServer server) throws Exception;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final AtomicLong written = new AtomicLong();
    private final List<Throwable> endings = new CopyOnWriteArrayList<>();

    public RawServer(Behaviour behaviour) throws IOException {
        this(behaviour, 512);
    }

    public RawServer(Behaviour behaviour, int backlog) throws IOException {
        this(behaviour, backlog, 0);
    }

    /** A server on a given port (0 for any), for a service that comes back where it was. */
    public RawServer(Behaviour behaviour, int backlog, int port) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    if (behaviour == null) {
                        continue; // hold the connection, never read, never answer
                    }
                    Thread w = new Thread(() -> {
                        try {
                            behaviour.serve(s, this);
                            endings.add(new RuntimeException("behaviour ended normally"));
                        } catch (Throwable e) {
                            endings.add(e);
                        }
                    }, "test-raw-server-worker");
                    w.setDaemon(true);
                    workers.add(w);
                    w.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-raw-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Reads the request head (up to the blank line) so the client sees its request consumed. */
    public static String readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    public static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    public void countWritten(long n) {
        written.addAndGet(n);
    }

    public long written() {
        return written.get();
    }

    public List<Throwable> endings() {
        return endings;
    }

    public int acceptedCount() {
        return accepted.size();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread w : workers) {
            w.interrupt();
        }
    }
}
