package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packet layouts from the IPMI v2.0 specification's tables, and codec round trips. */
class PacketCodecTest {
    @Test
    void ipmiRequestHasBothChecksums() {
        // Get Chassis Status, rqSeq 1: 20 00 | e0 | 81 04 01 | 7a (checksums are 2's complements of the sums)
        assertThat(Bytes.hex(IpmiMessage.request(0x00, 0x01, 1, new byte[0])))
                .isEqualTo("2000" + "e0" + "810401" + "7a");
    }

    @Test
    void responseIsParsedAndMatchedToItsRequest() {
        // 81 04 | 7b | 20 04 01 | 00 (cc) 21 10 40 | checksum
        byte[] m = Bytes.fromHex("81047b200401002110400000");
        m[m.length - 1] = Bytes.checksum(m, 3, m.length - 4);
        IpmiMessage.Response r = IpmiMessage.parseResponse(m);
        assertThat(r.answers(0x00, 0x01, 1)).isTrue();
        assertThat(r.answers(0x00, 0x01, 2)).isFalse();
        assertThat(r.completionCode()).isZero();
        assertThat(r.data()).containsExactly(0x21, 0x10, 0x40, 0x00);
        m[6] ^= 1;
        assertThatThrownBy(() -> IpmiMessage.parseResponse(m)).hasMessageContaining("checksum");
    }

    @Test
    void openSessionRequestFollowsTable13_9() {
        byte[] p = RakpCodec.openSessionRequest(7, 4, 0xA0A2A3A4, 3, 4, 1);
        assertThat(Bytes.hex(p)).isEqualTo("07040000" + "a4a3a2a0"
                + "0000000803000000" + "0100000804000000" + "0200000801000000");
    }

    @Test
    void rakp1FollowsTable13_11() {
        byte[] p = RakpCodec.rakp1(2, 0x102, new byte[16], 0x14, "admin".getBytes());
        assertThat(Bytes.hex(p)).isEqualTo("02000000" + "02010000" + "00".repeat(16) + "14" + "0000" + "05"
                + "61646d696e");
    }

    @Test
    void shortErrorAnswersAreUnderstood() {
        // ipmi_sim answers an unsupported suite with only the tag and the status
        RakpCodec.OpenSessionResponse r = RakpCodec.openSessionResponse(new byte[] {1, 0x04});
        assertThat(r.status()).isEqualTo(4);
        assertThat(RakpCodec.describe(r.status())).contains("invalid authentication algorithm");
        assertThat(RakpCodec.rakp2(new byte[] {1, 0x0d}, 20).status()).isEqualTo(0x0d);
        assertThatThrownBy(() -> RakpCodec.openSessionResponse(new byte[] {1, 0}))
                .hasMessageContaining("truncated");
    }

    @Test
    void integrityPadAlignsTheSignedPartToFourBytes() {
        Random random = new Random(Long.getLong("ha4j.seed", 42));
        SessionKeys keys = new SessionKeys(Crypto.Integrity.HMAC_SHA1_96, new byte[20],
                Crypto.Confidentiality.NONE, new byte[0]);
        for (int len = 0; len < 12; len++) {
            byte[] payload = new byte[len];
            random.nextBytes(payload);
            byte[] p = PacketCodec.v20(keys, 0, 0x102, 9, payload, null);
            int signed = p.length - 4 - 12;
            assertThat(signed % 4).isZero();
            assertThat(p[p.length - 13]).isEqualTo((byte) 0x07);
            PacketCodec.Inbound in = PacketCodec.decode(p, keys);
            assertThat(in.payload()).isEqualTo(payload);
            assertThat(in.sequence()).isEqualTo(9);
            assertThat(in.authenticated()).isTrue();
        }
    }

    @Test
    void decodeRejectsWhatTheSessionDoesNotAllow() {
        SessionKeys keys = new SessionKeys(Crypto.Integrity.HMAC_SHA256_128, new byte[32],
                Crypto.Confidentiality.AES_CBC_128, new byte[32]);
        byte[] clear = PacketCodec.v20(SessionKeys.NONE, 0, 1, 1, new byte[8], null);
        assertThatThrownBy(() -> PacketCodec.decode(clear, keys)).hasMessageContaining("unauthenticated");
        byte[] good = PacketCodec.v20(keys, 0, 1, 1, new byte[8], new byte[16]);
        assertThat(PacketCodec.decode(good, keys).payload()).hasSize(8);
        byte[] otherKey = PacketCodec.v20(new SessionKeys(Crypto.Integrity.HMAC_SHA256_128, new byte[] {1},
                Crypto.Confidentiality.AES_CBC_128, new byte[32]), 0, 1, 1, new byte[8], new byte[16]);
        assertThatThrownBy(() -> PacketCodec.decode(otherKey, keys)).hasMessageContaining("AuthCode");
        assertThatThrownBy(() -> PacketCodec.decode(new byte[] {1, 2, 3}, keys)).hasMessageContaining("RMCP");
    }

    @Test
    void presencePingAndPong() {
        assertThat(Bytes.hex(PacketCodec.presencePing(1))).isEqualTo("0600ff06000011be80010000");
        // recorded from ipmi_sim
        byte[] pong = Bytes.fromHex("0600ff06000011be40010010000011be000000008100000000000000");
        PacketCodec.Inbound in = PacketCodec.decode(pong, SessionKeys.NONE);
        assertThat(in.format()).isEqualTo(PacketCodec.Format.ASF);
        assertThat(PacketCodec.isPongWithIpmi(in.payload(), 1)).isTrue();
        assertThat(PacketCodec.isPongWithIpmi(in.payload(), 2)).isFalse();
    }
}
