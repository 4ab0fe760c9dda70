package dev.ha4j.testkit.ipmi;

import dev.ha4j.core.PowerState;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real BMC on loopback for tests and demos: Debian's {@code ipmi_sim} (package openipmi) with the lab
 * configuration shipped as resources beside this class ({@code ipmi-sim/}), in its own temporary folder on its
 * own free UDP port of {@value #HOST}. Its chassis power control starts and SIGKILLs a dummy
 * "node" process, so a test can observe the node die on OFF and start on ON. Also runs Debian's
 * {@code ipmitool} against it to cross-check.
 *
 * <p>Start one per test class ({@link #start()} in {@code @BeforeAll}) and {@link #close()} it in
 * {@code @AfterAll}: that kills the simulator, its hook processes and every node it started, by PID.
 *
 * <p>This is test support (like Curator's {@code TestingServer} in {@code curator-test}): it knows nothing of
 * any IPMI client, so point yours at {@link #HOST}:{@link #port()} with one of the lab users below. The lab
 * passwords are public; never reuse them on a real BMC.
 *
 * <p>Not thread-safe.
 */
public final class IpmiSimulator implements AutoCloseable {
    /** The address the simulator listens on. */
    public static final String HOST = "127.0.0.1";
    /** Administrator user of the lab configuration. */
    public static final String ADMIN = "admin";
    /** Its password. */
    public static final String ADMIN_PASSWORD = "adminpass";
    /** Operator user. */
    public static final String OPERATOR = "operator";
    /** Its password. */
    public static final String OPERATOR_PASSWORD = "operpass";
    /** USER-level user. */
    public static final String VIEWER = "viewer";
    /** Its password. */
    public static final String VIEWER_PASSWORD = "viewerpass";

    private static final String[] LAB_FILES = {"bmc.emu", "chassis-control.sh", "dummy-node.sh", "lan.conf.template"};
    private static final Pattern NODE_PID = Pattern.compile("node pid (\\d+)");

    private final Path lab;
    private final Path run;
    private final int port;
    private final Set<Long> nodePids = new LinkedHashSet<>();
    private Process sim;

    private IpmiSimulator(Path lab, int port) {
        this.lab = lab;
        this.run = lab.resolve("run");
        this.port = port;
    }

    /** @return whether {@code ipmi_sim} and {@code ipmitool} are on the PATH */
    public static boolean installed() {
        return onPath("ipmi_sim") && onPath("ipmitool");
    }

    private static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a simulator in a fresh temporary folder on a free UDP port of 127.0.0.1 and waits until it
     * answers a presence ping and a session.
     *
     * @return the running simulator
     * @throws IOException if it cannot be started
     */
    public static IpmiSimulator start() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Path lab = Files.createTempDirectory("ha4j-ipmi-sim-");
            IpmiSimulator s = new IpmiSimulator(lab, freeUdpPort());
            try {
                s.prepare();
                s.launch();
                return s;
            } catch (IOException e) {
                last = e;
                s.close();
            }
        }
        throw last;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void prepare() throws IOException {
        Path files = lab.resolve("lab-files");
        Files.createDirectories(files);
        Files.createDirectories(run);
        Files.createDirectories(lab.resolve("state"));
        for (String name : LAB_FILES) {
            try (InputStream in = IpmiSimulator.class.getResourceAsStream("ipmi-sim/" + name)) {
                if (in == null) {
                    throw new IOException("resource ipmi-sim/" + name + " is missing");
                }
                Files.copy(in, files.resolve(name));
            }
            if (name.endsWith(".sh")) {
                Files.setPosixFilePermissions(files.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        String conf = Files.readString(files.resolve("lan.conf.template"))
                .replace("@PORT@", Integer.toString(port))
                .replace("@HOOK@", files.resolve("chassis-control.sh").toString())
                .replace("@RUN@", run.toString());
        Files.writeString(lab.resolve("lan.conf"), conf);
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("setsid", "ipmi_sim", "-c", lab.resolve("lan.conf").toString(),
                "-f", lab.resolve("lab-files/bmc.emu").toString(), "-s", lab.resolve("state").toString(), "-n");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(lab.resolve("sim.out").toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        sim = pb.start();
        Files.writeString(lab.resolve("sim.pid"), Long.toString(sim.pid()));
        // Ready means: answers an RMCP presence ping, and then a whole lanplus session (ipmitool's).
        // The ping's receive timeout paces the loop; nothing sleeps.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!sim.isAlive()) {
                throw new IOException("ipmi_sim exited with " + sim.exitValue() + " on port " + port + ": "
                        + Files.readString(lab.resolve("sim.out")));
            }
            if (presencePing(HOST, port, Duration.ofMillis(50)) && ipmitoolPowerStatus() != PowerState.UNKNOWN) {
                return;
            }
        }
        throw new IOException("ipmi_sim on port " + port + " did not answer within 10 s");
    }

    /**
     * Sends one RMCP/ASF presence ping (DMTF DSP0136: RMCP class ASF, message type 0x80) and waits for the
     * pong (0x40). Used to tell when a BMC is up; any IPMI-over-LAN BMC answers it without a session.
     *
     * @param host the BMC's address
     * @param port its UDP port
     * @param timeout how long to wait for the pong; also the pause between tries when the port refuses
     * @return whether a pong came back in time
     * @throws IOException if no UDP socket can be opened
     */
    public static boolean presencePing(String host, int port, Duration timeout) throws IOException {
        int tag = (int) Math.floorMod(System.nanoTime(), 0xFEL) + 1; // 1..0xFE; 0xFF would mean "no answer wanted"
        byte[] ping = {0x06, 0x00, (byte) 0xFF, 0x06, // RMCP v1.0, no ACK, class ASF
            0x00, 0x00, 0x11, (byte) 0xBE, // IANA enterprise number of ASF (4542)
            (byte) 0x80, (byte) tag, 0x00, 0x00}; // presence ping, tag, reserved, no data
        long end = System.nanoTime() + timeout.toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(host, port));
            socket.send(new DatagramPacket(ping, ping.length));
            byte[] buf = new byte[64];
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                DatagramPacket answer = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(answer);
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (PortUnreachableException e) {
                    // not bound yet: wait out the timeout on a socket nobody answers, then let the caller retry
                    waitOut(end);
                    return false;
                }
                if (answer.getLength() >= 10 && buf[3] == 0x06 && (buf[8] & 0xFF) == 0x40
                        && (buf[9] & 0xFF) == tag) {
                    return true;
                }
            }
        }
    }

    private static void waitOut(long endNanos) throws IOException {
        try (DatagramSocket idle = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            long left = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
            if (left > 0) {
                idle.setSoTimeout((int) left);
                idle.receive(new DatagramPacket(new byte[1], 1));
            }
        } catch (SocketTimeoutException e) {
            // the wait is over
        }
    }

    /**
     * Returns the UDP port the simulator listens on, at {@link #HOST}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /** @return the lab folder */
    public Path lab() {
        return lab;
    }

    /** @return the folder with node.pid, node.heartbeat, chassis.log and the fault knobs */
    public Path runDir() {
        return run;
    }

    /**
     * Runs {@code ipmitool -I lanplus -C 3} as admin against this simulator (password through the
     * environment, not the command line).
     *
     * @param args the ipmitool command, e.g. "chassis", "power", "status"
     * @return stdout and stderr
     */
    public String ipmitool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ipmitool", "-I", "lanplus", "-H", HOST, "-p",
                Integer.toString(port), "-U", ADMIN, "-E", "-C", "3"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("IPMI_PASSWORD", ADMIN_PASSWORD);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** @return the power state as {@code ipmitool chassis power status} reports it */
    public PowerState ipmitoolPowerStatus() {
        String out = ipmitool("chassis", "power", "status");
        if (out.contains("Chassis Power is on")) {
            return PowerState.ON;
        }
        if (out.contains("Chassis Power is off")) {
            return PowerState.OFF;
        }
        return PowerState.UNKNOWN;
    }

    /** @return the number of active sessions {@code ipmitool session info active} reports (its own included) */
    public int ipmitoolActiveSessions() {
        String out = ipmitool("session", "info", "active");
        Matcher m = Pattern.compile("active sessions\\s*:\\s*(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no session count in: " + out);
        }
        return Integer.parseInt(m.group(1));
    }

    /** @return the node's PID while the BMC considers it powered on */
    public Optional<Long> nodePid() {
        try {
            String s = Files.readString(run.resolve("node.pid")).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Tells whether a process runs.
     *
     * @param pid a process ID
     * @return whether it runs (exists and is not a zombie: SIGKILLed nodes may linger as zombies)
     */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return whether a node process runs */
    public boolean nodeRunning() {
        return nodePid().map(IpmiSimulator::running).orElse(false);
    }

    /** @return the lines of chassis.log (one per power call of the BMC) */
    public List<String> chassisLog() {
        try {
            Path log = run.resolve("chassis.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the BMC stall {@code seconds} before every power call (it blocks the whole simulator).
     *
     * @param seconds the stall, 0 to remove it
     */
    public void delay(int seconds) {
        knob("delay", seconds > 0 ? Integer.toString(seconds) : null);
    }

    /**
     * Makes every power call of the BMC fail, or work again.
     *
     * @param fail whether every power call fails with completion code 0xFF
     */
    public void fail(boolean fail) {
        knob("fail", fail ? "1" : null);
    }

    private void knob(String name, String value) {
        try {
            if (value == null) {
                Files.deleteIfExists(run.resolve(name));
            } else {
                Files.writeString(run.resolve(name), value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills the simulator (SIGKILL) with its running hooks, like a BMC that crashes. The lab's node process
     * inherits the simulator's UDP socket (the hook starts it without closing descriptors), so it is killed
     * too: otherwise the port would stay bound and the kernel would send no ICMP port unreachable, which no
     * real crashed BMC does. The lab folder stays for {@link #restart()}.
     */
    public void kill() {
        List<ProcessHandle> hooks = new ArrayList<>();
        if (sim != null) {
            // Hooks still running (a stalled "sleep") are the simulator's children: collect them by PID while
            // they still have a parent, and whatever else runs in the simulator's session (setsid made the
            // simulator its leader, so the session ID is its PID).
            sim.toHandle().descendants().forEach(hooks::add);
            hooks.addAll(inSession(sim.pid()));
            sim.destroyForcibly();
            try {
                sim.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sim = null;
        }
        killNodes(hooks);
    }

    private static List<ProcessHandle> inSession(long sid) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(h -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after the command: state, ppid, pgrp, session
                if (f.length > 3 && Long.parseLong(f[3]) == sid && h.pid() != sid) {
                    found.add(h);
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not ours to read
            }
        });
        return found;
    }

    private void killNodes(List<ProcessHandle> hooks) {
        for (String line : chassisLog()) {
            Matcher m = NODE_PID.matcher(line);
            if (m.find()) {
                nodePids.add(Long.parseLong(m.group(1)));
            }
        }
        nodePid().ifPresent(nodePids::add);
        for (long pid : nodePids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
        for (ProcessHandle h : hooks) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    /**
     * Starts the simulator again on the same port and folder.
     *
     * @throws IOException if it does not come up
     */
    public void restart() throws IOException {
        kill();
        launch();
    }

    /** Kills the simulator, its hooks and every node it started (by PID), then deletes the lab folder. */
    @Override
    public void close() {
        kill();
        if (!Boolean.getBoolean("ha4j.keep.labs")) {
            try (Stream<Path> files = Files.walk(lab)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }

    @Override
    public String toString() {
        return "ipmi_sim on " + HOST + ":" + port + " in " + lab;
    }
}
