package dev.ha4j.fencing.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The fencer's failure paths that need no BMC: only loopback sockets. */
class IpmiFencerTest {
    private static final NodeId NODE = NodeId.of("node-1");

    private static IpmiFencer fencer(int port, Duration connectTimeout) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, BmcConfig.custom().host("127.0.0.1")
                .port(port).user("admin").password(Secret.of("pw")).connectTimeout(connectTimeout).build()).build()).build();
    }

    private static int closedPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void noBmcAtThePortFailsFastOnIcmpPortUnreachable() throws Exception {
        IpmiResult r = fencer(closedPort(), Duration.ofSeconds(3)).run(NODE, FenceAction.OFF, Duration.ofSeconds(20));

        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
        assertThat(r.result().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.powerState()).isEqualTo(PowerState.UNKNOWN);
        assertThat(r.result().detail()).startsWith("BMC unreachable: ICMP port unreachable from 127.0.0.1:");
        assertThat(r.elapsed()).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void silentBmcIsUnreachableAtTheConnectTimeoutNotTheDeadline() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IpmiResult r = fencer(silent.getLocalPort(), Duration.ofMillis(600))
                    .run(NODE, FenceAction.OFF, Duration.ofSeconds(20));

            assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
            assertThat(r.result().detail()).contains("no answer from 127.0.0.1:" + silent.getLocalPort()
                    + " to Get Channel Authentication Capabilities");
            assertThat(r.elapsed()).isBetween(Duration.ofMillis(600), Duration.ofMillis(1500));
        }
    }

    @Test
    void silentBmcWithAShorterDeadlineEndsAtTheDeadline() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IpmiResult r = fencer(silent.getLocalPort(), Duration.ofSeconds(3))
                    .run(NODE, FenceAction.OFF, Duration.ofMillis(400));
            assertThat(r.failure()).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
            // a tenth of the budget is kept for Close Session, so the handshake gives up at 360 ms
            assertThat(r.elapsed()).isBetween(Duration.ofMillis(350), Duration.ofMillis(1000));
        }
    }

    @Test
    void unknownNodeIsAFailedResult() throws Exception {
        IpmiResult r = fencer(closedPort(), Duration.ofSeconds(1)).run(NodeId.of("other"), FenceAction.OFF,
                Duration.ofSeconds(1));
        assertThat(r.failure()).isEqualTo(IpmiFailure.UNKNOWN_NODE);
        assertThat(r.result().detail()).contains("'other'");
        assertThat(fencer(closedPort(), Duration.ofSeconds(1)).status(NodeId.of("other"), Duration.ofSeconds(1)))
                .isEqualTo(PowerState.UNKNOWN);
    }

    @Test
    void interruptEndsTheWaitPromptlyAndKeepsTheInterruptStatus() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IpmiFencer f = fencer(silent.getLocalPort(), Duration.ofSeconds(10));
            AtomicBoolean flagKept = new AtomicBoolean();
            Thread[] worker = new Thread[1];
            CompletableFuture<IpmiResult> r = new CompletableFuture<>();
            worker[0] = new Thread(() -> {
                r.complete(f.run(NODE, FenceAction.OFF, Duration.ofSeconds(10)));
                flagKept.set(Thread.currentThread().isInterrupted());
            });
            worker[0].start();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            worker[0].interrupt();
            IpmiResult result = r.get(5, TimeUnit.SECONDS);
            worker[0].join(5000);

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
            assertThat(result.failure()).as("%s", result).isEqualTo(IpmiFailure.INTERRUPTED);
            assertThat(flagKept).isTrue();
        }
    }

    @Test
    void invalidArgumentsAreProgrammingErrors() throws Exception {
        IpmiFencer f = fencer(closedPort(), Duration.ofSeconds(1));
        assertThatThrownBy(() -> f.run(NODE, FenceAction.OFF, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> f.run(null, FenceAction.OFF, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void pingAnswersFalseWithoutABmc() throws Exception {
        assertThat(fencer(closedPort(), Duration.ofSeconds(1)).ping(NODE, Duration.ofMillis(300))).isFalse();
    }
}
