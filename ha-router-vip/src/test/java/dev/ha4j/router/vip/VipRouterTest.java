package dev.ha4j.router.vip;

import static org.assertj.core.api.Assertions.assertThat;

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
    static final class Node implements CommandRunner {
        final String name;
        final List<String> calls;
        volatile boolean holds;
        volatile Function<List<String>, CommandResult> arping = c -> CommandResult.exited(c, 0, "", "");
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
            if (c.get(0).equals("arping") && c.contains("-U")) {
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
            if (c.get(0).equals("arping")) {
                return arping.apply(c);
            }
            return CommandResult.exited(c, 127, "", "unexpected command " + joined);
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
}
