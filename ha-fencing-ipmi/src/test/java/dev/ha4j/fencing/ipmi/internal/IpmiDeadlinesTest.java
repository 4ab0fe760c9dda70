package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.HostResolver;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.CipherSuite;
import dev.ha4j.fencing.ipmi.IpmiFailure;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.fencing.ipmi.IpmiResult;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines that hold: a name service that never answers, an interrupt during the lookup, huge timeouts, an
 * injected ticker, a BMC that goes silent (the call still returns by its deadline, Close Session included), a
 * power command the BMC accepts but does not carry out (the detail says what the reads saw), garbage answers
 * (not "unreachable"), and a verified OFF without a read before the command. Against {@link MiniBmc} and
 * plain UDP sockets on loopback.
 */
class IpmiDeadlinesTest {
    private static final NodeId NODE = NodeId.of("node-1");
    private static final String PASSWORD = "s3cret-17";
    /** How late a call may return past its deadline on this shared, noisy machine (scheduling, not waiting). */
    private static final Duration SLACK = Duration.ofMillis(150);
    private MiniBmc bmc;

    @BeforeEach
    void start() throws Exception {
        bmc = new MiniBmc("admin", PASSWORD);
        bmc.start();
    }

    @AfterEach
    void stop() {
        bmc.close();
    }

    private static BmcConfig.Builder bmcConfig(String host, int port) {
        return BmcConfig.custom().host(host).port(port).user("admin").password(Secret.of(PASSWORD))
                .cipherSuite(CipherSuite.SUITE_17);
    }

    private IpmiFencer fencer() {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("127.0.0.1", bmc.port()).build())
                .build()).build();
    }

    /** A name service that never answers: every lookup is a future nobody completes. */
    private static final class SilentResolver implements HostResolver {
        final List<CompletableFuture<InetAddress>> lookups = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            CompletableFuture<InetAddress> f = new CompletableFuture<>();
            lookups.add(f);
            return f;
        }
    }

    private static IpmiFencer silentNameService(SilentResolver resolver) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("bmc-1.example", 623).build())
                .resolver(resolver).build()).build();
    }

    private static Duration time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void silentNameServiceCostsTheDeadlineNotMoreAndLeavesNoThread() {
        SilentResolver silent = new SilentResolver();
        IpmiFencer f = silentNameService(silent);
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        AtomicReference<IpmiResult> r = new AtomicReference<>();

        Duration took = time(() -> r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(1))));

        // the lookup may use the budget less the reserve kept for Close Session (a tenth here)
        assertThat(took).isBetween(Duration.ofMillis(850), Duration.ofSeconds(1).plus(SLACK));
        assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
        assertThat(r.get().result().detail()).contains("name lookup of 'bmc-1.example' did not finish before the "
                + "deadline", "no datagram was sent");
        assertThat(silent.lookups).hasSize(1).allMatch(CompletableFuture::isCancelled);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)).as("threads left by the call").isEmpty();
        assertThat(f.ping(NODE, Duration.ofMillis(200))).isFalse();
    }

    @Test
    void interruptEndsTheWaitForTheNameServiceAtOnce() throws Exception {
        SilentResolver silent = new SilentResolver();
        IpmiFencer f = silentNameService(silent);
        AtomicReference<IpmiResult> r = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(30)));
            flag.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        while (silent.lookups.isEmpty()) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        // "at once" on a shared machine: well under the 30 s timeout, with room for scheduling delays
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.INTERRUPTED);
        assertThat(r.get().result().detail()).contains("name lookup");
        assertThat(flag).as("interrupt status kept").isTrue();
        assertThat(silent.lookups.get(0)).isCancelled();
    }

    @Test
    void hugeTimeoutsAreClampedNotAnOverflow() {
        IpmiFencer f = fencer();
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        IpmiResult off = f.run(NODE, FenceAction.OFF, huge);
        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        assertThat(f.readStatus(NODE, huge).powerState()).isEqualTo(PowerState.OFF);
    }

    @Test
    void hugeTimeoutAgainstNoBmcEndsAtTheIcmpError() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        IpmiFencer f = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("127.0.0.1", closed).build())
                .build()).build();
        IpmiResult r = f.run(NODE, FenceAction.OFF, Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
        assertThat(f.ping(NODE, Duration.ofSeconds(Long.MAX_VALUE))).isFalse();
    }

    @Test
    void deadlinesFollowTheInjectedTickerOnly() {
        bmc.mode = MiniBmc.Mode.SILENT_CHASSIS;
        // time runs ten times faster on this ticker: a 5 s budget is spent after about 0.5 s of real time
        long origin = System.nanoTime();
        LongSupplier fast = () -> origin + (System.nanoTime() - origin) * 10;
        IpmiFencer f = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("127.0.0.1", bmc.port())
                .build()).ticker(fast).build()).build();
        AtomicReference<IpmiResult> r = new AtomicReference<>();

        Duration took = time(() -> r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(5))));

        assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.TIMED_OUT);
        // the selector re-reads the ticker at least every 100 ms of real time
        assertThat(took).isBetween(Duration.ofMillis(400), Duration.ofMillis(600).plus(SLACK));
        assertThat(r.get().elapsed()).as("elapsed on the ticker").isBetween(Duration.ofMillis(4500),
                Duration.ofSeconds(5).plus(SLACK.multipliedBy(10)));
    }

    @Test
    void silentBmcCallReturnsByItsDeadlineAndStillSendsCloseSession() {
        IpmiFencer f = fencer();
        bmc.mode = MiniBmc.Mode.SILENT;
        AtomicReference<IpmiResult> r = new AtomicReference<>();

        Duration took = time(() -> r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(1))));

        assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.TIMED_OUT);
        assertThat(took).as("a timed-out call, Close Session unanswered").isLessThanOrEqualTo(
                Duration.ofSeconds(1).plus(SLACK));
        assertThat(bmc.commands).contains("control", "close");
        assertThat(bmc.powerOn).isTrue();
    }

    @Test
    void closeSessionFitsInsideTheDeadlineWhenTheBmcStallsOnTheChassis() {
        IpmiFencer f = fencer();
        bmc.mode = MiniBmc.Mode.SILENT_CHASSIS;
        AtomicReference<IpmiResult> r = new AtomicReference<>();

        Duration took = time(() -> r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(1))));

        assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.TIMED_OUT);
        assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(1).plus(SLACK));
        assertThat(bmc.closed.get()).as("Close Session answered inside the budget").isEqualTo(1);
    }

    @Test
    void acceptedButIgnoredPowerDownSaysWhatTheReadsSaw() {
        IpmiFencer f = fencer();
        bmc.ignorePower = true;

        IpmiResult r = f.run(NODE, FenceAction.OFF, Duration.ofMillis(1500));

        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.VERIFICATION_TIMED_OUT);
        assertThat(r.result().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.powerState()).isEqualTo(PowerState.ON);
        String d = r.result().detail();
        assertThat(d).contains("accepted power down", "read back ON, not OFF", "answered", "ms after the command")
                .doesNotContain("0 attempts", "no answer");
        long reads = bmc.commands.stream().filter("status"::equals).count();
        assertThat(reads).isGreaterThanOrEqualTo(4);
        assertThat(d).contains("(" + reads + " reads, " + reads + " answered");
        assertThat(bmc.closed.get()).isEqualTo(1);
    }

    @Test
    void verifiedOffSendsTheCommandFirstAndReadsBackOnce() {
        IpmiFencer f = fencer();

        IpmiResult off = f.run(NODE, FenceAction.OFF, Duration.ofSeconds(3));

        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        assertThat(off.result().detail()).startsWith("verified OFF after power down (1 read,");
        assertThat(bmc.commands).containsExactly("privilege", "control", "status", "close");
        // an OFF of a node that is off is the same two calls, and harmless
        bmc.commands.clear();
        assertThat(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(3)).result().isVerifiedOff()).isTrue();
        assertThat(bmc.commands).containsExactly("privilege", "control", "status", "close");
    }

    @Test
    void garbageInSessionIsAProtocolErrorNotATimeout() {
        IpmiFencer f = fencer();
        bmc.mode = MiniBmc.Mode.GARBAGE_CHASSIS;

        IpmiResult r = f.run(NODE, FenceAction.OFF, Duration.ofSeconds(1));

        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.PROTOCOL_ERROR);
        assertThat(r.result().detail()).contains("not valid answers to Chassis Control");
    }

    @Test
    void peerAnsweringGarbageIsAProtocolErrorNotAnUnreachableBmc() throws Exception {
        try (DatagramSocket junk = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                SecureRandom random = new SecureRandom();
                byte[] buf = new byte[1024];
                while (!junk.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        junk.receive(p);
                        byte[] reply = new byte[1 + random.nextInt(60)];
                        random.nextBytes(reply);
                        junk.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "garbage-bmc");
            t.setDaemon(true);
            t.start();
            IpmiFencer f = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("127.0.0.1",
                    junk.getLocalPort()).connectTimeout(Duration.ofMillis(600)).build()).build()).build();
            AtomicReference<IpmiResult> r = new AtomicReference<>();

            Duration took = time(() -> r.set(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(3))));

            assertThat(r.get().failure()).as("%s", r.get()).isEqualTo(IpmiFailure.PROTOCOL_ERROR);
            assertThat(r.get().result().detail()).contains("not valid answers to Get Channel Authentication "
                    + "Capabilities");
            assertThat(took).isLessThan(Duration.ofMillis(600).plus(SLACK.multipliedBy(3)));
        }
    }

    @Test
    void hostNameResolvesThroughTheSystemResolverInsideTheDeadline() {
        IpmiFencer f = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("localhost", bmc.port())
                .build()).build()).build();
        assertThat(f.config().resolver()).isSameAs(HostResolver.system());
        IpmiResult off = f.run(NODE, FenceAction.OFF, Duration.ofSeconds(3));
        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        IpmiResult unknown = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmcConfig("no-such-bmc.invalid",
                623).build()).build()).build().run(NODE, FenceAction.OFF, Duration.ofSeconds(5));
        assertThat(unknown.failure()).as("%s", unknown).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
        assertThat(unknown.result().detail()).contains("no-such-bmc.invalid");
    }
}
