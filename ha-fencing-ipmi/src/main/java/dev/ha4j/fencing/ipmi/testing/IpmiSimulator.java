package dev.ha4j.fencing.ipmi.testing;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.fencing.ipmi.internal.Deadline;
import dev.ha4j.fencing.ipmi.internal.IpmiException;
import dev.ha4j.fencing.ipmi.internal.RmcpPlusSession;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
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
 * configuration from {@code shared/labs/ipmi-sim} (shipped as resources beside this class), in
 * its own temporary folder on its own free UDP port. Its chassis power control starts and SIGKILLs a dummy
 * "node" process, so a test can observe the node die on OFF and start on ON. Also runs Debian's
 * {@code ipmitool} against it to cross-check.
 *
 * <p>Start one per test class ({@link #start()} in {@code @BeforeAll}) and {@link #close()} it in
 * {@code @AfterAll}: that kills the simulator, its hook processes and every node it started, by PID.
 *
 * <p>Not thread-safe.
 */
public final class IpmiSimulator implements AutoCloseable {
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
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!sim.isAlive()) {
                throw new IOException("ipmi_sim exited with " + sim.exitValue() + " on port " + port + ": "
                        + Files.readString(lab.resolve("sim.out")));
            }
            try {
                if (RmcpPlusSession.presencePing("127.0.0.1", port,
                        Deadline.after(Clock.systemUTC(), Duration.ofMillis(200)), Duration.ofMillis(50))
                        && fencer(NodeId.of("probe")).readStatus(NodeId.of("probe"), Duration.ofSeconds(2)).isOk()) {
                    return;
                }
            } catch (IpmiException e) {
                // not bound yet
            }
            pause(10);
        }
        throw new IOException("ipmi_sim on port " + port + " did not answer within 10 s");
    }

    /** @return the UDP port on 127.0.0.1 */
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
     * @param user a lab user
     * @param password its password (or a wrong one)
     * @return a BMC configuration for this simulator, to be finished by the caller
     */
    public BmcConfig.Builder bmc(String user, String password) {
        return BmcConfig.custom().host("127.0.0.1").port(port).user(user).password(Secret.of(password))
                .connectTimeout(Duration.ofSeconds(2));
    }

    /**
     * @param node the node behind this BMC
     * @return a fencer logging in as admin with cipher suite 3
     */
    public IpmiFencer fencer(NodeId node) {
        return IpmiFencer.create(IpmiFencerConfig.custom().bmc(node, bmc(ADMIN, ADMIN_PASSWORD).build()).build());
    }

    /**
     * Runs {@code ipmitool -I lanplus -C 3} as admin against this simulator (password through the
     * environment, not the command line).
     *
     * @param args the ipmitool command, e.g. "chassis", "power", "status"
     * @return stdout and stderr
     */
    public String ipmitool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p",
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

    /** @param fail whether every power call fails with completion code 0xFF */
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
        if (sim != null) {
            sim.destroyForcibly();
            try {
                sim.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sim = null;
        }
        killNodes();
    }

    private void killNodes() {
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
        // hooks still running (a stalled "sleep") were the simulator's children, now orphans in its session
        ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> String.join(" ", a))
                .orElse("").contains(run.toString())).forEach(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
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

    /**
     * Pauses the calling thread (tests and demos poll the simulator's files with it).
     *
     * @param millis how long
     * @throws IllegalStateException if the thread is interrupted; the interrupt flag stays set
     */
    public static void pause(long millis) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted");
        }
    }

    @Override
    public String toString() {
        return "ipmi_sim on 127.0.0.1:" + port + " in " + lab;
    }
}
