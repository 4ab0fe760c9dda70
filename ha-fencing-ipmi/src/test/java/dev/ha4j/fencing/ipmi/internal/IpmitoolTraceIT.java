package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.PowerState;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import dev.ha4j.fencing.ipmi.sim.Prerequisites;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Captures a real {@code ipmitool -I lanplus -C 3 chassis power status} session against {@code ipmi_sim}
 * through a recording UDP relay and checks that our codec and crypto reproduce it: the independent
 * cross-check of the formulas. The trace is written to the build folder; {@code traces/} in the test
 * resources holds one captured this way for {@link IpmitoolTraceTest}.
 */
class IpmitoolTraceIT {
    private static IpmiSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireIpmiSim();
        sim = IpmiSimulator.start();
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void ourCryptoAndCodecReproduceAnIpmitoolSession() throws Exception {
        sim.ipmitool("chassis", "power", "on");
        List<Trace.Datagram> recorded = Collections.synchronizedList(new ArrayList<>());
        try (DatagramSocket front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket back = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            front.setSoTimeout(20);
            back.setSoTimeout(20);
            SocketAddress bmc = new InetSocketAddress(InetAddress.getLoopbackAddress(), sim.port());
            SocketAddress[] client = new SocketAddress[1];
            Thread relay = new Thread(() -> relay(front, back, bmc, client, recorded), "udp-relay");
            relay.setDaemon(true);
            relay.start();

            ProcessBuilder pb = new ProcessBuilder("ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p",
                    Integer.toString(front.getLocalPort()), "-U", IpmiSimulator.ADMIN, "-E", "-C", "3", "chassis",
                    "power", "status").redirectErrorStream(true);
            pb.environment().put("IPMI_PASSWORD", IpmiSimulator.ADMIN_PASSWORD);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("Chassis Power is on");
            relay.interrupt();
            relay.join(2000);
        }

        Trace trace = new Trace(new ArrayList<>(recorded));
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "ha4j-ipmitool-C3-trace.txt");
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            file = target.resolve("ipmitool-C3-chassis-power-status.trace");
        }
        trace.write(file, "ipmitool -I lanplus -C 3 -U admin (password adminpass) chassis power status\n"
                + "against ipmi_sim (Debian openipmi), recorded by IpmitoolTraceIT; C>B console to BMC, B>C back");

        Trace.Report report = trace.verify(IpmiSimulator.ADMIN_PASSWORD.getBytes(StandardCharsets.US_ASCII),
                Crypto.Auth.HMAC_SHA1, Crypto.Integrity.HMAC_SHA1_96, Crypto.Confidentiality.AES_CBC_128);

        assertThat(report.powerState()).isEqualTo(PowerState.ON);
        assertThat(report.commands()).contains("netfn 0x00 cmd 0x01", "netfn 0x06 cmd 0x3c");
        int fromConsole = (int) trace.datagrams().stream().filter(d -> d.toBmc()
                && (d.bytes()[4] & 0x0f) == 6 && (d.bytes()[5] & 0x3f) == 0).count();
        assertThat(report.reEncodedIdentically()).as("every ipmitool session packet re-encoded byte for byte")
                .isGreaterThanOrEqualTo(fromConsole);
    }

    private static void relay(DatagramSocket front, DatagramSocket back, SocketAddress bmc, SocketAddress[] client,
            List<Trace.Datagram> recorded) {
        byte[] buf = new byte[2048];
        while (!Thread.currentThread().isInterrupted() && !front.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                try {
                    front.receive(in);
                    client[0] = in.getSocketAddress();
                    byte[] d = Arrays.copyOf(in.getData(), in.getLength());
                    recorded.add(new Trace.Datagram(true, d));
                    back.send(new DatagramPacket(d, d.length, bmc));
                } catch (SocketTimeoutException e) {
                    // poll the other side
                }
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    back.receive(reply);
                    byte[] d = Arrays.copyOf(reply.getData(), reply.getLength());
                    recorded.add(new Trace.Datagram(false, d));
                    if (client[0] != null) {
                        front.send(new DatagramPacket(d, d.length, client[0]));
                    }
                } catch (SocketTimeoutException e) {
                    // poll the other side
                }
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
