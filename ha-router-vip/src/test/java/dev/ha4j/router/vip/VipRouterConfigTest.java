package dev.ha4j.router.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VipRouterConfigTest {
    private static final CommandRunner NOP = (c, t) -> CommandResult.exited(c, 0, "", "");

    private static VipRouterConfig.Builder base(String vip) {
        return VipRouterConfig.custom().vip(vip).node(VipNode.of(NodeId.of("a"), "eth0", NOP));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0/24 | is not an IPv4 or IPv6 address literal",
        "10.0.0.300/24 | is not an IPv4 or IPv6 address literal",
        "vip.example.com/24 | is not an IPv4 or IPv6 address literal",
        "10.0.0.5 | must be ADDRESS/PREFIX",
        "10.0.0.5/33 | out of range 1-32",
        "10.0.0.5/0 | out of range 1-32",
        "10.0.0.5/x | is not a number",
        "fd00::5/129 | out of range 1-128",
        "10.0.0.0/24 | network address",
        "10.0.0.255/24 | broadcast address",
        "127.0.0.5/8 | loopback",
        "fe80::5/64 | link-local",
        "224.0.0.5/24 | multicast",
        "fd00::5%eth0/64 | is not an IPv4 or IPv6 address literal",
        "::ffff:10.0.0.5/120 | IPv4-mapped",
        "10.0.0.5/24/1 | must be ADDRESS/PREFIX",
    })
    void malformedOrUnusableAddressesAreRefusedNamingTheValue(String vip, String rule) {
        assertThatThrownBy(() -> VipAddress.parse(vip))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vip")
                .hasMessageContaining(rule);
    }

    @Test
    void addressesAreParsedAndPrintedTheWayIpPrintsThem() {
        assertThat(VipAddress.parse("10.200.0.50/24").cidr()).isEqualTo("10.200.0.50/24");
        assertThat(VipAddress.parse("fd00:200:0:0:0:0:0:50/64").cidr()).isEqualTo("fd00:200::50/64");
        assertThat(VipAddress.parse("2001:db8:0:0:1:0:0:1/64").host()).isEqualTo("2001:db8::1:0:0:1");
        assertThat(VipAddress.parse("2001:db8::/64").host()).isEqualTo("2001:db8::");
        assertThat(VipAddress.parse("10.0.0.5/32").isIpv6()).isFalse();
        assertThat(VipAddress.parse("fd00::5/128").isIpv6()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "eth0123456789abc | 1-15 characters",
        "eth/0 | '/'",
        "eth 0 | white space",
        "eth0:1 | ':'",
        ". | '.'",
        "-eth0 | '-'",
        "'' | 1-15 characters",
    })
    void invalidInterfaceNamesAreRefused(String name, String rule) {
        assertThatThrownBy(() -> VipNode.of(NodeId.of("a"), name, NOP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interfaceName")
                .hasMessageContaining(rule);
    }

    @Test
    void fifteenCharacterInterfaceNamesAreAccepted() {
        assertThat(VipNode.of(NodeId.of("a"), "eth0123456789ab", NOP).interfaceName()).hasSize(15);
    }

    private static void refused(Consumer<VipRouterConfig.Builder> change, String... parts) {
        VipRouterConfig.Builder b = base("10.0.0.50/24");
        change.accept(b);
        var t = assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
        for (String p : parts) {
            t.hasMessageContaining(p);
        }
    }

    @Test
    void inconsistentConfigurationsAreRefusedWithFieldValueAndRule() {
        refused(b -> b.node(VipNode.of(NodeId.of("b"), "eth0", NOP).withOwnAddress("10.0.0.50")),
                "vip 10.0.0.50/24 equals node b's own address");
        refused(b -> b.node(VipNode.of(NodeId.of("b"), "eth0", NOP).withOwnAddress("fd00::12")),
                "IPv4", "ownAddress fd00:0:0:0:0:0:0:12", "family");
        refused(b -> b.node(VipNode.of(NodeId.of("a"), "eth1", NOP)), "node a is configured twice");
        refused(b -> b.labelSuffix("averylongsuffix"), "labelSuffix", "15");
        refused(b -> b.labelSuffix("v ip"), "labelSuffix 'v ip'");
        refused(b -> b.announcements(-1), "announcements -1", "0-100");
        refused(b -> b.announceInterval(Duration.ZERO), "announceInterval PT0S");
        refused(b -> b.duplicateWait(Duration.ofMinutes(1)), "duplicateWait PT1M");
        refused(b -> b.maxConcurrentAnnouncements(0), "maxConcurrentAnnouncements 0");
        refused(b -> b.commandTimeout(Duration.ofMillis(1)), "commandTimeout PT0.001S");
        refused(b -> b.arpingCommand("arping -D"), "arpingCommand 'arping -D'");
        refused(b -> b.ipCommand("-ip"), "ipCommand '-ip'");
        assertThatThrownBy(() -> base("fd00::50/64").labelSuffix("vip").build())
                .hasMessageContaining("IPv4 only");
        assertThatThrownBy(() -> VipRouterConfig.custom().node(VipNode.of(NodeId.of("a"), "eth0", NOP)).build())
                .hasMessageContaining("vip is not set");
        assertThatThrownBy(() -> VipRouterConfig.custom().vip("10.0.0.50/24").build())
                .hasMessageContaining("nodes is empty");
        assertThatThrownBy(() -> VipNode.of(NodeId.of("a"), "eth0", NOP).withOwnAddress("node-a.example"))
                .hasMessageContaining("ownAddress 'node-a.example'");
        assertThatThrownBy(() -> CommandRunner.inNetns("ns; rm -rf /"))
                .hasMessageContaining("namespace");
    }

    @Test
    void labelIsTheInterfacePlusTheSuffix() {
        VipRouterConfig c = base("10.0.0.50/24").labelSuffix("vip").build();
        assertThat(c.label(c.nodes().get(0))).contains("eth0:vip");
        assertThat(c.toString()).contains("10.0.0.50/24");
    }

    @Test
    void theIpv4AnnouncerIsValidatedNamingTheValue() {
        assertThat(base("10.0.0.50/24").build().ipv4Announcer()).isEqualTo(Ipv4Announcer.AUTO);
        assertThat(base("10.0.0.50/24").ipv4Announcer(" SEND_ARP ").build().ipv4Announcer())
                .isEqualTo(Ipv4Announcer.SEND_ARP);
        assertThat(base("10.0.0.50/24").ipv4Announcer("arping").build().ipv4Announcer()).isEqualTo(Ipv4Announcer.ARPING);
        assertThat(Ipv4Announcer.parse(Ipv4Announcer.SEND_ARP.configValue())).isEqualTo(Ipv4Announcer.SEND_ARP);
        assertThatThrownBy(() -> base("10.0.0.50/24").ipv4Announcer("sendarp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ipv4Announcer 'sendarp'").hasMessageContaining("auto, send_arp, arping");
        assertThatThrownBy(() -> base("10.0.0.50/24").ipv4Announcer((Ipv4Announcer) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ipv4Announcer");
        refused(b -> b.sendArpCommand("send_arp -i 5"), "sendArpCommand 'send_arp -i 5'");
        refused(b -> b.sendArpCommand("-x"), "sendArpCommand '-x'");
        refused(b -> b.sendArpPidDirectory("run/ha4j"), "sendArpPidDirectory 'run/ha4j'", "absolute path");
        refused(b -> b.sendArpPidDirectory("/run/../etc"), "sendArpPidDirectory '/run/../etc'", "'..'");
        refused(b -> b.sendArpPidDirectory("/run/my dir"), "sendArpPidDirectory '/run/my dir'", "white space");
        assertThatThrownBy(() -> base("fd00::50/64").ipv4Announcer(Ipv4Announcer.SEND_ARP).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ipv4Announcer send_arp is set but vip fd00::50/64 is IPv6");
        assertThat(base("fd00::50/64").ipv4Announcer("auto").build().toString()).doesNotContain("send_arp");
        VipRouterConfig c = base("10.0.0.50/24").build();
        assertThat(c.sendArpCommand()).isEqualTo("/usr/libexec/heartbeat/send_arp");
        assertThat(c.sendArpPidDirectory()).isEqualTo("/var/run/resource-agents");
        assertThat(c.duplicateWait()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.toString()).contains("by auto");
    }
}
