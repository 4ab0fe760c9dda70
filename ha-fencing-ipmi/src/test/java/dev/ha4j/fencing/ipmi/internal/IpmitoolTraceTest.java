package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.PowerState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays a session recorded from Debian's {@code ipmitool} 1.8.19 (cipher suite 3) against {@code ipmi_sim}
 * 2.0.33 (see {@link IpmitoolTraceIT}) and checks that our RAKP HMACs, SIK/K1/K2, AuthCodes and AES
 * decryption match it, and that we encode ipmitool's session packets byte for byte given their IVs.
 */
class IpmitoolTraceTest {
    private static Trace recorded() throws IOException {
        try (InputStream in = IpmitoolTraceTest.class.getResourceAsStream(
                "/traces/ipmitool-C3-chassis-power-status.trace")) {
            return Trace.read(new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList());
        }
    }

    @Test
    void everyStepOfTheRecordedSessionIsReproduced() throws IOException {
        Trace.Report r = recorded().verify("adminpass".getBytes(StandardCharsets.US_ASCII), Crypto.Auth.HMAC_SHA1,
                Crypto.Integrity.HMAC_SHA1_96, Crypto.Confidentiality.AES_CBC_128);

        assertThat(r.powerState()).isEqualTo(PowerState.ON);
        assertThat(r.sessionPackets()).isGreaterThanOrEqualTo(4);
        assertThat(r.reEncodedIdentically()).isEqualTo(r.sessionPackets());
        // Set Session Privilege Level, Get Chassis Status, Close Session
        assertThat(r.commands()).contains("netfn 0x06 cmd 0x3b", "netfn 0x00 cmd 0x01", "netfn 0x06 cmd 0x3c");
    }

    @Test
    void aWrongPasswordDoesNotReproduceRakp2() throws IOException {
        Trace t = recorded();
        assertThatThrownBy(() -> t.verify("adminpasS".getBytes(StandardCharsets.US_ASCII), Crypto.Auth.HMAC_SHA1,
                Crypto.Integrity.HMAC_SHA1_96, Crypto.Confidentiality.AES_CBC_128))
                .isInstanceOf(AssertionError.class).hasMessageContaining("RAKP 2");
    }

    @Test
    void aTamperedSessionPacketFailsItsAuthCode() throws IOException {
        Trace t = recorded();
        List<Trace.Datagram> tampered = new ArrayList<>(t.datagrams());
        Trace.Datagram last = tampered.get(tampered.size() - 1);
        byte[] b = last.bytes().clone();
        b[20] ^= 0x01;
        tampered.set(tampered.size() - 1, new Trace.Datagram(last.toBmc(), b));
        assertThatThrownBy(() -> new Trace(tampered).verify("adminpass".getBytes(StandardCharsets.US_ASCII),
                Crypto.Auth.HMAC_SHA1, Crypto.Integrity.HMAC_SHA1_96, Crypto.Confidentiality.AES_CBC_128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AuthCode mismatch");
    }

    @Test
    void theOutOfSessionCapabilitiesRequestIsEncodedLikeIpmitools() throws IOException {
        byte[] ipmitools = recorded().datagrams().get(0).bytes();
        // rqSeq 0, channel 0x8E (current channel, IPMI v2.0 data), privilege ADMINISTRATOR
        byte[] ours = PacketCodec.v15OutOfSession(IpmiMessage.request(IpmiMessage.NETFN_APP,
                IpmiMessage.CMD_GET_CHANNEL_AUTH_CAPABILITIES, 0, new byte[] {(byte) 0x8e, 0x04}));
        assertThat(Bytes.hex(ours)).isEqualTo(Bytes.hex(ipmitools));
    }
}
