package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests of the RMCP+ cryptography.
 *
 * <p>Where the values come from, honestly: the IPMI v2.0 specification gives the formulas but no test
 * vectors for them. So (1) the HMAC truncations and AES are checked on the published vectors of the RFCs
 * and NIST publication the specification cites (RFC 2202/2404 HMAC-SHA1-96, RFC 4231/4868 HMAC-SHA256-128,
 * NIST SP 800-38A CBC-AES128); (2) the RAKP codes, SIK, K1, K2, RAKP 4 ICV and a complete encrypted,
 * authenticated session packet are checked, for SHA-1 (suite 3) and SHA-256 (suite 17), against values
 * computed independently of this code from the specification's formulas by
 * {@code src/test/resources/vectors/make-vectors.py} (Python hmac/hashlib and the openssl CLI); (3) the
 * suite 3 path is also checked against a real session recorded from ipmitool ({@link IpmitoolTraceTest}).
 * There is no real suite 17 peer on this machine (ipmi_sim lacks it), so (2) is the suite 17 evidence,
 * together with {@link Suite17LoopbackTest}.
 */
class CryptoVectorsTest {
    private static final byte[] KUID = "adminpass".getBytes(StandardCharsets.US_ASCII);
    private static final int SID_M = 0xA0A2A3A4;
    private static final int SID_C = 0x00000102;
    private static final byte[] RM = range(0x00, 16);
    private static final byte[] RC = range(0x10, 16);
    private static final byte[] GUID = Bytes.fromHex("a123456789abcdefa123456789abcdef");
    private static final int ROLE = 0x14;
    private static final byte[] USER = "admin".getBytes(StandardCharsets.US_ASCII);

    private static byte[] range(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static String hex(byte[] b) {
        return Bytes.hex(b);
    }

    @Test
    void hmacSha1_96OnRfc2202TestCase5() {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x0c);
        byte[] data = "Test With Truncation".getBytes(StandardCharsets.US_ASCII);
        assertThat(hex(Crypto.authCode(Crypto.Integrity.HMAC_SHA1_96, key, data, 0, data.length)))
                .isEqualTo("4c1a03424b55e07fe7f27be1");
    }

    @Test
    void hmacSha256_128OnRfc4231TestCase5() {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x0c);
        byte[] data = "Test With Truncation".getBytes(StandardCharsets.US_ASCII);
        assertThat(hex(Crypto.authCode(Crypto.Integrity.HMAC_SHA256_128, key, data, 0, data.length)))
                .isEqualTo("a3b6167473100ee06e0c796c2955552b");
    }

    @Test
    void aesCbc128OnNistSp800_38aF21() {
        byte[] key = Bytes.fromHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] iv = Bytes.fromHex("000102030405060708090a0b0c0d0e0f");
        byte[] plain = Bytes.fromHex("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51");
        byte[] cipher = Crypto.aesCbc(true, key, iv, plain);
        assertThat(hex(cipher)).isEqualTo("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
        assertThat(Crypto.aesCbc(false, key, iv, cipher)).isEqualTo(plain);
    }

    @Test
    void suite3KeyExchangeMatchesTheFormulas() {
        Crypto.Auth a = Crypto.Auth.HMAC_SHA1;
        assertThat(hex(Crypto.rakp2Code(a, KUID, SID_M, SID_C, RM, RC, GUID, ROLE, USER)))
                .isEqualTo("37b516a0841bde7ce42c2ecb0bc3e8c9e13361c2");
        assertThat(hex(Crypto.rakp3Code(a, KUID, RC, SID_M, ROLE, USER)))
                .isEqualTo("429863dfe159681b8d8b176b3b9ff4091c19e869");
        byte[] sik = Crypto.sik(a, KUID, RM, RC, ROLE, USER);
        assertThat(hex(sik)).isEqualTo("25ff256061ccae254a38234690ac995f2b2693ca");
        assertThat(hex(Crypto.rakp4Icv(a, sik, RM, SID_C, GUID))).isEqualTo("c6e2775c340aacd1e84a9452");
        assertThat(hex(Crypto.additionalKey(a, sik, 1))).isEqualTo("83c96a30c6cdd1edb32490a96f7afdf37f4648a8");
        assertThat(hex(Crypto.additionalKey(a, sik, 2))).isEqualTo("9373c6deb376c33b7b6377d00089c6347d9f2ff1");
    }

    @Test
    void suite17KeyExchangeMatchesTheFormulasWithSha256() {
        Crypto.Auth a = Crypto.Auth.HMAC_SHA256;
        byte[] rakp2 = Crypto.rakp2Code(a, KUID, SID_M, SID_C, RM, RC, GUID, ROLE, USER);
        assertThat(rakp2).hasSize(32);
        assertThat(hex(rakp2)).isEqualTo("d3a345b75a27e5e0a9baa2591eb69ee96001efca7035a093e0c837a9d3daa7cc");
        assertThat(hex(Crypto.rakp3Code(a, KUID, RC, SID_M, ROLE, USER)))
                .isEqualTo("2249213a0b59e8af8258f653d73181282e82dcab8c4f5fa074c5475d10595b0c");
        byte[] sik = Crypto.sik(a, KUID, RM, RC, ROLE, USER);
        assertThat(hex(sik)).isEqualTo("8730ff92be47561d280bcaaad25035a27436ba5cc34e567795f392d593e42753");
        byte[] icv = Crypto.rakp4Icv(a, sik, RM, SID_C, GUID);
        assertThat(icv).as("RAKP-HMAC-SHA256 ICV is HMAC-SHA256-128").hasSize(16);
        assertThat(hex(icv)).isEqualTo("8fe53472ddcb164a1dd3257c7db6dc46");
        byte[] k1 = Crypto.additionalKey(a, sik, 1);
        assertThat(k1).as("constant of 32 bytes, key of 32 bytes").hasSize(32);
        assertThat(hex(k1)).isEqualTo("18219317392c04bedde7dcb04415e549e47c434ad7a91674ea7b97f9635c2b2b");
        assertThat(hex(Crypto.additionalKey(a, sik, 2)))
                .isEqualTo("193651273f402c07815d335faf27f113a990591d92027948e05d10fddb39ade7");
    }

    private static byte[] chassisStatusPacket(Crypto.Auth a, Crypto.Integrity i) {
        byte[] sik = Crypto.sik(a, KUID, RM, RC, ROLE, USER);
        SessionKeys keys = new SessionKeys(i, Crypto.additionalKey(a, sik, 1), Crypto.Confidentiality.AES_CBC_128,
                Crypto.additionalKey(a, sik, 2));
        byte[] msg = IpmiMessage.request(IpmiMessage.NETFN_CHASSIS, IpmiMessage.CMD_GET_CHASSIS_STATUS, 5,
                new byte[0]);
        return PacketCodec.v20(keys, PacketCodec.PAYLOAD_IPMI, SID_C, 1, msg, range(0xf0, 16));
    }

    @Test
    void suite3SessionPacketMatchesTheIndependentEncoding() {
        assertThat(hex(chassisStatusPacket(Crypto.Auth.HMAC_SHA1, Crypto.Integrity.HMAC_SHA1_96))).isEqualTo(
                "0600ff0706c002010000010000002000f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff1ea3e0f757804792abccc0d17e5f1761"
                        + "ffff0207f3dea08b6f39f6e401a5ca90");
    }

    @Test
    void suite17SessionPacketMatchesTheIndependentEncoding() {
        byte[] p = chassisStatusPacket(Crypto.Auth.HMAC_SHA256, Crypto.Integrity.HMAC_SHA256_128);
        assertThat(hex(p)).isEqualTo(
                "0600ff0706c002010000010000002000f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff29875d7b56404c33eca6e8767d7aad87"
                        + "ffff0207eb385804dc2908c78cb1319d8ab5bdb5");
        // the AuthCode of HMAC-SHA256-128 is 16 bytes after Next Header 0x07
        assertThat(p[p.length - 17]).isEqualTo((byte) 0x07);
    }

    @Test
    void confidentialityTrailerRoundTripsForEveryLength() {
        long seed = Long.getLong("ha4j.seed", System.nanoTime());
        Random random = new Random(seed);
        byte[] k2 = new byte[20];
        random.nextBytes(k2);
        for (int len = 0; len <= 80; len++) {
            byte[] payload = new byte[len];
            random.nextBytes(payload);
            byte[] iv = new byte[16];
            random.nextBytes(iv);
            byte[] enc = Crypto.encryptPayload(k2, iv, payload);
            int n = len;
            assertThat(enc.length % 16).as("seed %d, length %d", seed, n).isZero();
            assertThat(enc.length).as("seed %d: IV plus the fewest whole blocks", seed)
                    .isEqualTo(16 + ((len + 1 + 15) / 16) * 16);
            assertThat(Crypto.decryptPayload(k2, enc)).as("seed %d, length %d", seed, n).isEqualTo(payload);
        }
    }

    @Test
    void malformedCiphertextIsRejected() {
        assertThatThrownBy(() -> Crypto.decryptPayload(new byte[20], new byte[17]))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] bad = Crypto.aesCbc(true, new byte[16], new byte[16], range(0, 15 + 1));
        // last plain byte 0x0f claims 15 pad bytes that are followed by nothing valid: still well-formed length
        assertThat(Crypto.decryptPayload(new byte[20], Bytes.concat(new byte[16], bad))).isEmpty();
        byte[] worse = Crypto.aesCbc(true, new byte[16], new byte[16], range(0x20, 16));
        assertThatThrownBy(() -> Crypto.decryptPayload(new byte[20], Bytes.concat(new byte[16], worse)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pad length");
    }

    @Test
    void anEmptyPasswordIsAValidHmacKey() {
        assertThat(Crypto.rakp3Code(Crypto.Auth.HMAC_SHA1, new byte[0], RC, SID_M, ROLE, USER))
                .isEqualTo(Crypto.rakp3Code(Crypto.Auth.HMAC_SHA1, new byte[20], RC, SID_M, ROLE, USER));
    }
}
