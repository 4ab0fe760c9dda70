package dev.ha4j.fencing.ipmi;

import dev.ha4j.fencing.ipmi.sim.LabBmc;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import dev.ha4j.fencing.ipmi.sim.Prerequisites;
import dev.ha4j.testkit.compat.FencerContract;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The testkit's Fencer compatibility kit against {@code ipmi_sim}. The unreachable device is a bound UDP
 * socket that never answers (no ICMP error), the harder case for deadlines and interrupts.
 */
class IpmiFencerContractIT extends FencerContract {
    private static IpmiSimulator sim;
    private static DatagramSocket silent;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireIpmiSim();
        sim = IpmiSimulator.start();
        silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    @Override
    protected Fencer newFencer() {
        return LabBmc.fencer(sim, node());
    }

    @Override
    protected Fencer newUnreachableFencer() {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(node(), BmcConfig.custom().host("127.0.0.1")
                .port(silent.getLocalPort()).user(IpmiSimulator.ADMIN).password(Secret.of(IpmiSimulator.ADMIN_PASSWORD))
                .build()).build()).build();
    }

    @Override
    protected NodeId node() {
        return NodeId.of("node-1");
    }

    @Override
    protected Duration unreachableTimeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(IpmiSimulator.ADMIN_PASSWORD);
    }
}
