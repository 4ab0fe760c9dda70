package dev.ha4j.replication.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs one of PostgreSQL's tools as an argument list (never a shell string), as the data directory's owner
 * (through {@code runuser} when this JVM is root), within a deadline; a tool that overruns is killed with its
 * descendants. Secrets go into the environment only.
 *
 * <p>Stateless and thread-safe.
 */
public final class Tool {
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final int MAX_OUTPUT = 4096;

    private Tool() {
    }

    /**
     * The outcome of one run. Immutable and thread-safe.
     *
     * @param exit the exit status; -1 when it did not run or was killed
     * @param output its merged stdout and stderr, capped
     * @param timedOut whether the deadline killed it
     */
    public record Result(int exit, String output, boolean timedOut) {
        /** @return whether it exited 0 */
        public boolean ok() {
            return exit == 0 && !timedOut;
        }

        /** @return the last line of its output, for a result's detail */
        public String lastLine() {
            String t = output.strip();
            int i = t.lastIndexOf('\n');
            return i < 0 ? t : t.substring(i + 1);
        }
    }

    /**
     * @param user an operating system user name
     * @return whether it is a valid name that may reach a command line
     */
    public static boolean validUser(String user) {
        return user != null && USER.matcher(user).matches();
    }

    /**
     * Runs {@code args}.
     *
     * @param osUser who runs it (null: this JVM's user)
     * @param args the command and its arguments
     * @param env extra environment variables (secrets only here)
     * @param deadline when to kill it
     * @return the result, never an exception
     */
    public static Result run(String osUser, List<String> args, Map<String, String> env, Deadline deadline) {
        if (Thread.currentThread().isInterrupted()) {
            return new Result(-1, "interrupted before " + args.get(0), false);
        }
        List<String> cmd = new ArrayList<>();
        if (ROOT && osUser != null && !"root".equals(osUser)) {
            if (!validUser(osUser)) {
                return new Result(-1, "invalid os user", false);
            }
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        Path out = null;
        try {
            out = Files.createTempFile("ha4j-pg-", ".out");
            pb.redirectOutput(out.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(p);
                return new Result(-1, "interrupted while " + Path.of(args.get(0)).getFileName() + " ran", true);
            }
            if (!done) {
                kill(p);
                return new Result(-1, read(out), true);
            }
            return new Result(p.exitValue(), read(out), false);
        } catch (IOException e) {
            return new Result(-1, "cannot run " + Path.of(args.get(0)).getFileName() + ": " + e.getMessage(), false);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String read(Path out) throws IOException {
        byte[] b = Files.readAllBytes(out);
        int from = Math.max(0, b.length - MAX_OUTPUT);
        return new String(b, from, b.length - from, StandardCharsets.UTF_8);
    }
}
