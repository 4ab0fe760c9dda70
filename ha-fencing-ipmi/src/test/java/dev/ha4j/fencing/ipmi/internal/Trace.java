package dev.ha4j.fencing.ipmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.PowerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A recorded RMCP+ conversation between a console (ipmitool) and a BMC, and the check that our codec and
 * cryptography reproduce it byte for byte: RAKP 2's HMAC, RAKP 3's code, RAKP 4's ICV, every AuthCode,
 * every decryption, and the exact bytes of every session packet when re-encoded with the packet's own IV.
 */
final class Trace {
    /** One datagram; {@code toBmc} is the console-to-BMC direction. */
    record Datagram(boolean toBmc, byte[] bytes) {
    }

    /** What the check found. */
    record Report(int sessionPackets, int reEncodedIdentically, PowerState powerState, List<String> commands) {
    }

    private final List<Datagram> datagrams;

    Trace(List<Datagram> datagrams) {
        this.datagrams = List.copyOf(datagrams);
    }

    static Trace read(List<String> lines) {
        List<Datagram> d = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            d.add(new Datagram(line.startsWith("C>B"), Bytes.fromHex(line.substring(4))));
        }
        return new Trace(d);
    }

    void write(Path file, String header) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String h : header.split("\n")) {
            b.append("# ").append(h).append('\n');
        }
        for (Datagram d : datagrams) {
            b.append(d.toBmc() ? "C>B " : "B>C ").append(Bytes.hex(d.bytes())).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    List<Datagram> datagrams() {
        return datagrams;
    }

    private PacketCodec.Inbound find(boolean toBmc, int payloadType) {
        for (Datagram d : datagrams) {
            if (d.toBmc() == toBmc) {
                PacketCodec.Inbound in = PacketCodec.decode(d.bytes(), SessionKeys.NONE);
                if (in.format() == PacketCodec.Format.V20 && in.payloadType() == payloadType) {
                    return in;
                }
            }
        }
        throw new AssertionError("no payload type 0x" + Integer.toHexString(payloadType) + " in the trace");
    }

    /**
     * @param password the user's password
     * @param auth the RAKP algorithm of the trace's cipher suite
     * @param integrity its integrity algorithm
     * @param confidentiality its confidentiality algorithm
     * @return what was verified
     */
    Report verify(byte[] password, Crypto.Auth auth, Crypto.Integrity integrity,
            Crypto.Confidentiality confidentiality) {
        byte[] open = find(true, PacketCodec.PAYLOAD_OPEN_SESSION_REQUEST).payload();
        RakpCodec.OpenSessionResponse opened = RakpCodec.openSessionResponse(
                find(false, PacketCodec.PAYLOAD_OPEN_SESSION_RESPONSE).payload());
        assertThat(opened.status()).isZero();
        assertThat(new int[] {opened.auth(), opened.integrity(), opened.confidentiality()})
                .containsExactly(auth.code(), integrity.code(), confidentiality.code());
        int consoleSid = Bytes.le32(open, 4);
        assertThat(opened.consoleSid()).isEqualTo(consoleSid);
        int bmcSid = opened.bmcSid();

        byte[] rakp1 = find(true, PacketCodec.PAYLOAD_RAKP1).payload();
        byte[] rm = Arrays.copyOfRange(rakp1, 8, 24);
        int role = rakp1[24] & 0xff;
        byte[] user = Arrays.copyOfRange(rakp1, 28, 28 + rakp1[27]);
        assertThat(Bytes.le32(rakp1, 4)).isEqualTo(bmcSid);

        RakpCodec.Rakp2 rakp2 = RakpCodec.rakp2(find(false, PacketCodec.PAYLOAD_RAKP2).payload(), auth.length());
        assertThat(rakp2.status()).isZero();
        assertThat(Crypto.rakp2Code(auth, password, consoleSid, bmcSid, rm, rakp2.rc(), rakp2.guid(), role, user))
                .as("RAKP 2 key exchange code (BMC's HMAC)").isEqualTo(rakp2.code());

        byte[] rakp3 = find(true, PacketCodec.PAYLOAD_RAKP3).payload();
        assertThat(Arrays.copyOfRange(rakp3, 8, rakp3.length)).as("RAKP 3 key exchange code (console's HMAC)")
                .isEqualTo(Crypto.rakp3Code(auth, password, rakp2.rc(), consoleSid, role, user));

        byte[] sik = Crypto.sik(auth, password, rm, rakp2.rc(), role, user);
        RakpCodec.Rakp4 rakp4 = RakpCodec.rakp4(find(false, PacketCodec.PAYLOAD_RAKP4).payload(), auth.icvLength());
        assertThat(rakp4.status()).isZero();
        assertThat(Crypto.rakp4Icv(auth, sik, rm, bmcSid, rakp2.guid())).as("RAKP 4 integrity check value")
                .isEqualTo(rakp4.icv());

        SessionKeys keys = new SessionKeys(integrity, Crypto.additionalKey(auth, sik, 1), confidentiality,
                Crypto.additionalKey(auth, sik, 2));
        int session = 0;
        int identical = 0;
        PowerState power = PowerState.UNKNOWN;
        List<String> commands = new ArrayList<>();
        for (Datagram d : datagrams) {
            if (d.bytes().length < 6 || (d.bytes()[4] & 0x0f) != 6 || (d.bytes()[5] & 0x3f) != 0
                    || Bytes.le32(d.bytes(), 6) == 0) {
                continue;
            }
            PacketCodec.Inbound in = PacketCodec.decode(d.bytes(), keys);
            session++;
            assertThat(in.sessionId()).isEqualTo(d.toBmc() ? bmcSid : consoleSid);
            byte[] iv = confidentiality == Crypto.Confidentiality.NONE ? null : Arrays.copyOfRange(d.bytes(), 16, 32);
            byte[] again = PacketCodec.v20(keys, in.payloadType(), in.sessionId(), in.sequence(), in.payload(), iv);
            if (Arrays.equals(again, d.bytes())) {
                identical++;
            } else {
                assertThat(d.toBmc()).as("our encoding of the console's packet %s", Bytes.hex(d.bytes())).isFalse();
            }
            byte[] m = in.payload();
            if (d.toBmc()) {
                commands.add(String.format("netfn 0x%02x cmd 0x%02x", (m[1] & 0xff) >>> 2, m[5] & 0xff));
            } else {
                IpmiMessage.Response r = IpmiMessage.parseResponse(m);
                if (r.netFn() == IpmiMessage.NETFN_CHASSIS + 1 && r.command() == IpmiMessage.CMD_GET_CHASSIS_STATUS) {
                    assertThat(r.completionCode()).isZero();
                    power = (r.data()[0] & 1) != 0 ? PowerState.ON : PowerState.OFF;
                }
            }
        }
        return new Report(session, identical, power, commands);
    }
}
