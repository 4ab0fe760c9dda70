package dev.ha4j.router.vip;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.router.vip.internal.Announcer;
import dev.ha4j.router.vip.internal.DaemonThreads;
import dev.ha4j.router.vip.internal.EpochFile;
import dev.ha4j.router.vip.internal.IpAddrs;
import dev.ha4j.router.vip.internal.IpAddrs.Holding;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RequestRouter} that routes clients with a virtual IP: it claims the address on the active node and
 * releases it everywhere else, with {@code ip(8)} run through each node's {@link CommandRunner}.
 *
 * <p>{@link #route} does, in order: refuse an epoch older than the last one seen (kept in the
 * {@linkplain VipRouterConfig#stateFile() state file}, written before anything is changed); remove the address
 * from every other node ({@code ip addr del}; a node that cannot be reached is noted, not waited for past the
 * per-command timeout); unless the target already holds it, check that no other host answers for it
 * ({@code arping -D} for IPv4, {@code ndisc6} for IPv6) and refuse, naming the MAC that answered, if one does;
 * add it ({@code ip addr add}, with the configured label, IPv6 with {@code nodad}); and queue the announcements
 * (gratuitous ARP with resource-agents' {@code send_arp} or iputils' {@code arping -U}, see
 * {@link Ipv4Announcer}; unsolicited NA with {@code send_ua}) in the background, so that the call returns as soon
 * as the address is in place. Both directions are idempotent. {@link #currentTarget}
 * asks every node what it really holds; it answers empty (unknown) when a node cannot be asked or more than one
 * holds the address.
 *
 * <pre>{@code
 * try (VipRouter router = VipRouter.builder().config(cfg).buildVerified(Duration.ofSeconds(5))) {
 *     OpResult r = router.route(NodeId.of("b"), Epoch.of(7), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Needs, on every node: {@code ip} (iproute2), CAP_NET_ADMIN for {@code ip addr} and CAP_NET_RAW for
 * {@code arping}, {@code send_arp}, {@code ndisc6} and {@code send_ua} (root has both); {@code arping} from
 * iputils for IPv4 (and resource-agents' {@code send_arp}, if present, for its announcements) and {@code ndisc6}
 * plus resource-agents' {@code send_ua} for IPv6.
 *
 * <p>Thread-safe: {@code route} and {@code unroute} are serialised (a call that cannot get its turn before its
 * deadline returns TIMED_OUT); {@code currentTarget} runs alongside. {@link #close()} stops the background
 * announcements and their processes.
 */
public final class VipRouter implements RequestRouter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VipRouter.class);
    private static final Pattern MAC = Pattern.compile("([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})");

    private final VipRouterConfig cfg;
    private final VipAddress vip;
    private final Optional<EpochFile> epochFile;
    private final Announcer announcer;
    private final ThreadPoolExecutor queries;
    private final DaemonThreads queryThreads = new DaemonThreads("ha4j-vip-query");
    private final ReentrantLock lock = new ReentrantLock();
    /** Nodes found without {@code send_arp} (AUTO announces there with arping). */
    private final Set<NodeId> withoutSendArp = ConcurrentHashMap.newKeySet();
    /** Makes send_arp's pid file names unique to this router, see {@link VipRouterConfig.Builder#sendArpPidDirectory}. */
    private final String pidToken = Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
    private final AtomicLong announceSeq = new AtomicLong();
    /** Pid files of send_arp runs this router killed, per node, see {@link #removeStalePidFiles()}. */
    private final Map<NodeId, Set<String>> stalePidFiles = new ConcurrentHashMap<>();
    private volatile long lastEpoch;
    private volatile boolean closed;

    private VipRouter(VipRouterConfig cfg) {
        this.cfg = cfg;
        this.vip = cfg.vip();
        this.epochFile = cfg.stateFile().map(EpochFile::new);
        this.lastEpoch = epochFile.map(EpochFile::read).orElse(0L);
        this.announcer = new Announcer(cfg.maxConcurrentAnnouncements(), "ha4j-vip-announce");
        this.queries = new ThreadPoolExecutor(0, 4, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), queryThreads,
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the configuration */
    public VipRouterConfig config() {
        return cfg;
    }

    /** @return the last epoch this router has accepted (read from the state file at start) */
    public Epoch lastEpoch() {
        return Epoch.of(lastEpoch);
    }

    /** @return how many announcements are queued or running in the background now (for tests and metrics) */
    public int announcementsPending() {
        return announcer.pending();
    }

    /** @return how many background threads (announcements, queries) exist now; they end when idle or closed */
    public int backgroundThreads() {
        return announcer.threads() + queryThreads.alive();
    }

    @Override
    public OpResult route(NodeId node, Epoch epoch, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Optional<VipNode> t = cfg.node(node);
        if (t.isEmpty()) {
            return OpResult.failed("node " + node + " is not configured for vip " + vip + " (nodes: " + ids() + ")");
        }
        VipNode target = t.get();
        if (Thread.currentThread().isInterrupted()) {
            return OpResult.failed("interrupted before routing vip " + vip + " to " + node + "; nothing changed");
        }
        if (!lock(deadline)) {
            return Thread.currentThread().isInterrupted()
                    ? OpResult.failed("interrupted while waiting to route vip " + vip + " to " + node)
                    : OpResult.timedOut("another route or unroute of vip " + vip + " held the router past the deadline");
        }
        try {
            if (closed) {
                return OpResult.failed("the router of vip " + vip + " is closed");
            }
            if (epoch.value() < lastEpoch) {
                LOG.warn("refused to route vip {} to {} under stale epoch {} (last seen e{})", vip, node, epoch,
                        lastEpoch);
                return OpResult.refused("epoch " + epoch + " is older than e" + lastEpoch + ", the last this router"
                        + " has seen" + epochFile.map(f -> " (state file " + f.path() + ")").orElse("")
                        + "; vip " + vip + " was not moved to " + node);
            }
            if (epoch.value() > lastEpoch) {
                if (epochFile.isPresent()) {
                    try {
                        epochFile.get().write(epoch.value());
                    } catch (IOException e) {
                        return OpResult.failed("cannot record epoch " + epoch + " in " + epochFile.get().path() + ": "
                                + e.getMessage() + "; vip " + vip + " was not moved");
                    }
                }
                lastEpoch = epoch.value();
            }
            return routeLocked(target, epoch, deadline);
        } finally {
            lock.unlock();
        }
    }

    private OpResult routeLocked(VipNode target, Epoch epoch, long deadline) {
        // A new claim makes every earlier announcement wrong: one from the old node would pull clients back.
        announcer.cancelAll();
        List<String> notes = new ArrayList<>();
        List<NodeId> released = new ArrayList<>();
        // Asking the target what it holds does not depend on the releases: do it alongside them. How long it takes
        // is also the duplicate check's estimate of how long starting a program on the target takes right now.
        AtomicLong queryNanos = new AtomicLong();
        Future<Step> heldLater = query(() -> {
            long q0 = System.nanoTime();
            try {
                return holding(target, deadline);
            } finally {
                queryNanos.set(System.nanoTime() - q0);
            }
        });
        for (VipNode other : cfg.nodes()) {
            if (other.equals(target)) {
                continue;
            }
            Step s = release(other, deadline);
            if (s.interrupted()) {
                heldLater.cancel(true);
                return OpResult.failed("interrupted while releasing vip " + vip + " from " + other.id() + ": "
                        + s.detail());
            }
            if (!s.ok()) {
                notes.add("could not release it from " + other.id() + " (" + s.detail() + ")");
                LOG.warn("vip {}: could not release from {}: {}", vip, other.id(), s.detail());
            } else if (s.changed()) {
                released.add(other.id());
            }
        }
        Step held = await(heldLater, deadline);
        if (held.interrupted()) {
            return OpResult.failed("interrupted while asking " + target.id() + " for vip " + vip + ": " + held.detail());
        }
        if (!held.ok()) {
            return result(held.outcome(), "cannot ask " + target.id() + " whether it holds vip " + vip + ": "
                    + held.detail(), notes);
        }
        if (held.holding() == Holding.DAD_FAILED) {
            return result(Outcome.REFUSED, "the kernel of " + target.id() + " found vip " + vip + " duplicated"
                    + " (dadfailed) on " + target.interfaceName(), notes);
        }
        boolean already = held.holding() == Holding.HOLDS;
        if (!already) {
            if (cfg.duplicateCheck()) {
                Step dad = duplicateCheck(target, deadline, queryNanos.get());
                if (dad.interrupted()) {
                    return OpResult.failed("interrupted during the duplicate check of vip " + vip + ": " + dad.detail());
                }
                if (!dad.ok()) {
                    return result(dad.outcome(), dad.detail(), notes);
                }
            }
            Step add = add(target, deadline);
            if (add.interrupted()) {
                return OpResult.failed("interrupted while adding vip " + vip + " on " + target.id() + ": "
                        + add.detail());
            }
            if (!add.ok()) {
                return result(add.outcome(), "cannot add vip " + vip + " on " + target.id() + ": " + add.detail(),
                        notes);
            }
        }
        String announced = announce(target);
        String detail = "vip " + vip + (already ? " already on " : " now on ") + target.id() + " ("
                + target.interfaceName() + ") under " + epoch
                + (released.isEmpty() ? "" : ", released from " + released) + "; " + announced;
        LOG.info("{}{}", detail, notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        return OpResult.ok(notes.isEmpty() ? detail : detail + "; " + String.join("; ", notes));
    }

    private static OpResult result(Outcome o, String detail, List<String> notes) {
        String d = notes.isEmpty() ? detail : detail + "; " + String.join("; ", notes);
        return new OpResult(o, d);
    }

    @Override
    public OpResult unroute(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        Optional<VipNode> t = cfg.node(node);
        if (t.isEmpty()) {
            // an unknown node cannot hold the address through this router
            return OpResult.ok("node " + node + " is not configured for vip " + vip + "; nothing to release");
        }
        if (Thread.currentThread().isInterrupted()) {
            return OpResult.failed("interrupted before releasing vip " + vip + " from " + node);
        }
        if (!lock(deadline)) {
            return Thread.currentThread().isInterrupted()
                    ? OpResult.failed("interrupted while waiting to release vip " + vip + " from " + node)
                    : OpResult.timedOut("another route or unroute of vip " + vip + " held the router past the deadline");
        }
        try {
            announcer.cancelAll();
            Step s = release(t.get(), deadline);
            if (s.ok()) {
                return OpResult.ok("vip " + vip + (s.changed() ? " released from " : " was not on ") + node);
            }
            return new OpResult(s.interrupted() ? Outcome.FAILED : s.outcome(),
                    "cannot release vip " + vip + " from " + node + ": " + s.detail());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<NodeId> currentTarget(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<NodeId> holders = new ArrayList<>();
        for (VipNode n : cfg.nodes()) {
            Step s = holding(n, deadline);
            if (!s.ok()) {
                LOG.warn("vip {}: target unknown, cannot ask {}: {}", vip, n.id(), s.detail());
                return Optional.empty();
            }
            if (s.holding() != Holding.ABSENT) {
                holders.add(n.id());
            }
        }
        if (holders.size() > 1) {
            LOG.error("vip {} is held by several nodes at once: {}", vip, holders);
            return Optional.empty();
        }
        return holders.stream().findFirst();
    }

    /**
     * Checks every node's interface once: that it exists and, for an IPv6 VIP, that IPv6 is enabled on it; for
     * an IPv4 VIP announced with {@code send_arp} ({@link Ipv4Announcer#AUTO} or {@link Ipv4Announcer#SEND_ARP}),
     * also whether the node has it (AUTO then uses {@code arping -U} on nodes without it from the first move on).
     * Nodes that cannot be asked are reported in the returned list, not as an error: a router must be usable
     * while a node is down.
     *
     * @param timeout the deadline for all checks
     * @return the nodes that could not be checked, with the reason
     * @throws IllegalArgumentException naming the node, the interface and the problem, if one is certainly
     *     misconfigured (also: {@link Ipv4Announcer#SEND_ARP} configured and {@code send_arp} missing there)
     */
    public List<String> verify(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<String> unchecked = new ArrayList<>();
        for (VipNode n : cfg.nodes()) {
            CommandResult r = run(n, deadline, cfg.ipCommand(), "-o", vip.isIpv6() ? "-6" : "-4", "addr", "show",
                    "dev", n.interfaceName());
            if (r.status() == CommandResult.Status.EXITED && r.exitCode() != 0
                    && r.stderr().contains("does not exist")) {
                throw new IllegalArgumentException("node " + n.id() + " interfaceName '" + n.interfaceName()
                        + "' does not exist on that node (" + r.describe() + ")");
            }
            if (!r.ok()) {
                unchecked.add(n.id() + ": " + r.describe());
                continue;
            }
            if (vip.isIpv6() && !IpAddrs.hasFamily(r.stdout(), "inet6")) {
                throw new IllegalArgumentException("vip " + vip + " is IPv6 but node " + n.id() + " interface "
                        + n.interfaceName() + " has no IPv6 address at all (is IPv6 disabled on it?)");
            }
            if (IpAddrs.find(r.stdout(), vip.address()) == Holding.HOLDS && n.ownAddress().isEmpty()
                    && onlyAddress(r.stdout())) {
                throw new IllegalArgumentException("vip " + vip + " is the only " + (vip.isIpv6() ? "global IPv6"
                        : "IPv4") + " address of node " + n.id() + " interface " + n.interfaceName()
                        + ": it looks like the node's own address, which a virtual IP must not be");
            }
            if (!vip.isIpv6() && cfg.announcements() > 0 && cfg.ipv4Announcer() != Ipv4Announcer.ARPING) {
                checkSendArp(n, deadline).ifPresent(unchecked::add);
            }
        }
        return unchecked;
    }

    /** Finds out whether a node has send_arp: without arguments it prints its usage and exits 1 (or 2). */
    private Optional<String> checkSendArp(VipNode n, long deadline) {
        CommandResult r = run(n, deadline, cfg.sendArpCommand());
        if (programMissing(r, cfg.sendArpCommand())) {
            if (cfg.ipv4Announcer() == Ipv4Announcer.SEND_ARP) {
                throw new IllegalArgumentException("node " + n.id() + " cannot run sendArpCommand '"
                        + cfg.sendArpCommand() + "' (" + r.describe() + "): install resource-agents there or set"
                        + " ipv4Announcer arping");
            }
            if (withoutSendArp.add(n.id())) {
                LOG.info("vip {}: {} has no send_arp ({}); it will announce with arping -U", vip, n.id(),
                        r.describe());
            }
            return Optional.empty();
        }
        if (r.status() == CommandResult.Status.EXITED && (r.exitCode() == 1 || r.exitCode() == 2)
                && (r.stderr() + r.stdout()).toLowerCase(java.util.Locale.ROOT).contains("usage")) {
            withoutSendArp.remove(n.id());
            return Optional.empty();
        }
        return Optional.of(n.id() + ": cannot tell whether it has send_arp: " + r.describe());
    }

    private boolean onlyAddress(String out) {
        int n = 0;
        for (String l : out.split("\n")) {
            if ((l.contains(" inet ") || l.contains(" inet6 ")) && !l.contains("scope link")) {
                n++;
            }
        }
        return n == 1;
    }

    private record Step(boolean ok, Outcome outcome, String detail, boolean changed, Holding holding,
            boolean interrupted) {
        static Step ok(boolean changed, String detail) {
            return new Step(true, Outcome.OK, detail, changed, null, false);
        }

        static Step holds(Holding h) {
            return new Step(true, Outcome.OK, "", false, h, false);
        }

        static Step fail(Outcome o, String detail) {
            return new Step(false, o, detail, false, null, false);
        }

        static Step of(CommandResult r) {
            return switch (r.status()) {
                case TIMED_OUT -> new Step(false, Outcome.TIMED_OUT, r.describe(), false, null, false);
                case INTERRUPTED -> new Step(false, Outcome.FAILED, r.describe(), false, null, true);
                default -> new Step(false, Outcome.FAILED, r.describe(), false, null, false);
            };
        }
    }

    private Step holding(VipNode n, long deadline) {
        CommandResult r = run(n, deadline, cfg.ipCommand(), "-o", vip.isIpv6() ? "-6" : "-4", "addr", "show", "dev",
                n.interfaceName());
        if (!r.ok()) {
            return Step.of(r);
        }
        return Step.holds(IpAddrs.find(r.stdout(), vip.address()));
    }

    private Step release(VipNode n, long deadline) {
        // delete first: in a switchover the old node holds the address and one command is enough
        CommandResult r = run(n, deadline, cfg.ipCommand(), vip.isIpv6() ? "-6" : "-4", "addr", "del", vip.cidr(),
                "dev", n.interfaceName());
        if (r.ok()) {
            return Step.ok(true, "deleted");
        }
        String err = r.stderr().toLowerCase(java.util.Locale.ROOT);
        if (r.status() == CommandResult.Status.EXITED
                && (err.contains("address not found") || err.contains("cannot assign requested address"))) {
            // absent, or present with another prefix length (which del does not match): look to tell them apart
            Step h = holding(n, deadline);
            if (!h.ok()) {
                return h;
            }
            if (h.holding() == Holding.ABSENT) {
                return Step.ok(false, "absent");
            }
            return Step.fail(Outcome.FAILED, n.id() + " holds " + vip.host() + " with another prefix length than /"
                    + vip.prefixLength() + "; " + r.describe());
        }
        return Step.of(r);
    }

    private Step add(VipNode n, long deadline) {
        List<String> c = new ArrayList<>(List.of(cfg.ipCommand(), vip.isIpv6() ? "-6" : "-4", "addr", "add",
                vip.cidr(), "dev", n.interfaceName()));
        cfg.label(n).ifPresent(l -> c.addAll(List.of("label", l)));
        if (vip.isIpv6() && cfg.ipv6NoDad()) {
            c.add("nodad");
        }
        CommandResult r = run(n, deadline, c.toArray(String[]::new));
        if (r.ok()) {
            return Step.ok(true, "added");
        }
        if (r.status() == CommandResult.Status.EXITED && r.stderr().contains("File exists")) {
            return Step.ok(false, "already there");
        }
        return Step.of(r);
    }

    /**
     * @param startupNanos how long the target just took to run a trivial command: for IPv4, arping's probe leaves
     *     about that long after it is started, and only then does the wait for an answer begin
     */
    private Step duplicateCheck(VipNode n, long deadline, long startupNanos) {
        long wait = cfg.duplicateWait().toNanos()
                + (vip.isIpv6() ? 0 : Math.min(Math.max(0, startupNanos), cfg.commandTimeout().toNanos()));
        if (deadline - System.nanoTime() < wait) {
            return Step.fail(Outcome.TIMED_OUT, "not enough time left for the duplicate check of vip " + vip + " ("
                    + TimeUnit.NANOSECONDS.toMillis(wait) + " ms)");
        }
        if (vip.isIpv6()) {
            List<String> c = List.of(cfg.ndisc6Command(), "-1", "-r", "1", "-w",
                    String.valueOf(Math.max(1, cfg.duplicateWait().toMillis())), vip.host(), n.interfaceName());
            CommandResult r = call(n, c, Duration.ofNanos(Math.min(deadline - System.nanoTime(),
                    wait + cfg.commandTimeout().toNanos())));
            if (r.status() == CommandResult.Status.EXITED && r.exitCode() == 0) {
                Matcher m = MAC.matcher(r.stdout());
                return Step.fail(Outcome.REFUSED, "vip " + vip + " is already held by another host: MAC "
                        + (m.find() ? m.group(1).toLowerCase() : "?") + " answered the neighbour solicitation from "
                        + n.id() + " (" + String.join(" ", c) + ")");
            }
            if (r.status() == CommandResult.Status.EXITED && r.stdout().contains("No response")) {
                return Step.ok(false, "no other holder");
            }
            return r.status() == CommandResult.Status.NOT_STARTED
                    ? Step.fail(Outcome.FAILED, "the IPv6 duplicate check needs ndisc6 (Debian package ndisc6): "
                            + r.describe())
                    : failStep("the duplicate check of vip " + vip + " from " + n.id() + " failed: ", r);
        }
        // arping waits whole seconds only: give it one, stop it after the wait. A reply on the same segment takes
        // well under a millisecond, and arping exits at the first one.
        List<String> c = List.of(cfg.arpingCommand(), "-D", "-c", "1", "-w", "1", "-I", n.interfaceName(), vip.host());
        CommandResult r = call(n, c, Duration.ofNanos(Math.min(deadline - System.nanoTime(), wait)));
        if (r.status() == CommandResult.Status.TIMED_OUT || r.ok()) {
            return Step.ok(false, "no other holder");
        }
        if (r.status() == CommandResult.Status.EXITED && r.exitCode() == 1 && r.stdout().contains("reply from")) {
            Matcher m = MAC.matcher(r.stdout());
            return Step.fail(Outcome.REFUSED, "vip " + vip + " is already held by another host: MAC "
                    + (m.find() ? m.group(1).toLowerCase() : "?") + " answered arping -D from " + n.id() + " ("
                    + n.interfaceName() + ")");
        }
        return r.status() == CommandResult.Status.NOT_STARTED
                ? Step.fail(Outcome.FAILED, "the IPv4 duplicate check needs iputils arping (Debian package"
                        + " iputils-arping): " + r.describe())
                : failStep("the duplicate check of vip " + vip + " from " + n.id() + " failed: ", r);
    }

    private static Step failStep(String prefix, CommandResult r) {
        Step s = Step.of(r);
        return new Step(false, s.outcome(), prefix + s.detail(), false, null, s.interrupted());
    }

    private String announce(VipNode n) {
        int count = cfg.announcements();
        if (count == 0) {
            return "no announcement configured";
        }
        if (vip.isIpv6()) {
            long ms = Math.max(1, cfg.announceInterval().toMillis());
            List<String> c = List.of(cfg.sendUaCommand(), "-i", String.valueOf(ms), "-c", String.valueOf(count),
                    vip.host(), String.valueOf(vip.prefixLength()), n.interfaceName());
            Duration budget = Duration.ofMillis(ms * count).plus(cfg.commandTimeout());
            return queued(announcer.replaceWith(() -> report(n, call(n, c, budget), count)), count + " unsolicited NA",
                    "send_ua");
        }
        List<String> arping = arpingAnnouncement(n, count);
        Duration arpingBudget = Duration.ofSeconds(arpingSeconds() * count).plus(cfg.commandTimeout());
        boolean auto = cfg.ipv4Announcer() == Ipv4Announcer.AUTO;
        if (cfg.ipv4Announcer() == Ipv4Announcer.ARPING || (auto && withoutSendArp.contains(n.id()))) {
            return queued(announcer.replaceWith(() -> report(n, call(n, arping, arpingBudget), count)),
                    count + " gratuitous ARP", "arping");
        }
        List<String> sendArp = sendArpAnnouncement(n, count);
        Duration budget = cfg.announceInterval().multipliedBy(count).plus(cfg.commandTimeout());
        boolean queued = announcer.replaceWith(() -> {
            CommandResult r = call(n, sendArp, budget);
            boolean killed = r.status() == CommandResult.Status.INTERRUPTED
                    || r.status() == CommandResult.Status.TIMED_OUT;
            if (killed) {
                stalePidFiles.computeIfAbsent(n.id(), k -> ConcurrentHashMap.newKeySet())
                        .add(sendArp.get(sendArp.indexOf("-p") + 1));
            }
            if (auto && programMissing(r, cfg.sendArpCommand())) {
                if (withoutSendArp.add(n.id())) {
                    LOG.info("vip {}: {} has no send_arp ({}); announcing there with arping -U", vip, n.id(),
                            r.describe());
                }
                if (!Thread.currentThread().isInterrupted()) {
                    report(n, call(n, arping, arpingBudget), count);
                }
                return;
            }
            report(n, r, count);
            if (!killed) {
                removeStalePidFiles();
            }
        });
        return queued(queued, count + " gratuitous ARP", "send_arp");
    }

    /**
     * A killed send_arp leaves its pid file behind. Nothing reads it again (every run has its own name), but every
     * cancelled announcement (each move cancels the previous one) would leave one more. They are removed, one
     * {@code rm} per node, after an announcement that ran to its end (when no move is under way, so that the extra
     * process never competes with a move's commands) and by {@link #close()}. Best effort: a file whose removal
     * failed is tried again next time.
     */
    private void removeStalePidFiles() {
        for (VipNode n : cfg.nodes()) {
            Set<String> files = stalePidFiles.get(n.id());
            if (files == null || files.isEmpty() || Thread.currentThread().isInterrupted()) {
                continue;
            }
            List<String> batch = List.copyOf(files);
            List<String> c = new ArrayList<>(List.of("rm", "-f", "--"));
            c.addAll(batch);
            CommandResult r = call(n, c, cfg.commandTimeout());
            if (r.ok()) {
                files.removeAll(batch);
            } else {
                LOG.debug("vip {}: could not remove send_arp's pid files on {}: {}", vip, n.id(), r.describe());
            }
        }
    }

    private static String queued(boolean queued, String what, String tool) {
        return queued ? what + " queued (" + tool + ")"
                : "announcement NOT queued (router closed or announcements stuck)";
    }

    private void report(VipNode n, CommandResult r, int count) {
        boolean error = r.stdout().contains("ERROR") || r.stderr().contains("ERROR");
        if (r.status() == CommandResult.Status.INTERRUPTED) {
            LOG.debug("vip {}: announcement from {} cancelled", vip, n.id());
        } else if (!r.ok() || error) {
            String hint = !vip.isIpv6() && cfg.ipv4Announcer() == Ipv4Announcer.SEND_ARP
                    && programMissing(r, cfg.sendArpCommand())
                    ? " (ipv4Announcer send_arp: install resource-agents on " + n.id() + " or choose arping)" : "";
            LOG.warn("vip {}: announcement from {} failed: {} {}{}", vip, n.id(), r.describe(), r.stdout().strip(),
                    hint);
        } else {
            LOG.debug("vip {}: {} announcements from {} sent", vip, count, n.id());
        }
    }

    private long arpingSeconds() {
        return Math.max(1, (cfg.announceInterval().toMillis() + 999) / 1000);
    }

    private List<String> arpingAnnouncement(VipNode n, int count) {
        List<String> a = new ArrayList<>(List.of(cfg.arpingCommand(), "-U", "-c", String.valueOf(count)));
        if (arpingSeconds() > 1) {
            a.addAll(List.of("-i", String.valueOf(arpingSeconds())));
        }
        a.addAll(List.of("-I", n.interfaceName(), vip.host()));
        return List.copyOf(a);
    }

    /**
     * {@code send_arp -i MS -r COUNT -p PIDFILE IFACE IP auto not_used not_used}: the last two (broadcast
     * address and netmask) are ignored by send_arp and given as IPaddr2 gives them; "auto" is the interface's own
     * MAC. Its first packet leaves as soon as it has started; each further one half an interval later.
     */
    private List<String> sendArpAnnouncement(VipNode n, int count) {
        String pidFile = cfg.sendArpPidDirectory().replaceAll("/+$", "") + "/send_arp-ha4j-" + vip.host() + "-"
                + pidToken + "-" + announceSeq.incrementAndGet();
        return List.of(cfg.sendArpCommand(), "-i", String.valueOf(Math.max(1, cfg.announceInterval().toMillis())),
                "-r", String.valueOf(count), "-p", pidFile, n.interfaceName(), vip.host(), "auto", "not_used",
                "not_used");
    }

    /**
     * Whether a result says that the program itself could not be run (missing or not executable), as opposed to
     * the program failing: the JDK's, {@code ip netns exec}'s and shells' (over SSH) ways of saying so.
     */
    private static boolean programMissing(CommandResult r, String program) {
        String err = r.stderr();
        return switch (r.status()) {
            case NOT_STARTED -> err.contains("Cannot run program \"" + program + "\"");
            case EXITED -> r.exitCode() == 126 || r.exitCode() == 127
                    || (r.exitCode() != 0 && (err.contains("exec of \"" + program + "\" failed")
                            || err.contains(program + ": No such file or directory")
                            || err.contains(program + ": Permission denied")));
            default -> false;
        };
    }

    private Future<Step> query(Callable<Step> q) {
        try {
            return queries.submit(q);
        } catch (RejectedExecutionException e) {
            // closed: run it here
            FutureTask<Step> f = new FutureTask<>(q);
            f.run();
            return f;
        }
    }

    private static Step await(Future<Step> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return new Step(false, Outcome.FAILED, "interrupted", false, null, true);
        } catch (ExecutionException e) {
            return Step.fail(Outcome.FAILED, "query failed: " + e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            return Step.fail(Outcome.TIMED_OUT, "no answer before the deadline");
        }
    }

    private CommandResult run(VipNode n, long deadline, String... command) {
        List<String> c = List.of(command);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return CommandResult.notExited(c, CommandResult.Status.TIMED_OUT, "the call's deadline had passed");
        }
        return call(n, c, Duration.ofNanos(Math.min(left, cfg.commandTimeout().toNanos())));
    }

    /** Runs through the node's runner; a runner that breaks its contract (throws, returns null) is a failure. */
    private static CommandResult call(VipNode n, List<String> command, Duration timeout) {
        try {
            CommandResult r = n.runner().run(command, timeout);
            return r != null ? r : CommandResult.notExited(command, CommandResult.Status.NOT_STARTED,
                    "the command runner of " + n.id() + " returned no result");
        } catch (RuntimeException e) {
            return CommandResult.notExited(command, CommandResult.Status.NOT_STARTED, "the command runner of "
                    + n.id() + " threw " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private boolean lock(long deadline) {
        try {
            return lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<NodeId> ids() {
        return cfg.nodes().stream().map(VipNode::id).toList();
    }

    /**
     * Stops the background announcements (killing their processes), removes the pid files the killed
     * {@code send_arp} runs left (one {@code rm} per node that has any, each at most
     * {@link VipRouterConfig#commandTimeout()}) and waits for the threads to end.
     */
    @Override
    public void close() {
        closed = true;
        announcer.close();
        if (!Thread.currentThread().isInterrupted()) {
            removeStalePidFiles();
        }
        queries.shutdownNow();
        try {
            if (!queries.awaitTermination(5, TimeUnit.SECONDS) || !queryThreads.joinAll(TimeUnit.SECONDS.toNanos(2))) {
                LOG.warn("vip {}: query threads still running 5 s after close", vip);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "VipRouter[vip=" + vip + ", nodes=" + ids() + ", last epoch e" + lastEpoch + "]";
    }

    /**
     * Builds a {@link VipRouter}. Not thread-safe.
     */
    public static final class Builder {
        private VipRouterConfig config;

        private Builder() {
        }

        /**
         * Sets the configuration (required).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(VipRouterConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Builds the router, reading the last epoch from the state file if one is configured. Runs no command.
         *
         * @return the router
         * @throws IllegalArgumentException if no configuration was given
         * @throws IllegalStateException naming the path if the state file cannot be read or is corrupt
         */
        public VipRouter build() {
            if (config == null) {
                throw new IllegalArgumentException("config is not set: VipRouter.builder().config(...)");
            }
            return new VipRouter(config);
        }

        /**
         * Builds the router and {@linkplain VipRouter#verify(Duration) checks every node's interface}, so that
         * an interface that does not exist, or has no IPv6 for an IPv6 VIP, is an error now rather than at the
         * first failover.
         *
         * @param timeout the deadline for the checks
         * @return the router
         * @throws IllegalArgumentException if no configuration was given or a node is certainly misconfigured
         * @throws IllegalStateException naming the path if the state file cannot be read or is corrupt
         */
        public VipRouter buildVerified(Duration timeout) {
            VipRouter r = build();
            try {
                List<String> unchecked = r.verify(timeout);
                for (String u : unchecked) {
                    LOG.warn("vip {}: could not check node {}", r.vip, u);
                }
                return r;
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        }
    }
}
