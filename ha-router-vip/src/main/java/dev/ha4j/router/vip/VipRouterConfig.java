package dev.ha4j.router.vip;

import dev.ha4j.core.NodeId;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of a {@link VipRouter}: the virtual IP, the nodes that may hold it, how it is announced and
 * checked, where the last epoch is kept, and the commands used. Built by {@link #custom()} and validated in
 * {@link Builder#build()}.
 *
 * <pre>{@code
 * VipRouterConfig cfg = VipRouterConfig.custom()
 *         .vip("10.200.0.50/24")
 *         .node(VipNode.of(NodeId.of("a"), "eth0", CommandRunner.inNetns("lab-a")).withOwnAddress("10.200.0.11"))
 *         .node(VipNode.of(NodeId.of("b"), "eth0", CommandRunner.inNetns("lab-b")).withOwnAddress("10.200.0.12"))
 *         .stateFile(Path.of("/var/lib/myapp/vip-epoch"))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class VipRouterConfig {
    private final VipAddress vip;
    private final List<VipNode> nodes;
    private final Optional<String> labelSuffix;
    private final int announcements;
    private final Duration announceInterval;
    private final boolean duplicateCheck;
    private final Duration duplicateWait;
    private final int maxConcurrentAnnouncements;
    private final Duration commandTimeout;
    private final Optional<Path> stateFile;
    private final boolean ipv6NoDad;
    private final String ipCommand;
    private final String arpingCommand;
    private final String ndisc6Command;
    private final String sendUaCommand;
    private final Ipv4Announcer ipv4Announcer;
    private final String sendArpCommand;
    private final String sendArpPidDirectory;

    private VipRouterConfig(Builder b) {
        this.vip = b.vip;
        this.nodes = List.copyOf(b.nodes);
        this.labelSuffix = Optional.ofNullable(b.labelSuffix);
        this.announcements = b.announcements;
        this.announceInterval = b.announceInterval;
        this.duplicateCheck = b.duplicateCheck;
        this.duplicateWait = b.duplicateWait;
        this.maxConcurrentAnnouncements = b.maxConcurrentAnnouncements;
        this.commandTimeout = b.commandTimeout;
        this.stateFile = Optional.ofNullable(b.stateFile);
        this.ipv6NoDad = b.ipv6NoDad;
        this.ipCommand = b.ipCommand;
        this.arpingCommand = b.arpingCommand;
        this.ndisc6Command = b.ndisc6Command;
        this.sendUaCommand = b.sendUaCommand;
        this.ipv4Announcer = b.ipv4Announcer;
        this.sendArpCommand = b.sendArpCommand;
        this.sendArpPidDirectory = b.sendArpPidDirectory;
    }

    /** @return a builder with the defaults documented on its setters */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the virtual IP */
    public VipAddress vip() {
        return vip;
    }

    /** @return the nodes that may hold it, in configuration order */
    public List<VipNode> nodes() {
        return nodes;
    }

    /**
     * @param id a node id
     * @return that node, if configured
     */
    public Optional<VipNode> node(NodeId id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** @return the IPv4 label suffix: the address is labelled {@code INTERFACE:SUFFIX} */
    public Optional<String> labelSuffix() {
        return labelSuffix;
    }

    /**
     * @param node a node
     * @return the label for the address on that node, if one is configured
     */
    public Optional<String> label(VipNode node) {
        return labelSuffix.map(s -> node.interfaceName() + ":" + s);
    }

    /** @return how many gratuitous ARPs or unsolicited NAs are sent after a claim (0: none) */
    public int announcements() {
        return announcements;
    }

    /**
     * @return the interval between announcements ({@code send_arp} and {@code send_ua}: milliseconds;
     *     {@code arping}: rounded up to whole seconds, its unit)
     */
    public Duration announceInterval() {
        return announceInterval;
    }

    /** @return whether a claim first checks that no other host answers for the address */
    public boolean duplicateCheck() {
        return duplicateCheck;
    }

    /**
     * @return how long the duplicate check waits for an answer once its probe has left (IPv4: on top of the time
     *     the target took to run its last command, see {@link Builder#duplicateWait(Duration)})
     */
    public Duration duplicateWait() {
        return duplicateWait;
    }

    /** @return how many announcement commands may run at once */
    public int maxConcurrentAnnouncements() {
        return maxConcurrentAnnouncements;
    }

    /** @return the longest any one command may take, within the call's own deadline */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** @return where the last epoch seen is kept across restarts, if anywhere */
    public Optional<Path> stateFile() {
        return stateFile;
    }

    /** @return whether an IPv6 address is added with {@code nodad} (the router checks duplicates itself) */
    public boolean ipv6NoDad() {
        return ipv6NoDad;
    }

    /** @return the {@code ip} program */
    public String ipCommand() {
        return ipCommand;
    }

    /** @return the {@code arping} program (Debian's iputils-arping) */
    public String arpingCommand() {
        return arpingCommand;
    }

    /** @return the {@code ndisc6} program, the IPv6 duplicate check */
    public String ndisc6Command() {
        return ndisc6Command;
    }

    /** @return resource-agents' {@code send_ua} program, the IPv6 announcement */
    public String sendUaCommand() {
        return sendUaCommand;
    }

    /** @return which program announces an IPv4 address */
    public Ipv4Announcer ipv4Announcer() {
        return ipv4Announcer;
    }

    /** @return resource-agents' {@code send_arp} program, the IPv4 announcement unless {@code arping} is chosen */
    public String sendArpCommand() {
        return sendArpCommand;
    }

    /** @return the directory, on each node, of {@code send_arp}'s pid files */
    public String sendArpPidDirectory() {
        return sendArpPidDirectory;
    }

    @Override
    public String toString() {
        return "VipRouterConfig[vip=" + vip + ", nodes=" + nodes + ", label=" + labelSuffix.orElse("-")
                + ", announcements=" + announcements + " every " + announceInterval.toMillis() + " ms"
                + (vip.isIpv6() ? "" : " by " + ipv4Announcer.configValue())
                + ", duplicateCheck=" + (duplicateCheck ? duplicateWait.toMillis() + " ms" : "off")
                + ", stateFile=" + stateFile.map(Path::toString).orElse("-") + "]";
    }

    /**
     * Collects and validates a {@link VipRouterConfig}. Not thread-safe.
     */
    public static final class Builder {
        private VipAddress vip;
        private final List<VipNode> nodes = new ArrayList<>();
        private String labelSuffix;
        private int announcements = 3;
        private Duration announceInterval = Duration.ofMillis(200);
        private boolean duplicateCheck = true;
        private Duration duplicateWait = Duration.ofMillis(20);
        private int maxConcurrentAnnouncements = 2;
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Path stateFile;
        private boolean ipv6NoDad = true;
        private String ipCommand = "ip";
        private String arpingCommand = "arping";
        private String ndisc6Command = "ndisc6";
        private String sendUaCommand = "/usr/libexec/heartbeat/send_ua";
        private Ipv4Announcer ipv4Announcer = Ipv4Announcer.AUTO;
        private String sendArpCommand = "/usr/libexec/heartbeat/send_arp";
        private String sendArpPidDirectory = "/var/run/resource-agents";

        private Builder() {
        }

        /**
         * Sets the virtual IP (required).
         *
         * @param cidr {@code ADDRESS/PREFIX}, such as {@code 10.200.0.50/24}
         * @return this builder
         * @throws IllegalArgumentException if it is malformed or cannot be a VIP (see {@link VipAddress})
         */
        public Builder vip(String cidr) {
            this.vip = VipAddress.parse(cidr);
            return this;
        }

        /**
         * Sets the virtual IP (required).
         *
         * @param vip the address
         * @return this builder
         */
        public Builder vip(VipAddress vip) {
            this.vip = Objects.requireNonNull(vip, "vip");
            return this;
        }

        /**
         * Adds a node that may hold the address (at least one; ids distinct).
         *
         * @param node the node
         * @return this builder
         */
        public Builder node(VipNode node) {
            nodes.add(Objects.requireNonNull(node, "node"));
            return this;
        }

        /**
         * Labels the IPv4 address {@code INTERFACE:SUFFIX} (as {@code ip addr add ... label} does; IPv4 only; the
         * whole label must fit in 15 characters). Default: no label.
         *
         * @param suffix the suffix, such as {@code vip}
         * @return this builder
         */
        public Builder labelSuffix(String suffix) {
            this.labelSuffix = suffix;
            return this;
        }

        /**
         * Sets how many announcements follow a claim: gratuitous ARPs for IPv4 ({@code send_arp} sends each as a
         * request and a reply, {@code arping -U} as a request; see {@link #ipv4Announcer(Ipv4Announcer)}),
         * unsolicited neighbour advertisements ({@code send_ua}) for IPv6. Default 3; 0 sends none (clients then
         * keep the old MAC until their neighbour entry expires, about 30 s).
         *
         * @param count 0-100
         * @return this builder
         */
        public Builder announcements(int count) {
            this.announcements = count;
            return this;
        }

        /**
         * Sets the interval between announcements. Default 200 ms. {@code send_arp} and {@code send_ua} take
         * milliseconds ({@code send_arp} sends the request and the reply of one announcement half an interval
         * apart); {@code arping} takes whole seconds only, so with it the interval is rounded up to whole seconds.
         *
         * @param interval 10 ms to 60 s
         * @return this builder
         */
        public Builder announceInterval(Duration interval) {
            this.announceInterval = interval;
            return this;
        }

        /**
         * Turns the duplicate check before a claim on or off (default on: {@code arping -D} for IPv4,
         * {@code ndisc6} for IPv6).
         *
         * @param on whether to check
         * @return this builder
         */
        public Builder duplicateCheck(boolean on) {
            this.duplicateCheck = on;
            return this;
        }

        /**
         * Sets how long the duplicate check waits for another host to answer once its probe has left. Default
         * 20 ms: on one segment an answer takes well under a millisecond, and every millisecond here delays the
         * failover; raise it for a slow network.
         *
         * <p>IPv6: {@code ndisc6} waits this long after sending its solicitation. IPv4: arping's own timeout is
         * whole seconds only, and its output, which would say when the probe left, is buffered until it exits;
         * so the router stops it after this wait <em>plus</em> the time the target just took to run
         * {@code ip addr show} through the same command runner (asked alongside the release), an estimate of
         * how long starting a program there takes now. That keeps the check fast on an idle node and still
         * asking on a loaded one or over a slow transport (SSH), where a fixed wait could end before the probe
         * was sent.
         *
         * @param wait 10 ms to 10 s
         * @return this builder
         */
        public Builder duplicateWait(Duration wait) {
            this.duplicateWait = wait;
            return this;
        }

        /**
         * Sets how many announcement commands may run at once (default 2); a new claim cancels the announcements
         * of the previous one.
         *
         * @param max 1-64
         * @return this builder
         */
        public Builder maxConcurrentAnnouncements(int max) {
            this.maxConcurrentAnnouncements = max;
            return this;
        }

        /**
         * Sets the longest any one command may take (default 2 s); a call never exceeds its own deadline either.
         *
         * @param timeout 10 ms to 5 min
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * Keeps the last epoch seen in this file, so that a stale claim is refused also after the process
         * restarts. Written atomically (temporary file, fsync, rename, fsync of the directory); a corrupt file is
         * refused when the router is built. Default: none (the epoch lives in memory only).
         *
         * @param file the file; its directory must exist
         * @return this builder
         */
        public Builder stateFile(Path file) {
            this.stateFile = file;
            return this;
        }

        /**
         * Adds IPv6 addresses with {@code nodad} (default true): the router has checked for a duplicate itself,
         * and the kernel's own detection would keep the address unusable ("tentative") for 1-2 s.
         *
         * @param noDad whether to add with {@code nodad}
         * @return this builder
         */
        public Builder ipv6NoDad(boolean noDad) {
            this.ipv6NoDad = noDad;
            return this;
        }

        /**
         * Sets the {@code ip} program (default {@code ip}, found on the PATH).
         *
         * @param program a program name or path
         * @return this builder
         */
        public Builder ipCommand(String program) {
            this.ipCommand = program;
            return this;
        }

        /**
         * Sets the {@code arping} program (default {@code arping}; must be iputils' arping, Debian package
         * {@code iputils-arping}).
         *
         * @param program a program name or path
         * @return this builder
         */
        public Builder arpingCommand(String program) {
            this.arpingCommand = program;
            return this;
        }

        /**
         * Sets the {@code ndisc6} program (default {@code ndisc6}, Debian package {@code ndisc6}).
         *
         * @param program a program name or path
         * @return this builder
         */
        public Builder ndisc6Command(String program) {
            this.ndisc6Command = program;
            return this;
        }

        /**
         * Sets the {@code send_ua} program (default {@code /usr/libexec/heartbeat/send_ua}, Debian package
         * {@code resource-agents}).
         *
         * @param program a program name or path
         * @return this builder
         */
        public Builder sendUaCommand(String program) {
            this.sendUaCommand = program;
            return this;
        }

        /**
         * Chooses the program that announces an IPv4 address (default {@link Ipv4Announcer#AUTO}: {@code send_arp}
         * where installed, {@code arping -U} elsewhere). Ignored for IPv6 unless set to something else than
         * {@code AUTO}, which is refused.
         *
         * @param announcer the announcer
         * @return this builder
         */
        public Builder ipv4Announcer(Ipv4Announcer announcer) {
            this.ipv4Announcer = Objects.requireNonNull(announcer, "ipv4Announcer");
            return this;
        }

        /**
         * Chooses the program that announces an IPv4 address, from a configuration value.
         *
         * @param announcer {@code auto}, {@code send_arp} or {@code arping}
         * @return this builder
         * @throws IllegalArgumentException naming the value if it is none of those
         */
        public Builder ipv4Announcer(String announcer) {
            return ipv4Announcer(Ipv4Announcer.parse(announcer));
        }

        /**
         * Sets the {@code send_arp} program (default {@code /usr/libexec/heartbeat/send_arp}, Debian package
         * {@code resource-agents}).
         *
         * @param program a program name or path
         * @return this builder
         */
        public Builder sendArpCommand(String program) {
            this.sendArpCommand = program;
            return this;
        }

        /**
         * Sets the directory, on each node, where {@code send_arp} keeps its pid file (default
         * {@code /var/run/resource-agents}, its own default; it creates the directory if missing). The router
         * gives every run a file name of its own: {@code send_arp} kills the process named in an existing pid
         * file, and with its default name (one per address) a file left behind by a killed run could name a pid
         * reused since by an unrelated process. A run the router cancels (a new move, {@code close()}) is killed
         * and cannot remove its file; the router removes such files with {@code rm -f} on that node after the next
         * announcement that ran to its end, and in {@code close()}.
         *
         * @param directory an absolute path without white space, {@code ..} or control characters
         * @return this builder
         */
        public Builder sendArpPidDirectory(String directory) {
            this.sendArpPidDirectory = directory;
            return this;
        }

        /**
         * Validates and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the field, the value and the rule it breaks
         */
        public VipRouterConfig build() {
            if (vip == null) {
                throw new IllegalArgumentException("vip is not set: give ADDRESS/PREFIX, such as 10.0.0.50/24");
            }
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("nodes is empty: add at least one node that may hold the vip");
            }
            Set<NodeId> ids = new HashSet<>();
            for (VipNode n : nodes) {
                if (!ids.add(n.id())) {
                    throw new IllegalArgumentException("node " + n.id() + " is configured twice");
                }
                if (n.ownAddress().isPresent()) {
                    var own = n.ownAddress().get();
                    if ((own instanceof Inet6Address) != vip.isIpv6()) {
                        throw new IllegalArgumentException("vip " + vip + " is " + (vip.isIpv6() ? "IPv6" : "IPv4")
                                + " but node " + n.id() + " ownAddress " + own.getHostAddress() + " on "
                                + n.interfaceName() + " is not: the vip must be of the interface's address family");
                    }
                    if (own.equals(vip.address())) {
                        throw new IllegalArgumentException("vip " + vip + " equals node " + n.id() + "'s own address "
                                + own.getHostAddress() + ": a virtual IP must be an address no node owns");
                    }
                }
            }
            if (labelSuffix != null) {
                if (vip.isIpv6()) {
                    throw new IllegalArgumentException("labelSuffix '" + labelSuffix + "' is set but vip " + vip
                            + " is IPv6: address labels exist for IPv4 only");
                }
                if (labelSuffix.isEmpty() || !labelSuffix.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("labelSuffix '" + labelSuffix.replaceAll("\\p{Cntrl}", "?")
                            + "' must be 1 or more of [A-Za-z0-9_.-]");
                }
                for (VipNode n : nodes) {
                    String label = n.interfaceName() + ":" + labelSuffix;
                    if (label.length() > 15) {
                        throw new IllegalArgumentException("labelSuffix '" + labelSuffix + "' makes node " + n.id()
                                + "'s label '" + label + "' " + label.length() + " characters long: at most 15");
                    }
                }
            }
            if (announcements < 0 || announcements > 100) {
                throw new IllegalArgumentException("announcements " + announcements + " is out of range 0-100");
            }
            range("announceInterval", announceInterval, Duration.ofMillis(10), Duration.ofSeconds(60));
            range("duplicateWait", duplicateWait, Duration.ofMillis(10), Duration.ofSeconds(10));
            range("commandTimeout", commandTimeout, Duration.ofMillis(10), Duration.ofMinutes(5));
            if (maxConcurrentAnnouncements < 1 || maxConcurrentAnnouncements > 64) {
                throw new IllegalArgumentException("maxConcurrentAnnouncements " + maxConcurrentAnnouncements
                        + " is out of range 1-64");
            }
            program("ipCommand", ipCommand);
            program("arpingCommand", arpingCommand);
            program("ndisc6Command", ndisc6Command);
            program("sendUaCommand", sendUaCommand);
            program("sendArpCommand", sendArpCommand);
            Objects.requireNonNull(sendArpPidDirectory, "sendArpPidDirectory");
            if (!sendArpPidDirectory.startsWith("/") || sendArpPidDirectory.length() > 200
                    || !sendArpPidDirectory.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                    || Arrays.asList(sendArpPidDirectory.split("/")).contains("..")) {
                throw new IllegalArgumentException("sendArpPidDirectory '"
                        + sendArpPidDirectory.replaceAll("\\p{Cntrl}", "?") + "' must be an absolute path of at most"
                        + " 200 characters without white space, control characters or '..'");
            }
            if (vip.isIpv6() && ipv4Announcer != Ipv4Announcer.AUTO) {
                throw new IllegalArgumentException("ipv4Announcer " + ipv4Announcer.configValue() + " is set but vip "
                        + vip + " is IPv6, which is announced with send_ua (sendUaCommand)");
            }
            if (stateFile != null) {
                Path parent = stateFile.toAbsolutePath().getParent();
                if (stateFile.getFileName() == null || parent == null) {
                    throw new IllegalArgumentException("stateFile '" + stateFile + "' must name a file in a directory");
                }
            }
            return new VipRouterConfig(this);
        }

        private static void range(String field, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, field);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " " + d + " is out of range " + min + " to " + max);
            }
        }

        private static void program(String field, String p) {
            Objects.requireNonNull(p, field);
            if (p.isEmpty() || p.startsWith("-") || !p.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(field + " '" + p.replaceAll("\\p{Cntrl}", "?")
                        + "' must be a program name or path without white space, not starting with '-'");
            }
        }
    }
}
