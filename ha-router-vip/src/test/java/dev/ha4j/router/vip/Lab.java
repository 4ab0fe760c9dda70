package dev.ha4j.router.vip;

import dev.ha4j.core.NodeId;
import dev.ha4j.testkit.Prerequisites;
import dev.ha4j.testkit.netns.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Shared set-up of the namespace tests: prerequisites and router configurations over a {@link NetnsLab}. */
final class Lab {
    static final int PORT = 8080;
    static final NodeId A = NodeId.of("node-a");
    static final NodeId B = NodeId.of("node-b");

    private Lab() {
    }

    /** Skips (or, in CI, fails) unless namespaces, arping, ndisc6, send_ua and send_arp are available. */
    static void requirePrerequisites() {
        Optional<String> why = NetnsLab.unavailableReason();
        Prerequisites.require(why.isEmpty(), why.orElse(""));
        Prerequisites.require(onPath("arping"), "arping is not on PATH: apt-get install -y iputils-arping");
        Prerequisites.require(onPath("ndisc6"), "ndisc6 is not on PATH: apt-get install -y ndisc6");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/libexec/heartbeat/send_ua")),
                "/usr/libexec/heartbeat/send_ua is missing: apt-get install -y resource-agents");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/libexec/heartbeat/send_arp")),
                "/usr/libexec/heartbeat/send_arp is missing: apt-get install -y resource-agents");
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/usr/bin", program));
    }

    /** A configuration with nodes a and b of the lab, their own addresses given. */
    static VipRouterConfig.Builder config(NetnsLab lab, String vipCidr, boolean v6) {
        return VipRouterConfig.custom()
                .vip(vipCidr)
                .node(VipNode.of(A, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("a")))
                        .withOwnAddress(v6 ? lab.ipv6("a") : lab.ipv4("a")))
                .node(VipNode.of(B, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("b")))
                        .withOwnAddress(v6 ? lab.ipv6("b") : lab.ipv4("b")));
    }

    static String v4(NetnsLab lab, int host) {
        return lab.spareIpv4(host) + "/24";
    }

    static String v6(NetnsLab lab, int host) {
        return lab.spareIpv6(host) + "/64";
    }
}
