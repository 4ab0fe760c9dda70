package dev.ha4j.testkit.netns;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lab of Linux network namespaces for end-to-end tests of request routing: a switch namespace holding a
 * bridge, one namespace per node and one for the client, each joined to the bridge by a veth pair whose inner
 * end is {@code eth0}. Nothing is created in, or routed through, the root namespace.
 *
 * <pre>{@code
 * try (NetnsLab lab = NetnsLab.builder().nodes("a", "b").build().start()) {
 *     lab.startHttpServer("a", 8080, "node-a");
 *     LabClient client = lab.startClient();
 *     client.get(lab.ipv4("a"), 8080, Duration.ofSeconds(1));   // Optional[node-a]
 * }
 * }</pre>
 *
 * <p>Names are unique per run: {@code PREFIX-PID-SEQ-TAG} with the creator's process id, so that parallel runs
 * never collide and {@link #start()} first sweeps the namespaces of runs whose creator is gone (a killed test).
 * {@link #close()} and {@link #removeNamespace(String)} kill every process inside a namespace before deleting
 * it (deleting a namespace with a process inside would only remove its name). A failure half-way through
 * {@link #start()} removes what was built.
 *
 * <p>Addresses: node {@code i} (from 0) has {@code NET4.(11+i)/24} and {@code NET6(11+i)/64}; the client has
 * {@code .100}. Duplicate address detection is off on the lab's own interfaces so that their addresses are
 * usable at once; the client's neighbour settings are the kernel's defaults, so that a test can show that a
 * client does <em>not</em> follow a moved address without an announcement.
 *
 * <p>Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and {@code ip}; see {@link #unavailableReason()}. Thread-safe.
 */
public final class NetnsLab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetnsLab.class);
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration CMD = Duration.ofSeconds(10);
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9]{0,5}");
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,7}");

    /** The name of every lab namespace's inner interface. */
    public static final String INTERFACE = "eth0";

    private final String prefix;
    private final String net4;
    private final String net6;
    private final List<String> nodeTags;
    private final String base;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final List<LabProcess> processes = new CopyOnWriteArrayList<>();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private NetnsLab(Builder b) {
        this.prefix = b.prefix;
        this.net4 = b.net4;
        this.net6 = b.net6;
        this.nodeTags = List.copyOf(b.nodes);
        this.base = prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        namespaces.put("sw", base + "-sw");
        for (String t : nodeTags) {
            namespaces.put(t, base + "-" + t);
        }
        namespaces.put("client", base + "-client");
    }

    /** @return a builder with two nodes {@code a} and {@code b}, 10.200.0.0/24 and fd00:200::/64 */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Says why a lab cannot be built here, if it cannot: not Linux, not root (CAP_NET_ADMIN and CAP_SYS_ADMIN
     * missing) or no {@code ip} command.
     *
     * @return the reason, or empty when a lab can be built
     */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("network namespaces need Linux");
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("CapEff:")) {
                    long eff = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                    if ((eff >> 12 & 1) == 0 || (eff >> 21 & 1) == 0) {
                        return Optional.of("network namespaces need CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root)");
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.of("cannot read capabilities from /proc/self/status: " + e.getMessage());
        }
        if (Exec.run(List.of("ip", "netns", "list"), CMD).exitCode() != 0) {
            return Optional.of("'ip netns list' failed: install iproute2");
        }
        return Optional.empty();
    }

    /**
     * Deletes lab namespaces with this prefix whose creator process is gone, killing the processes inside them
     * first. Namespaces of live runs (other test JVMs, other users of the machine) are left alone.
     *
     * @param prefix the prefix of the lab names
     * @return the namespaces deleted
     */
    public static List<String> sweepLeftovers(String prefix) {
        Pattern own = Pattern.compile(Pattern.quote(prefix) + "-(\\d+)-(\\d+)-([a-z0-9]+)");
        List<String> swept = new ArrayList<>();
        for (String ns : listNamespaces()) {
            Matcher m = own.matcher(ns);
            if (!m.matches()) {
                continue;
            }
            long pid = Long.parseLong(m.group(1));
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                LOG.info("sweeping namespace {} left by process {}, which is gone", ns, pid);
                deleteNamespace(ns);
                swept.add(ns);
            }
        }
        return swept;
    }

    /** @return the names in {@code ip netns list} */
    public static List<String> listNamespaces() {
        ExecResult r = Exec.run(List.of("ip", "netns", "list"), CMD);
        List<String> names = new ArrayList<>();
        for (String l : r.stdout().split("\n")) {
            String n = l.strip();
            if (!n.isEmpty()) {
                names.add(n.split(" ")[0]);
            }
        }
        return names;
    }

    /**
     * Builds the namespaces, the bridge and the links, after sweeping leftovers of killed runs.
     *
     * @return this lab
     * @throws IllegalStateException if a step fails (what was built is removed again)
     */
    public NetnsLab start() {
        sweepLeftovers(prefix);
        try {
            String sw = namespaces.get("sw");
            add(sw);
            ip(sw, "link", "set", "lo", "up");
            exec(sw, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").orThrow();
            exec(sw, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").orThrow();
            ip(sw, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0",
                    "mcast_snooping", "0");
            ip(sw, "link", "set", "br0", "up");
            List<String> members = new ArrayList<>(nodeTags);
            members.add("client");
            for (int i = 0; i < members.size(); i++) {
                String tag = members.get(i);
                String ns = namespaces.get(tag);
                add(ns);
                ip(ns, "link", "set", "lo", "up");
                String port = "p-" + tag;
                ip(sw, "link", "add", port, "type", "veth", "peer", "name", INTERFACE, "netns", ns);
                ip(sw, "link", "set", port, "master", "br0");
                ip(sw, "link", "set", port, "up");
                if (!tag.equals("client")) {
                    // the lab's own addresses must be usable at once; the router under test checks the VIP itself
                    exec(ns, "sysctl", "-qw", "net.ipv6.conf." + INTERFACE + ".accept_dad=0").orThrow();
                }
                ip(ns, "addr", "add", address4(tag) + "/24", "dev", INTERFACE);
                ip(ns, "addr", "add", address6(tag) + "/64", "dev", INTERFACE, "nodad");
                ip(ns, "link", "set", INTERFACE, "up");
            }
            LOG.info("netns lab up: {}", namespaces.values());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void add(String ns) {
        Exec.run(List.of("ip", "netns", "add", ns), CMD).orThrow();
        created.add(ns);
    }

    private String address4(String tag) {
        return net4 + "." + host(tag);
    }

    private String address6(String tag) {
        return net6 + Integer.toHexString(host(tag));
    }

    private int host(String tag) {
        if (tag.equals("client")) {
            return 100;
        }
        int i = nodeTags.indexOf(tag);
        if (i < 0) {
            throw new IllegalArgumentException("no node '" + tag + "' in this lab (nodes: " + nodeTags + ")");
        }
        return 11 + i;
    }

    /** @return the node tags, in order */
    public List<String> nodes() {
        return nodeTags;
    }

    /**
     * @param tag a node tag, or {@code client}, or {@code sw}
     * @return the namespace's name
     * @throws IllegalArgumentException if there is no such member
     */
    public String namespace(String tag) {
        String ns = namespaces.get(tag);
        if (ns == null) {
            throw new IllegalArgumentException("no member '" + tag + "' in this lab (" + namespaces.keySet() + ")");
        }
        return ns;
    }

    /** @return the client namespace's name */
    public String clientNamespace() {
        return namespace("client");
    }

    /**
     * @param tag a node tag or {@code client}
     * @return its IPv4 address on {@link #INTERFACE} (prefix length 24)
     */
    public String ipv4(String tag) {
        return address4(tag);
    }

    /**
     * @param tag a node tag or {@code client}
     * @return its IPv6 address on {@link #INTERFACE} (prefix length 64)
     */
    public String ipv6(String tag) {
        return address6(tag);
    }

    /**
     * An unused address of the lab's IPv4 subnet, for a virtual IP.
     *
     * @param host the host number, 1-254, not one of the lab's own
     * @return the address
     */
    public String spareIpv4(int host) {
        return net4 + "." + host;
    }

    /**
     * An unused address of the lab's IPv6 subnet, for a virtual IP.
     *
     * @param host the host number
     * @return the address
     */
    public String spareIpv6(int host) {
        return net6 + Integer.toHexString(host);
    }

    /**
     * @param tag a node tag or {@code client}
     * @return the MAC address of its {@link #INTERFACE}, lower case
     */
    public String mac(String tag) {
        String out = exec(namespace(tag), "ip", "-o", "link", "show", "dev", INTERFACE).orThrow().stdout();
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no MAC address in: " + out);
        }
        return m.group(1);
    }

    /**
     * Runs a command inside a namespace ({@code ip netns exec NS ...}).
     *
     * @param namespace the namespace's name
     * @param command the argument list
     * @return what it did
     */
    public ExecResult exec(String namespace, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        Collections.addAll(c, command);
        return Exec.run(c, CMD);
    }

    private void ip(String namespace, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "-n", namespace));
        Collections.addAll(c, args);
        Exec.run(c, CMD).orThrow();
    }

    /**
     * Runs {@code ip -n NS ARGS...} and returns its standard output.
     *
     * @param namespace the namespace's name
     * @param args the arguments after {@code ip -n NS}
     * @return its standard output
     * @throws IllegalStateException if it fails
     */
    public String ipOutput(String namespace, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "-n", namespace));
        Collections.addAll(c, args);
        return Exec.run(c, CMD).orThrow().stdout();
    }

    /**
     * Starts a process inside a namespace; the lab kills it on {@link #close()}.
     *
     * @param namespace the namespace's name
     * @param command the argument list
     * @return the process
     */
    public LabProcess startProcess(String namespace, List<String> command) {
        LabProcess p = new LabProcess(namespace, netnsExec(namespace, command));
        processes.add(p);
        return p;
    }

    /**
     * Starts a real HTTP server (a {@link HttpResponder} JVM) in a node's namespace, answering {@code body} on
     * every address of the namespace, and waits until it listens.
     *
     * @param tag the node tag
     * @param port the port
     * @param body what it answers (no spaces)
     * @return the server process
     */
    public LabProcess startHttpServer(String tag, int port, String body) {
        LabProcess p = startProcess(namespace(tag),
                javaCommand(HttpResponder.class, String.valueOf(port), body));
        expectReady(p);
        return p;
    }

    /**
     * Starts the lab's HTTP client (a {@link HttpPoller} JVM) in the client namespace and waits until it runs.
     *
     * @return the client
     */
    public LabClient startClient() {
        LabClient c = new LabClient(clientNamespace(), netnsExec(clientNamespace(), javaCommand(HttpPoller.class)));
        processes.add(c);
        expectReady(c);
        return c;
    }

    private static void expectReady(LabProcess p) {
        String l = p.nextLine(Duration.ofSeconds(60));
        if (!l.equals("READY")) {
            throw new IllegalStateException(p + " printed '" + l + "' instead of READY");
        }
    }

    private static List<String> netnsExec(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return c;
    }

    private static List<String> javaCommand(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp;
        try {
            cp = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            cp = System.getProperty("java.class.path");
        }
        List<String> c = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx48m", "-cp", cp, main.getName()));
        Collections.addAll(c, args);
        return c;
    }

    /**
     * Kills every process in a namespace of this lab and deletes it, and waits until the kernel has taken its
     * interface off the bridge: a node that vanishes, for a test.
     *
     * @param namespace the namespace's name
     */
    public void removeNamespace(String namespace) {
        for (LabProcess p : processes) {
            if (p.namespace().equals(namespace)) {
                p.close();
                processes.remove(p);
            }
        }
        deleteNamespace(namespace);
        created.remove(namespace);
        // The kernel tears a deleted namespace down later, in a work queue: until then its interface stays on the
        // bridge and still answers ARP and NDP. "Vanished" means off the wire, so wait for the switch port to go.
        String tag = namespaces.entrySet().stream().filter(e -> e.getValue().equals(namespace)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        String sw = namespaces.get("sw");
        if (tag != null && !tag.equals("sw") && created.contains(sw)) {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Exec.run(List.of("ip", "-n", sw, "link", "show", "p-" + tag), CMD).ok()) {
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("namespace " + namespace + " was deleted but its port p-" + tag
                            + " is still on the bridge after 30 s");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + namespace + " to go", e);
                }
            }
        }
    }

    private static void deleteNamespace(String ns) {
        killInside(ns, false);
        if (!pidsInside(ns).isEmpty()) {
            killInside(ns, true);
        }
        ExecResult r = Exec.run(List.of("ip", "netns", "del", ns), CMD);
        if (!r.ok() && listNamespaces().contains(ns)) {
            LOG.warn("could not delete namespace {}: {}", ns, r.stderr().strip());
        }
    }

    private static List<Long> pidsInside(String ns) {
        ExecResult r = Exec.run(List.of("ip", "netns", "pids", ns), CMD);
        List<Long> pids = new ArrayList<>();
        for (String l : r.stdout().split("\\s+")) {
            if (!l.isBlank()) {
                pids.add(Long.parseLong(l.strip()));
            }
        }
        return pids;
    }

    private static void killInside(String ns, boolean forcibly) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pidsInside(ns)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (forcibly) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
                handles.add(h);
            });
        }
        for (ProcessHandle h : handles) {
            try {
                h.onExit().get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // still running: the forcible round follows
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Kills the processes the lab started and every other process inside its namespaces, then deletes them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LabProcess p : processes) {
            p.close();
        }
        processes.clear();
        List<String> all = new ArrayList<>(created);
        Collections.reverse(all);
        for (String ns : all) {
            deleteNamespace(ns);
        }
        created.clear();
        LOG.info("netns lab down: {}", namespaces.values());
    }

    @Override
    public String toString() {
        return "NetnsLab" + namespaces.values();
    }

    /**
     * Configures a {@link NetnsLab}. Not thread-safe.
     */
    public static final class Builder {
        private String prefix = "ha4j";
        private String net4 = "10.200.0";
        private String net6 = "fd00:200::";
        private List<String> nodes = List.of("a", "b");

        private Builder() {
        }

        /**
         * Sets the prefix of the namespace names (default {@code ha4j}).
         *
         * @param prefix 1-8 characters of {@code [a-z0-9]}, starting with a letter
         * @return this builder
         * @throws IllegalArgumentException if it is not
         */
        public Builder prefix(String prefix) {
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix '" + prefix + "' must be 1-8 of [a-z0-9], starting with a letter");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * Sets the node tags (default {@code a}, {@code b}).
         *
         * @param tags 1-6 characters of {@code [a-z0-9]} each, starting with a letter; not {@code sw} or
         *     {@code client}
         * @return this builder
         * @throws IllegalArgumentException if a tag is invalid or repeated
         */
        public Builder nodes(String... tags) {
            List<String> l = List.of(tags);
            if (l.isEmpty() || l.size() > 40 || l.stream().distinct().count() != l.size()) {
                throw new IllegalArgumentException("nodes " + l + " must be 1-40 distinct tags");
            }
            for (String t : l) {
                if (!TAG.matcher(t).matches() || t.equals("sw") || t.equals("client")) {
                    throw new IllegalArgumentException("node tag '" + t + "' must be 1-6 of [a-z0-9], starting with"
                            + " a letter, and not 'sw' or 'client'");
                }
            }
            this.nodes = l;
            return this;
        }

        /**
         * Sets the first three octets of the lab's IPv4 /24 (default {@code 10.200.0}).
         *
         * @param net for example {@code 10.200.0}
         * @return this builder
         * @throws IllegalArgumentException if it is not three octets
         */
        public Builder ipv4Net(String net) {
            if (!net.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
                throw new IllegalArgumentException("ipv4Net '" + net + "' must be three octets such as 10.200.0");
            }
            this.net4 = net;
            return this;
        }

        /**
         * Sets the lab's IPv6 /64, written so that a host number in hex can be appended (default
         * {@code fd00:200::}).
         *
         * @param net for example {@code fd00:200::}
         * @return this builder
         * @throws IllegalArgumentException if it does not end in {@code ::}
         */
        public Builder ipv6Net(String net) {
            if (!net.matches("[0-9a-f:]+::")) {
                throw new IllegalArgumentException("ipv6Net '" + net + "' must end in '::', such as fd00:200::");
            }
            this.net6 = net;
            return this;
        }

        /** @return the lab, not started yet */
        public NetnsLab build() {
            return new NetnsLab(this);
        }
    }
}
