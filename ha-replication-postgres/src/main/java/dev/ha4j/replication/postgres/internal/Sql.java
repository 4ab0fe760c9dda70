package dev.ha4j.replication.postgres.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs JDBC work against one server within a deadline. The driver's own timeouts count in whole seconds and do
 * not cover every step (a server that accepts the connection and never answers), so the work runs on a worker
 * and the caller waits no longer than the deadline; on overrun the connection is aborted, which closes its
 * socket and frees the worker.
 *
 * <p>Thread-safe.
 */
public final class Sql implements AutoCloseable {
    /** What kind of failure an attempt ended with. Immutable and thread-safe. */
    public enum Failure {
        /** The server could not be reached (refused, no route, closed mid-call). */
        UNREACHABLE,
        /** The server refused the credentials. */
        AUTHENTICATION,
        /** The deadline passed. */
        TIMED_OUT,
        /** The call was interrupted. */
        INTERRUPTED,
        /** The server answered with an error. */
        ERROR
    }

    /**
     * One unit of work on an open connection; it runs on one worker thread at a time.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param c the connection
         * @return the result
         * @throws SQLException if a statement fails
         */
        T apply(Connection c) throws SQLException;
    }

    /**
     * The outcome of one attempt: a value, or a failure with a message that never holds a secret. Immutable and
     * thread-safe.
     *
     * @param value the value, or null on failure
     * @param failure the failure, or null on success
     * @param message what went wrong
     * @param sqlState the server's SQLSTATE, when it sent one
     * @param <T> the value's type
     */
    public record Attempt<T>(T value, Failure failure, String message, String sqlState) {
        /** @return whether it succeeded */
        public boolean ok() {
            return failure == null;
        }
    }

    private final ExecutorService workers;

    /** Creates the worker pool (daemon threads). */
    public Sql() {
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ha4j-postgres-sql-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to {@code url} and runs {@code work}, all within {@code deadline}.
     *
     * @param url the JDBC URL
     * @param connection the connection properties (user, password, TLS), copied
     * @param deadline the deadline
     * @param work the work
     * @param <T> what it returns
     * @return the attempt, never an exception
     */
    public <T> Attempt<T> call(String url, Properties connection, Deadline deadline, Work<T> work) {
        if (Thread.currentThread().isInterrupted()) {
            return new Attempt<>(null, Failure.INTERRUPTED, "interrupted before connecting", null);
        }
        if (deadline.passed()) {
            return new Attempt<>(null, Failure.TIMED_OUT, "no time left to connect", null);
        }
        Properties p = new Properties();
        p.putAll(connection);
        int seconds = deadline.seconds() + 1;
        p.setProperty("connectTimeout", String.valueOf(seconds));
        p.setProperty("loginTimeout", String.valueOf(seconds));
        p.setProperty("socketTimeout", String.valueOf(seconds));
        p.setProperty("options", "-c statement_timeout=" + Math.max(1, deadline.remaining().toMillis()));
        AtomicReference<Connection> open = new AtomicReference<>();
        Future<T> f;
        try {
            f = workers.submit(() -> {
                try (Connection c = DriverManager.getConnection(url, p)) {
                    open.set(c);
                    return work.apply(c);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return new Attempt<>(null, Failure.ERROR, "replicator closed", null);
        }
        try {
            return new Attempt<>(f.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS), null, "", null);
        } catch (TimeoutException e) {
            abort(open.get(), f);
            return new Attempt<>(null, Failure.TIMED_OUT, "no answer within the deadline", null);
        } catch (InterruptedException e) {
            abort(open.get(), f);
            Thread.currentThread().interrupt();
            return new Attempt<>(null, Failure.INTERRUPTED, "interrupted", null);
        } catch (ExecutionException e) {
            return classify(e.getCause());
        }
    }

    private void abort(Connection c, Future<?> f) {
        f.cancel(true);
        if (c != null) {
            try {
                c.abort(workers);
            } catch (SQLException | RuntimeException ignored) {
                // the worker's own socket timeout ends it anyway
            }
        }
    }

    private static <T> Attempt<T> classify(Throwable t) {
        if (t instanceof SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String msg = oneLine(e.getMessage());
            if (state.equals("28P01") || state.equals("28000")) {
                return new Attempt<>(null, Failure.AUTHENTICATION, "authentication failed: " + msg, state);
            }
            if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                return new Attempt<>(null, Failure.UNREACHABLE, msg, state);
            }
            if (state.equals("57014")) {
                return new Attempt<>(null, Failure.TIMED_OUT, "statement cancelled at the deadline", state);
            }
            return new Attempt<>(null, Failure.ERROR, msg + (state.isEmpty() ? "" : " [" + state + "]"), state);
        }
        return new Attempt<>(null, Failure.ERROR, t.getClass().getSimpleName() + ": " + oneLine(t.getMessage()),
                null);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replace('\n', ' ').strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /**
     * @param d a duration
     * @return it in whole seconds, at least 1
     */
    public static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toSeconds()));
    }

    /** Stops the workers; calls still running end at their socket timeout. */
    @Override
    public void close() {
        workers.shutdownNow();
    }

    /**
     * Loads the driver class so that {@link DriverManager} finds it in every class loader setup.
     *
     * @return whether the driver is there
     */
    public static boolean driverPresent() {
        try {
            Class.forName("org.postgresql.Driver");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static {
        driverPresent();
    }
}
