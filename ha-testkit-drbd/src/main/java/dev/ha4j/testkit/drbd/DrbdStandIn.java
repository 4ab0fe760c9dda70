package dev.ha4j.testkit.drbd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in {@code drbdadm}/{@code drbdsetup} for one two-node DRBD 9 resource, for tests on machines without
 * the DRBD kernel module. {@link #create} writes the script and two wrappers into a directory; a test puts
 * {@link #binDirectory()} first on the {@code PATH} of each node's commands ({@link #environment(String)} gives
 * the variables) and then changes the world with the methods below: partitions, disk states, a device held
 * open, a node that does not answer or has no kernel module, resync.
 *
 * <p>What it models, from the outputs recorded in {@code shared/labs/drbd}: {@code events2 --now} and
 * streaming {@code events2} with resync progress, {@code status --json}; {@code primary} refused with exit 17
 * ("Need access to UpToDate data") when not up to date and not forced, exit 11 with a Primary peer or no
 * quorum; {@code secondary} refused with exit 11 while the device is held open; {@code connect} after a
 * partition in which both sides were promoted ends StandAlone on both (split brain), else resyncs the side that
 * was not primary; {@code outdate} exits 5 on an inconsistent disk, 17 while Primary, 11 while connected;
 * without the module, {@code secondary}/{@code down}/{@code disconnect} exit 0 doing nothing. It is not DRBD:
 * no data moves, and timing is not modelled beyond the resync steps.
 *
 * <pre>{@code
 * DrbdStandIn drbd = DrbdStandIn.create(tempDir, "r0", "alice", "bob");
 * Map<String, String> env = drbd.environment("alice");   // PATH, DRBD_STANDIN_STATE, DRBD_STANDIN_NODE
 * drbd.partition();
 * }</pre>
 *
 * <p>Thread-safe: the script serialises its own invocations with {@code flock}; the setters write one file each.
 */
public final class DrbdStandIn {
    private final Path dir;
    private final Path state;
    private final Path bin;
    private final Path script;
    private final String resource;
    private final String node0;
    private final String node1;

    private DrbdStandIn(Path dir, String resource, String node0, String node1) {
        this.dir = dir;
        this.state = dir.resolve("state");
        this.bin = dir.resolve("bin");
        this.script = dir.resolve("drbd-standin.sh");
        this.resource = resource;
        this.node0 = node0;
        this.node1 = node1;
    }

    /**
     * Writes the stand-in into {@code dir} with both nodes up, connected, Secondary and UpToDate.
     *
     * @param dir an empty directory the test owns (a JUnit {@code @TempDir})
     * @param resource the resource name
     * @param node0 the first node's name (node id 0)
     * @param node1 the second node's name (node id 1)
     * @return the stand-in
     * @throws UncheckedIOException if the files cannot be written
     * @throws IllegalArgumentException if a name is not a plain word
     */
    public static DrbdStandIn create(Path dir, String resource, String node0, String node1) {
        for (String n : List.of(resource, node0, node1)) {
            if (!n.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
                throw new IllegalArgumentException("name '" + n + "' must be a plain word");
            }
        }
        if (node0.equals(node1)) {
            throw new IllegalArgumentException("the two nodes need different names, both are " + node0);
        }
        DrbdStandIn s = new DrbdStandIn(dir, resource, node0, node1);
        try {
            Files.createDirectories(s.bin);
            Files.createDirectories(s.state.resolve(node0));
            Files.createDirectories(s.state.resolve(node1));
            try (InputStream in = DrbdStandIn.class.getResourceAsStream("drbd-standin.sh")) {
                Files.write(s.script, Objects.requireNonNull(in, "drbd-standin.sh resource").readAllBytes());
            }
            for (String prog : List.of("drbdadm", "drbdsetup")) {
                Path w = s.bin.resolve(prog);
                Files.writeString(w, "#!/bin/sh\nexec bash '" + s.script + "' " + prog + " \"$@\"\n");
                Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.writeString(s.state.resolve("resource"), resource + "\n");
            Files.writeString(s.state.resolve("nodes"), node0 + " " + node1 + "\n");
            Files.writeString(s.state.resolve("net"), "up\n");
            Files.writeString(s.state.resolve("log"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** @return the directory holding {@code drbdadm} and {@code drbdsetup}, to put first on the PATH */
    public Path binDirectory() {
        return bin;
    }

    /** @return the resource name */
    public String resource() {
        return resource;
    }

    /**
     * The variables a node's commands need: {@code PATH} with the stand-in first, the state directory and the
     * node's name.
     *
     * @param node one of the two nodes
     * @return the variables
     */
    public Map<String, String> environment(String node) {
        check(node);
        return Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "DRBD_STANDIN_STATE", state.toString(), "DRBD_STANDIN_NODE", node);
    }

    private void check(String node) {
        if (!node.equals(node0) && !node.equals(node1)) {
            throw new IllegalArgumentException("node '" + node + "' is neither " + node0 + " nor " + node1);
        }
    }

    /**
     * Sets one state file of a node: {@code role} (Primary, Secondary), {@code disk} (UpToDate, Consistent,
     * Outdated, Inconsistent, Diskless), {@code open} (yes, no), {@code quorum} (yes, no), {@code conn}
     * (Connected, Connecting, StandAlone), {@code up} (1, 0).
     *
     * @param node the node
     * @param key the file
     * @param value its value
     */
    public void set(String node, String key, String value) {
        check(node);
        if (!key.matches("role|disk|open|quorum|conn|up") || !value.matches("[A-Za-z0-9]{1,20}")) {
            throw new IllegalArgumentException("cannot set " + key + "=" + value);
        }
        write(state.resolve(node).resolve(key), value + "\n");
    }

    /**
     * Reads one state file of a node, as {@link #set} names them.
     *
     * @param node the node
     * @param key the file
     * @return its value, or null when never set (the script's default applies)
     */
    public String get(String node, String key) {
        check(node);
        Path p = state.resolve(node).resolve(key);
        try {
            return Files.exists(p) ? Files.readString(p).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the device on a node held open (a mounted file system), so that {@code secondary} fails.
     *
     * @param node the node
     * @param open whether it is held open
     */
    public void holdOpen(String node, boolean open) {
        set(node, "open", open ? "yes" : "no");
    }

    /**
     * Makes a node answer like an unreachable SSH peer (exit 255), or answer again.
     *
     * @param node the node
     * @param on whether it is unreachable
     */
    public void unreachable(String node, boolean on) {
        flag(node, "unreachable", on);
    }

    /**
     * Makes a node's commands hang until they are killed, or answer again.
     *
     * @param node the node
     * @param on whether they hang
     */
    public void hang(String node, boolean on) {
        flag(node, "hang", on);
    }

    /**
     * Makes a node behave like drbd-utils without the kernel module: exit 20, but {@code secondary},
     * {@code down}, {@code disconnect} and {@code detach} exit 0 doing nothing.
     *
     * @param node the node
     * @param on whether the module is missing
     */
    public void noModule(String node, boolean on) {
        flag(node, "nomodule", on);
    }

    /**
     * The node.
     *
     * @param node the node
     * @return whether the stand-in decided on a split brain for it at the last handshake
     */
    public boolean splitBrain(String node) {
        check(node);
        return Files.exists(state.resolve(node).resolve("splitbrain"));
    }

    /**
     * Cuts the replication link: both connections go Connecting, the peers' roles become Unknown, and a Primary
     * counts as writing apart (a later meeting with a peer that was promoted too is a split brain).
     */
    public void partition() {
        write(state.resolve("net"), "down\n");
        for (String n : List.of(node0, node1)) {
            if ("Primary".equals(get(n, "role"))) {
                // a Primary cut off keeps writing: its data diverges from the peer's
                flag(n, "diverged", true);
            }
            if ("Connected".equals(get(n, "conn")) || get(n, "conn") == null) {
                set(n, "conn", "Connecting");
            }
        }
    }

    /**
     * Restores the link and lets the nodes meet (a handshake from the first node): a split brain when both
     * were primary apart, else a resync of the side that was not.
     */
    public void heal() {
        write(state.resolve("net"), "up\n");
        String who = "StandAlone".equals(get(node0, "conn")) ? node1 : node0;
        run(who, "drbdadm", "connect", resource);
    }

    /**
     * Starts a resync towards {@code target} at {@code percent}; a streaming {@code events2} advances it by
     * {@code step} percent every 100 ms until it completes.
     *
     * @param target the SyncTarget node
     * @param percent the progress so far
     * @param step the progress per 100 ms
     */
    public void startSync(String target, double percent, double step) {
        check(target);
        set(target, "disk", "Inconsistent");
        write(state.resolve("synctarget"), target + "\n");
        write(state.resolve("syncstep"), String.format(java.util.Locale.ROOT, "%.2f%n", step));
        write(state.resolve("sync"), String.format(java.util.Locale.ROOT, "%.2f%n", percent));
    }

    /** @return every command the stand-in was called with, as "NODE PROGRAM ARGS" lines */
    public List<String> log() {
        try {
            return Files.readAllLines(state.resolve("log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the stand-in as a node would, for test set-up.
     *
     * @param node the node
     * @param command the program (drbdadm or drbdsetup) and its arguments
     * @return the exit code
     */
    public int run(String node, String... command) {
        check(node);
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", script.toString())));
        pb.command().addAll(List.of(command));
        pb.environment().putAll(environment(node));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the stand-in did not answer " + String.join(" ", command));
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void flag(String node, String name, boolean on) {
        check(node);
        Path p = state.resolve(node).resolve(name);
        try {
            if (on) {
                Files.writeString(p, "");
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "DrbdStandIn[" + resource + " on " + node0 + ", " + node1 + " in " + dir + "]";
    }
}
