package dev.ha4j.testkit.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.PowerState;
import dev.ha4j.testkit.peers.Prerequisites;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The launcher against the real {@code ipmi_sim}: readiness without any IPMI client of ours, and cleanup. */
class IpmiSimulatorIT {
    @BeforeAll
    static void needsIpmiSim() {
        Prerequisites.require(IpmiSimulator.installed(),
                "ipmi_sim and ipmitool are not on PATH: apt-get install -y openipmi ipmitool");
    }

    @Test
    void startsReadyAndAnswersPingAndIpmitool() throws Exception {
        try (IpmiSimulator sim = IpmiSimulator.start()) {
            assertThat(IpmiSimulator.presencePing(IpmiSimulator.HOST, sim.port(), Duration.ofSeconds(1))).isTrue();
            assertThat(sim.ipmitoolPowerStatus()).isIn(PowerState.ON, PowerState.OFF);
            assertThat(sim.toString()).doesNotContain(IpmiSimulator.ADMIN_PASSWORD);
        }
    }

    @Test
    void aKilledBmcAnswersNoPingAndARestartedOneDoes() throws Exception {
        try (IpmiSimulator sim = IpmiSimulator.start()) {
            sim.ipmitool("chassis", "power", "on");
            sim.kill();
            assertThat(IpmiSimulator.presencePing(IpmiSimulator.HOST, sim.port(), Duration.ofMillis(300))).isFalse();
            assertThat(sim.nodeRunning()).as("the node dies with its BMC").isFalse();
            sim.restart();
            assertThat(IpmiSimulator.presencePing(IpmiSimulator.HOST, sim.port(), Duration.ofSeconds(1))).isTrue();
        }
    }

    @Test
    void closeKillsTheSimulatorItsNodeAndStalledHooksAndDeletesTheLab() throws Exception {
        IpmiSimulator sim = IpmiSimulator.start();
        Path lab = sim.lab();
        sim.ipmitool("chassis", "power", "on");
        long node = sim.nodePid().orElseThrow();
        assertThat(IpmiSimulator.running(node)).isTrue();
        // a power call that stalls inside the BMC's hook: the hook (a sleep) must die with the simulator
        sim.delay(60);
        Thread caller = new Thread(() -> sim.ipmitool("chassis", "power", "off"));
        caller.setDaemon(true);
        caller.start();
        String run = sim.runDir().toString();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hooksOf(run) < 2 && System.nanoTime() < until) { // the node and the stalled hook
            Thread.onSpinWait();
        }
        assertThat(hooksOf(run)).as("the node and a stalled hook run").isGreaterThanOrEqualTo(2);
        sim.close();
        assertThat(IpmiSimulator.running(node)).as("node process " + node).isFalse();
        assertThat(hooksOf(run)).as("processes of the lab left after close()").isZero();
        assertThat(Files.exists(lab)).isFalse();
    }

    /** Test code may look at command lines; the launcher itself kills by PID and session only. */
    private static long hooksOf(String runDir) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(runDir))
                .filter(h -> IpmiSimulator.running(h.pid())).count();
    }

    @Test
    void aPingToAPortThatRefusesOrAnswersGarbageIsFalseWithinItsTimeout() throws Exception {
        try (DatagramSocket closed = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = closed.getLocalPort();
            closed.close();
            long t0 = System.nanoTime();
            assertThat(IpmiSimulator.presencePing(IpmiSimulator.HOST, port, Duration.ofMillis(200))).isFalse();
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
        try (DatagramSocket junk = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread answerer = new Thread(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[64], 64);
                    junk.receive(p);
                    byte[] garbage = "not an RMCP pong".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    junk.send(new DatagramPacket(garbage, garbage.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    // the socket closed: the test is over
                }
            });
            answerer.setDaemon(true);
            answerer.start();
            assertThat(IpmiSimulator.presencePing(IpmiSimulator.HOST, junk.getLocalPort(), Duration.ofMillis(300)))
                    .isFalse();
        }
    }
}
