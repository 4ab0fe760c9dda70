package dev.ha4j.router.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's logic against scripted command runners: order of steps, how answers are read, what failures say,
 * and that background announcements are bounded and end with {@code close()}. The real commands are exercised in
 * the namespace tests ({@code VipRouterIT}).
 */
class VipRouterTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A node's runner: answers like ip(8) for a node that holds the address or not, and records calls. */
    static class Node implements CommandRunner {
        final String name;
        final List<String> calls;
        volatile boolean holds;
        volatile Function<List<String>, CommandResult> arping = c -> CommandResult.exited(c, 0, "", "");
        /** What send_arp does; null: it runs like an announcement (until cancelled or its timeout). */
        volatile Function<List<String>, CommandResult> sendArp;
        /** How long {@code ip addr show} takes on this node. */
        volatile Duration showTakes = Duration.ZERO;
        /** The timeout each {@code arping -D} was given. */
        final List<Duration> dadTimeouts = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger announcing = new AtomicInteger();
        final AtomicInteger maxAnnouncing = new AtomicInteger();
        volatile CountDownLatch announcementStarted = new CountDownLatch(1);

        Node(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public CommandResult run(List<String> c, Duration timeout) {
            String joined = String.join(" ", c);
            calls.add(name + ": " + joined);
            if (c.get(0).equals("ip")) {
                if (c.contains("show")) {
                    sleep(showTakes);
                    return CommandResult.exited(c, 0, holds
                            ? "2: eth0    inet 10.0.0.50/24 scope global secondary eth0\\ valid_lft forever\n" : "", "");
                }
                if (c.contains("del")) {
                    boolean was = holds;
                    holds = false;
                    return was ? CommandResult.exited(c, 0, "", "")
                            : CommandResult.exited(c, 2, "", "Error: ipv4: Address not found.");
                }
                if (c.contains("add")) {
                    boolean was = holds;
                    holds = true;
                    return was ? CommandResult.exited(c, 2, "", "RTNETLINK answers: File exists")
                            : CommandResult.exited(c, 0, "", "");
                }
            }
            if (c.get(0).equals("rm")) {
                return CommandResult.exited(c, 0, "", "");
            }
            if (c.get(0).endsWith("send_arp")) {
                Function<List<String>, CommandResult> f = sendArp;
                return f != null ? f.apply(c) : announce(c, timeout);
            }
            if (c.get(0).equals("arping") && c.contains("-U")) {
                return announce(c, timeout);
            }
            if (c.get(0).equals("arping")) {
                if (c.contains("-D")) {
                    dadTimeouts.add(timeout);
                }
                return arping.apply(c);
            }
            return CommandResult.exited(c, 127, "", "unexpected command " + joined);
        }

        private static void sleep(Duration d) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** An announcement: runs until its timeout or until cancelled. */
        private CommandResult announce(List<String> c, Duration timeout) {
            {
                int now = announcing.incrementAndGet();
                maxAnnouncing.accumulateAndGet(now, Math::max);
                announcementStarted.countDown();
                try {
                    Thread.sleep(timeout.toMillis());
                    return CommandResult.exited(c, 0, "", "");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CommandResult.notExited(c, CommandResult.Status.INTERRUPTED, "");
                } finally {
                    announcing.decrementAndGet();
                }
            }
        }
    }

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Node a = new Node("a", calls);
    private final Node b = new Node("b", calls);

    private VipRouterConfig.Builder config() {
        return VipRouterConfig.custom().vip("10.0.0.50/24")
                .node(VipNode.of(A, "eth0", a)).node(VipNode.of(B, "eth0", b));
    }

    @Test
    void aMoveReleasesTheOldNodeBeforeCheckingAndClaimingOnTheNewOne() {
        a.holds = true;
        try (VipRouter r = VipRouter.builder().config(config().announcements(0).build()).build()) {
            OpResult res = r.route(B, Epoch.of(3), T);
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.OK);
            assertThat(res.detail()).contains("now on b").contains("released from [a]").contains("e3");
            List<String> order = new ArrayList<>(calls);
            int del = indexOf(order, "a: ip -4 addr del 10.0.0.50/24 dev eth0");
            int dad = indexOf(order, "b: arping -D -c 1 -w 1 -I eth0 10.0.0.50");
            int add = indexOf(order, "b: ip -4 addr add 10.0.0.50/24 dev eth0");
            assertThat(del).isNotNegative().isLessThan(dad);
            assertThat(dad).isLessThan(add);
            assertThat(a.holds).isFalse();
            assertThat(b.holds).isTrue();
            assertThat(r.currentTarget(T)).contains(B);
        }
    }

    private static int indexOf(List<String> calls, String call) {
        assertThat(calls).contains(call);
        return calls.indexOf(call);
    }

    @Test
    void routeAndUnrouteAreIdempotent() {
        try (VipRouter r = VipRouter.builder().config(config().announcements(0).build()).build()) {
            assertThat(r.route(A, Epoch.of(1), T).isOk()).isTrue();
            calls.clear();
            OpResult again = r.route(A, Epoch.of(1), T);
            assertThat(again.detail()).contains("already on a");
            assertThat(calls).noneMatch(c -> c.contains(" addr add ") || c.contains("arping"));
            assertThat(r.unroute(A, T).detail()).contains("released from a");
            assertThat(r.unroute(A, T).detail()).contains("was not on a");
            assertThat(r.currentTarget(T)).isEmpty();
        }
    }

    @Test
    void aStaleEpochIsRefusedBeforeAnyCommandRuns() {
        try (VipRouter r = VipRouter.builder().config(config().announcements(0).build()).build()) {
            assertThat(r.route(B, Epoch.of(5), T).isOk()).isTrue();
            calls.clear();
            OpResult stale = r.route(A, Epoch.of(4), T);
            assertThat(stale.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(stale.detail()).contains("e4").contains("e5");
            assertThat(calls).isEmpty();
        }
    }

    @Test
    void anUnwritableStateFileFailsTheRouteBeforeAnyCommandRuns() throws Exception {
        // its directory does not exist: reading finds no epoch yet, writing fails
        Path state = dir.resolve("missing").resolve("state");
        try (VipRouter r = VipRouter.builder().config(config().stateFile(state).build()).build()) {
            OpResult res = r.route(A, Epoch.of(1), T);
            assertThat(res.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("cannot record epoch e1").contains(state.toString());
            assertThat(calls).isEmpty();
            assertThat(r.lastEpoch()).isEqualTo(Epoch.NONE);
        }
    }

    @Test
    void aHostThatAnswersTheDuplicateCheckIsNamedByItsMac() {
        b.arping = c -> CommandResult.exited(c, 1, "ARPING 10.0.0.50 from 0.0.0.0 eth0\n"
                + "Unicast reply from 10.0.0.50 [AA:BB:CC:00:11:22]  0.578ms\nSent 1 probes (1 broadcast(s))\n"
                + "Received 1 response(s)\n", "");
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            OpResult res = r.route(B, Epoch.of(1), T);
            assertThat(res.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(res.detail()).contains("aa:bb:cc:00:11:22").contains("already held by another host");
            assertThat(b.holds).isFalse();
        }
    }

    @Test
    void failuresNameTheCommandItsExitCodeAndStderr() {
        b.arping = c -> CommandResult.notExited(c, CommandResult.Status.NOT_STARTED, "No such file or directory");
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            OpResult res = r.route(B, Epoch.of(1), T);
            assertThat(res.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("iputils-arping").contains("`arping -D");
        }
        b.arping = c -> CommandResult.exited(c, 2, "", "arping: Interface \"eth0\" is down");
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            OpResult res = r.route(B, Epoch.of(1), T);
            assertThat(res.detail()).contains("exited 2").contains("is down");
        }
    }

    @Test
    void announcementsRunInTheBackgroundBoundedAndEndWithClose() throws Exception {
        VipRouter r = VipRouter.builder().config(config().announcements(3).maxConcurrentAnnouncements(1)
                .commandTimeout(Duration.ofSeconds(30)).build()).build();
        try {
            for (int i = 1; i <= 20; i++) {
                NodeId to = i % 2 == 0 ? A : B;
                Node n = to == A ? a : b;
                n.announcementStarted = new CountDownLatch(1);
                long t0 = System.nanoTime();
                OpResult res = r.route(to, Epoch.of(i), T);
                assertThat(res.isOk()).as(res.toString()).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
                        .as("route does not wait for an announcement that lasts ~33 s").isLessThan(5);
                assertThat(n.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(r.announcementsPending()).isLessThanOrEqualTo(1);
            }
            assertThat(Math.max(a.maxAnnouncing.get(), b.maxAnnouncing.get()))
                    .as("a new claim cancels the previous announcement").isLessThanOrEqualTo(1);
        } finally {
            r.close();
        }
        assertThat(r.backgroundThreads()).isZero();
        assertThat(a.announcing.get() + b.announcing.get()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("ha4j-vip-") && t.isAlive());
    }

    @Test
    void unrouteCancelsAnnouncementsSoTheOldNodeStopsAdvertising() throws Exception {
        try (VipRouter r = VipRouter.builder().config(config().commandTimeout(Duration.ofSeconds(30)).build())
                .build()) {
            assertThat(r.route(A, Epoch.of(1), T).isOk()).isTrue();
            assertThat(a.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(r.unroute(A, T).isOk()).isTrue();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (a.announcing.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(a.announcing.get()).isZero();
        }
    }

    @Test
    void anInterruptedRouteReturnsAtOnceAndKeepsTheFlag() {
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            Thread.currentThread().interrupt();
            OpResult res = r.route(A, Epoch.of(1), T);
            assertThat(Thread.interrupted()).isTrue();
            assertThat(res.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("interrupted");
            assertThat(calls).isEmpty();
        }
    }

    @Test
    void twoHoldersMeanUnknown() {
        a.holds = true;
        b.holds = true;
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            assertThat(r.currentTarget(T)).isEmpty();
        }
    }

    @Test
    void aRunnerThatThrowsGivesAFailedResultNotAnException() {
        CommandRunner broken = (c, t) -> {
            throw new IllegalStateException("agent down");
        };
        VipRouterConfig cfg = VipRouterConfig.custom().vip("10.0.0.50/24").node(VipNode.of(A, "eth0", broken)).build();
        try (VipRouter r = VipRouter.builder().config(cfg).build()) {
            OpResult res = r.route(A, Epoch.of(1), T);
            assertThat(res.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("agent down");
            assertThat(r.unroute(A, T).outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.currentTarget(T)).isEmpty();
        }
    }

    @Test
    void aDeadlineTooShortForTheDuplicateCheckTimesOutWithoutClaiming() {
        try (VipRouter r = VipRouter.builder().config(config().duplicateWait(Duration.ofSeconds(2)).build()).build()) {
            OpResult res = r.route(A, Epoch.of(1), Duration.ofMillis(500));
            assertThat(res.outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(res.detail()).contains("duplicate check");
            assertThat(a.holds).isFalse();
        }
    }

    private static final String SEND_ARP = "/usr/libexec/heartbeat/send_arp";

    private List<String> callsOf(String node, String program) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(node + ": " + program)).toList();
        }
    }

    private static void eventually(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ok.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as(what).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void ipv4IsAnnouncedWithSendArpByDefaultInMillisecondsWithAPidFileOfItsOwn() throws Exception {
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            OpResult res = r.route(B, Epoch.of(1), T);
            assertThat(res.detail()).contains("3 gratuitous ARP queued (send_arp)");
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callsOf("b", SEND_ARP)).singleElement().asString().matches("b: " + SEND_ARP + " -i 200 -r 3"
                    + " -p /var/run/resource-agents/send_arp-ha4j-10\\.0\\.0\\.50-[0-9a-f]+-1 eth0 10\\.0\\.0\\.50 auto"
                    + " not_used not_used");
            assertThat(callsOf("b", "arping -U")).isEmpty();
            a.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(A, Epoch.of(2), T).isOk()).isTrue();
            assertThat(a.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            String first = callsOf("b", SEND_ARP).get(0).replaceAll(".* -p (\\S+) .*", "$1");
            String second = callsOf("a", SEND_ARP).get(0).replaceAll(".* -p (\\S+) .*", "$1");
            assertThat(second).as("every run has its own pid file").isNotEqualTo(first).endsWith("-2");
        }
    }

    @Test
    void theIntervalAndThePidDirectoryAreConfigurable() throws Exception {
        try (VipRouter r = VipRouter.builder().config(config().announceInterval(Duration.ofMillis(40))
                .announcements(5).sendArpPidDirectory("/run/my-app/").build()).build()) {
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callsOf("b", SEND_ARP)).singleElement().asString()
                    .contains(" -i 40 -r 5 -p /run/my-app/send_arp-ha4j-10.0.0.50-");
        }
    }

    /** How send_arp's absence looks through the JDK, {@code ip netns exec} and a shell over SSH. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "netns", "ssh"})
    void autoFallsBackToArpingWhereSendArpIsMissingAndRemembersIt(String how) throws Exception {
        AtomicInteger tried = new AtomicInteger();
        b.sendArp = c -> {
            tried.incrementAndGet();
            return switch (how) {
                case "jdk" -> CommandResult.notExited(c, CommandResult.Status.NOT_STARTED, "Cannot run program \""
                        + SEND_ARP + "\": error=2, No such file or directory");
                case "netns" -> CommandResult.exited(c, 1, "", "exec of \"" + SEND_ARP
                        + "\" failed: No such file or directory");
                default -> CommandResult.exited(c, 127, "", "bash: line 1: " + SEND_ARP + ": No such file or directory");
            };
        };
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).as("arping -U ran instead").isTrue();
            assertThat(callsOf("b", "arping -U")).singleElement().asString()
                    .isEqualTo("b: arping -U -c 3 -I eth0 10.0.0.50");
            a.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(A, Epoch.of(2), T).isOk()).isTrue();
            assertThat(a.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            b.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(B, Epoch.of(3), T).detail()).contains("(arping)");
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(tried).as("send_arp is not tried again on b").hasValue(1);
            assertThat(callsOf("a", SEND_ARP)).as("a still has it").hasSize(1);
        }
    }

    @Test
    void aFailingSendArpIsNotMistakenForAMissingOne() throws Exception {
        AtomicInteger tried = new AtomicInteger();
        b.sendArp = c -> {
            tried.incrementAndGet();
            b.announcementStarted.countDown();
            return CommandResult.exited(c, 1, "", "send_arp[7]: ERROR: Could not open pid-file"
                    + " [/var/run/resource-agents/send_arp-x]: No such file or directory");
        };
        try (VipRouter r = VipRouter.builder().config(config().build()).build()) {
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            eventually("announcement done", () -> r.announcementsPending() == 0);
            assertThat(callsOf("b", "arping -U")).isEmpty();
            assertThat(r.route(A, Epoch.of(2), T).isOk()).isTrue();
            b.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(B, Epoch.of(3), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(tried).hasValue(2);
        }
    }

    @Test
    void arpingCanBeChosenAndSendArpIsThenNeverRun() throws Exception {
        try (VipRouter r = VipRouter.builder().config(config().ipv4Announcer("arping")
                .announceInterval(Duration.ofMillis(1500)).build()).build()) {
            assertThat(r.verify(T)).isEmpty();
            assertThat(r.route(B, Epoch.of(1), T).detail()).contains("(arping)");
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(callsOf("b", "arping -U")).singleElement().asString()
                    .isEqualTo("b: arping -U -c 3 -i 2 -I eth0 10.0.0.50");
            assertThat(calls).noneMatch(c -> c.contains("send_arp"));
        }
    }

    @Test
    void sendArpChosenExplicitlyDoesNotFallBackAndVerifyRefusesANodeWithoutIt() throws Exception {
        b.sendArp = c -> {
            b.announcementStarted.countDown();
            return CommandResult.exited(c, 1, "", "exec of \"" + SEND_ARP + "\" failed: No such file or directory");
        };
        try (VipRouter r = VipRouter.builder().config(config().ipv4Announcer(Ipv4Announcer.SEND_ARP).build()).build()) {
            assertThatThrownBy(() -> r.verify(T)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node b").hasMessageContaining("sendArpCommand '" + SEND_ARP + "'")
                    .hasMessageContaining("No such file or directory").hasMessageContaining("ipv4Announcer arping");
            b.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            eventually("announcement done", () -> r.announcementsPending() == 0);
            assertThat(callsOf("b", "arping -U")).as("no fallback when send_arp was chosen").isEmpty();
        }
    }

    @Test
    void verifyFindsTheNodesWithoutSendArpBeforeTheFirstMove() throws Exception {
        a.sendArp = c -> CommandResult.exited(c, 1, "", "send_arp: sends out custom ARP packet.\n  usage: send_arp");
        b.sendArp = c -> CommandResult.exited(c, 1, "", "exec of \"" + SEND_ARP + "\" failed: No such file or directory");
        try (VipRouter r = VipRouter.builder().config(config().build()).buildVerified(T)) {
            assertThat(callsOf("b", SEND_ARP)).singleElement().asString().isEqualTo("b: " + SEND_ARP);
            b.sendArp = c -> {
                throw new AssertionError("send_arp must not be tried on b again");
            };
            assertThat(r.route(B, Epoch.of(1), T).detail()).contains("(arping)");
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            a.sendArp = null;
            assertThat(r.route(A, Epoch.of(2), T).detail()).contains("(send_arp)");
        }
    }

    @Test
    void ipv6IsAnnouncedWithSendUa() {
        Node v6 = new Node("c", calls) {
            @Override
            public CommandResult run(List<String> c, Duration timeout) {
                if (c.get(0).equals("ndisc6")) {
                    calls.add("c: " + String.join(" ", c));
                    return CommandResult.exited(c, 2, "Soliciting fd00::50 (fd00::50) on eth0...\nTimed out.\n"
                            + "No response.\n", "");
                }
                return super.run(c, timeout);
            }
        };
        VipRouterConfig cfg = VipRouterConfig.custom().vip("fd00::50/64").node(VipNode.of(A, "eth0", v6)).build();
        try (VipRouter r = VipRouter.builder().config(cfg).build()) {
            OpResult res = r.route(A, Epoch.of(1), T);
            assertThat(res.detail()).as(res.toString()).contains("3 unsolicited NA queued (send_ua)");
            assertThat(calls).contains("c: ndisc6 -1 -r 1 -w 20 fd00::50 eth0");
        }
    }

    /**
     * arping's probe leaves only once the program has started, which on a loaded node (or over SSH) takes as long
     * as the target's other commands: the wait for an answer is on top of that, not counted from the start.
     */
    @Test
    void theIpv4DuplicateCheckWaitsForTheTargetsStartUpPlusTheAnswerWait() {
        b.showTakes = Duration.ofMillis(300);
        try (VipRouter r = VipRouter.builder().config(config().announcements(0).build()).build()) {
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.dadTimeouts).singleElement().satisfies(d -> assertThat(d)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300 + 20)).isLessThan(Duration.ofMillis(2000)));
            b.showTakes = Duration.ZERO;
            assertThat(r.route(A, Epoch.of(2), T).isOk()).isTrue();
            assertThat(r.route(B, Epoch.of(3), T).isOk()).isTrue();
            // bounded loosely: on a loaded CI machine even the scripted query takes a few milliseconds
            assertThat(b.dadTimeouts.get(1)).as("a fast node waits little more than duplicateWait")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(20)).isLessThan(Duration.ofMillis(250));
        }
    }

    /**
     * A killed send_arp leaves its pid file: removed after the next announcement that ran to its end (not during a
     * move), and by close().
     */
    @Test
    void thePidFilesOfKilledSendArpRunsAreRemovedAfterACompleteAnnouncementAndByClose() throws Exception {
        VipRouter r = VipRouter.builder().config(config().commandTimeout(Duration.ofMillis(300)).build()).build();
        String bPid;
        try {
            assertThat(r.route(B, Epoch.of(1), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
            bPid = callsOf("b", SEND_ARP).get(0).replaceAll(".* -p (\\S+) .*", "$1");
            // a's announcement runs to its end (the scripted one lasts its budget, 3 x 200 ms + 300 ms)
            assertThat(r.route(A, Epoch.of(2), T).isOk()).isTrue();
            eventually("b's pid file removed after a's announcement ended", () -> calls.contains("b: rm -f -- " + bPid));
            assertThat(calls.indexOf("b: rm -f -- " + bPid)).as("not while the move ran")
                    .isGreaterThan(calls.indexOf(callsOf("a", SEND_ARP).get(0)));
            b.announcementStarted = new CountDownLatch(1);
            assertThat(r.route(B, Epoch.of(3), T).isOk()).isTrue();
            assertThat(b.announcementStarted.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            r.close();
        }
        String bPid2 = callsOf("b", SEND_ARP).get(1).replaceAll(".* -p (\\S+) .*", "$1");
        assertThat(calls).as("close() removes the file of the run it killed").contains("b: rm -f -- " + bPid2);
        assertThat(calls.stream().filter(c -> c.contains("rm -f")).count()).isEqualTo(2);
        assertThat(r.backgroundThreads()).isZero();
    }
}
