package dev.ha4j.testkit.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Runs PostgreSQL's tools as an argument list, as the unprivileged server user. Stateless and thread-safe. */
final class Tools {
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private Tools() {
    }

    /** The result of one tool run. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    static boolean isRoot() {
        return ROOT;
    }

    static String validUser(String user) {
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("os user '" + user + "' is invalid: use [a-z_][a-z0-9_-]{0,31}");
        }
        return user;
    }

    /** Runs {@code args} as {@code user} (through runuser when this JVM is root), capturing the output. */
    static Result run(String user, List<String> args, Map<String, String> env, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        if (ROOT && user != null && !"root".equals(user)) {
            cmd.addAll(List.of("runuser", "-u", validUser(user), "--"));
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = null;
        try {
            out = Files.createTempFile("ha4j-pg-tool", ".out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", args));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(p.exitValue(), text.length() > 4000 ? text.substring(0, 4000) : text);
        } catch (IOException e) {
            return new Result(-1, "cannot run " + args.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
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

    /** Writes {@code text} to {@code file} with mode 0600, owned by {@code owner} when this JVM is root. */
    static void writePrivate(Path file, String text, UserPrincipal owner) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        if (owner != null) {
            Files.setOwner(file, owner);
        }
    }

    /** @return whether {@code pid} runs and is no zombie (the JDK's isAlive() says true for zombies) */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** SIGKILLs every process of {@code processes} (first one first) and waits until none is alive. */
    static void killAndWait(List<ProcessHandle> processes, Duration timeout) {
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(p -> alive(p.pid())) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
