package dev.ha4j.fencing.ipmi.bench;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.fencing.ipmi.IpmiResult;
import java.time.Duration;

/**
 * What a fresh JVM does to fence once (the way a fence agent is run): one verified OFF, exit status 0 only if
 * the BMC read back OFF. The password comes from {@code IPMI_PASSWORD}, as with {@code ipmitool -E}.
 * Used by {@link FenceBenchmark}; not a test.
 */
public final class FenceOnce {
    private FenceOnce() {
    }

    /**
     * Fences once.
     *
     * @param args host, port, user
     */
    public static void main(String[] args) {
        NodeId node = NodeId.of("node");
        IpmiFencer fencer = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(node, BmcConfig.custom().host(args[0])
                .port(Integer.parseInt(args[1])).user(args[2]).passwordFromEnvironment("IPMI_PASSWORD").build())
                .build()).build();
        IpmiResult r = fencer.run(node, FenceAction.OFF, Duration.ofSeconds(10));
        System.out.println(r.result());
        System.exit(r.result().isVerifiedOff() ? 0 : 1);
    }
}
