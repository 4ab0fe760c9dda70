package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.CipherSuite;
import dev.ha4j.fencing.ipmi.IpmiFailure;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.fencing.ipmi.IpmiResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cipher suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128) end to end, against a minimal BMC
 * written here from the specification's formulas with plain {@code javax.crypto} (none of the production
 * codec or crypto classes), because ipmi_sim does not speak suite 17. It is a stand-in peer for the
 * session layer only: it answers Get Channel Authentication Capabilities, Open Session, RAKP 1/3, and in
 * session Set Session Privilege Level, Get Chassis Status, Chassis Control and Close Session.
 */
class Suite17LoopbackTest {
    private static final NodeId NODE = NodeId.of("node-1");
    private static final String PASSWORD = "s3cret-17";
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

    private IpmiFencer fencer(String password) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, BmcConfig.custom().host("127.0.0.1")
                .port(bmc.port()).user("admin").password(Secret.of(password)).cipherSuite(CipherSuite.SUITE_17)
                .build()).build()).build();
    }

    @Test
    void fenceOffAndOnOverSuite17() {
        IpmiFencer f = fencer(PASSWORD);
        IpmiResult off = f.run(NODE, FenceAction.OFF, Duration.ofSeconds(3));
        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        assertThat(bmc.powerOn).isFalse();
        assertThat(f.run(NODE, FenceAction.ON, Duration.ofSeconds(3)).powerState()).isEqualTo(PowerState.ON);
        assertThat(bmc.powerOn).isTrue();
        assertThat(bmc.closed.get()).as("every session closed").isEqualTo(2);
        assertThat(bmc.badPackets.get()).as("packets failing the BMC's integrity check").isZero();
    }

    @Test
    void wrongPasswordIsDetectedFromTheSha256Rakp2() {
        IpmiResult r = fencer("wrong").run(NODE, FenceAction.OFF, Duration.ofSeconds(3));
        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.AUTHENTICATION_FAILED);
        assertThat(bmc.powerOn).isTrue();
    }
}
