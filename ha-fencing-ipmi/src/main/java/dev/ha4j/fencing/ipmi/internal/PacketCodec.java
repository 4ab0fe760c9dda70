package dev.ha4j.fencing.ipmi.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Encodes and decodes RMCP datagrams: ASF presence ping/pong, IPMI v1.5 session packets (only the
 * unauthenticated, out-of-session form), and IPMI v2.0 RMCP+ session packets with integrity AuthCode and
 * AES-CBC-128 confidentiality (sections 13.1-13.8 and 13.28-13.29 of the IPMI v2.0 specification).
 * Stateless and thread-safe.
 */
public final class PacketCodec {
    /** Payload type: an IPMI message. */
    public static final int PAYLOAD_IPMI = 0x00;
    /** Payload type: RMCP+ Open Session Request. */
    public static final int PAYLOAD_OPEN_SESSION_REQUEST = 0x10;
    /** Payload type: RMCP+ Open Session Response. */
    public static final int PAYLOAD_OPEN_SESSION_RESPONSE = 0x11;
    /** Payload type: RAKP Message 1. */
    public static final int PAYLOAD_RAKP1 = 0x12;
    /** Payload type: RAKP Message 2. */
    public static final int PAYLOAD_RAKP2 = 0x13;
    /** Payload type: RAKP Message 3. */
    public static final int PAYLOAD_RAKP3 = 0x14;
    /** Payload type: RAKP Message 4. */
    public static final int PAYLOAD_RAKP4 = 0x15;

    private static final int RMCP_VERSION = 0x06;
    private static final int RMCP_NO_ACK = 0xff;
    private static final int CLASS_ASF = 0x06;
    private static final int CLASS_IPMI = 0x07;
    private static final int AUTH_RMCP_PLUS = 0x06;
    private static final int ASF_IANA = 4542;
    private static final int NEXT_HEADER = 0x07;

    private PacketCodec() {
    }

    /** How an inbound datagram was framed. */
    public enum Format {
        /** ASF presence pong. */
        ASF,
        /** IPMI v1.5 session. */
        V15,
        /** IPMI v2.0 RMCP+ session. */
        V20
    }

    /**
     * A decoded inbound datagram.
     *
     * @param format how it was framed
     * @param payloadType the payload type (IPMI v2.0), or {@link #PAYLOAD_IPMI}
     * @param encrypted whether the payload was encrypted (it is returned decrypted)
     * @param authenticated whether it carried an AuthCode (it was checked)
     * @param sessionId the session ID in the header
     * @param sequence the session sequence number
     * @param payload the clear payload (for ASF: the whole ASF message)
     */
    public record Inbound(Format format, int payloadType, boolean encrypted, boolean authenticated, int sessionId,
            int sequence, byte[] payload) {
    }

    /**
     * @param tag the message tag
     * @return an ASF presence ping
     */
    public static byte[] presencePing(int tag) {
        return new byte[] {RMCP_VERSION, 0, (byte) RMCP_NO_ACK, CLASS_ASF, 0, 0, 0x11, (byte) 0xbe, (byte) 0x80,
            (byte) tag, 0, 0};
    }

    /**
     * @param asf an ASF message as returned in {@link Inbound#payload()}
     * @param tag the expected tag
     * @return whether it is a presence pong for {@code tag} announcing IPMI support
     */
    public static boolean isPongWithIpmi(byte[] asf, int tag) {
        // IANA (big-endian), type 0x40, tag, reserved, length 16, then IANA, OEM, supported entities ...
        return asf.length >= 24 && asf[0] == 0 && asf[1] == 0 && (asf[2] & 0xff) == (ASF_IANA >>> 8)
                && (asf[3] & 0xff) == (ASF_IANA & 0xff) && (asf[4] & 0xff) == 0x40 && (asf[5] & 0xff) == (tag & 0xff)
                && (asf[16] & 0x80) != 0;
    }

    /**
     * @param message an IPMI message
     * @return an IPMI v1.5 packet with authentication type none, session ID 0 and sequence 0, as used for
     *     Get Channel Authentication Capabilities before any session exists
     */
    public static byte[] v15OutOfSession(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {RMCP_VERSION, 0, (byte) RMCP_NO_ACK, CLASS_IPMI, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        out.write(message.length);
        out.writeBytes(message);
        return out.toByteArray();
    }

    /**
     * Builds an IPMI v2.0 RMCP+ packet.
     *
     * @param keys the session keys ({@link SessionKeys#NONE} before the session is active)
     * @param payloadType the payload type
     * @param sessionId the BMC's session ID, 0 before the session is active
     * @param sequence the session sequence number, 0 before the session is active
     * @param payload the clear payload
     * @param iv a fresh random 16-byte IV, used only with confidentiality
     * @return the datagram
     */
    public static byte[] v20(SessionKeys keys, int payloadType, int sessionId, int sequence, byte[] payload,
            byte[] iv) {
        boolean encrypt = keys.confidentiality() != Crypto.Confidentiality.NONE;
        boolean authenticate = keys.integrity() != Crypto.Integrity.NONE;
        byte[] body = encrypt ? Crypto.encryptPayload(keys.k2(), iv, payload) : payload;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {RMCP_VERSION, 0, (byte) RMCP_NO_ACK, CLASS_IPMI});
        out.write(AUTH_RMCP_PLUS);
        out.write((encrypt ? 0x80 : 0) | (authenticate ? 0x40 : 0) | (payloadType & 0x3f));
        out.writeBytes(Bytes.le32(sessionId));
        out.writeBytes(Bytes.le32(sequence));
        out.write(body.length & 0xff);
        out.write(body.length >>> 8);
        out.writeBytes(body);
        if (!authenticate) {
            return out.toByteArray();
        }
        // Integrity PAD makes AuthType..Next Header a multiple of 4 bytes (section 13.28.4).
        int covered = out.size() - 4 + 2;
        int pad = (4 - covered % 4) % 4;
        for (int i = 0; i < pad; i++) {
            out.write(0xff);
        }
        out.write(pad);
        out.write(NEXT_HEADER);
        byte[] packet = out.toByteArray();
        byte[] code = Crypto.authCode(keys.integrity(), keys.k1(), packet, 4, packet.length - 4);
        return Bytes.concat(packet, code);
    }

    /**
     * Decodes an inbound datagram.
     *
     * @param data the datagram
     * @param keys the session keys to check the AuthCode and decrypt with
     * @return the decoded datagram
     * @throws IllegalArgumentException if it is malformed, fails its integrity check, or is unauthenticated
     *     where the session requires integrity
     */
    public static Inbound decode(byte[] data, SessionKeys keys) {
        if (data.length < 5 || (data[0] & 0xff) != RMCP_VERSION) {
            throw new IllegalArgumentException("not an RMCP datagram");
        }
        int rmcpClass = data[3] & 0x1f;
        if (rmcpClass == CLASS_ASF) {
            return new Inbound(Format.ASF, -1, false, false, 0, 0, Arrays.copyOfRange(data, 4, data.length));
        }
        if (rmcpClass != CLASS_IPMI) {
            throw new IllegalArgumentException("RMCP class " + rmcpClass + " is neither ASF nor IPMI");
        }
        int authType = data[4] & 0x0f;
        if (authType != AUTH_RMCP_PLUS) {
            return decodeV15(data, authType);
        }
        if (data.length < 16) {
            throw new IllegalArgumentException("RMCP+ header truncated");
        }
        int typeByte = data[5] & 0xff;
        boolean encrypted = (typeByte & 0x80) != 0;
        boolean authenticated = (typeByte & 0x40) != 0;
        int payloadType = typeByte & 0x3f;
        int sessionId = Bytes.le32(data, 6);
        int sequence = Bytes.le32(data, 10);
        int length = Bytes.le16(data, 14);
        if (16 + length > data.length) {
            throw new IllegalArgumentException("payload length " + length + " exceeds the datagram");
        }
        boolean needsIntegrity = keys.integrity() != Crypto.Integrity.NONE;
        if (authenticated) {
            if (!needsIntegrity) {
                throw new IllegalArgumentException("authenticated packet outside an integrity-protected session");
            }
            int codeLength = keys.integrity().length();
            int end = data.length - codeLength;
            if (end < 16 + length + 2) {
                throw new IllegalArgumentException("integrity trailer truncated");
            }
            byte[] expected = Crypto.authCode(keys.integrity(), keys.k1(), data, 4, end - 4);
            if (!Crypto.same(expected, Arrays.copyOfRange(data, end, data.length))) {
                throw new IllegalArgumentException("AuthCode mismatch");
            }
        } else if (needsIntegrity) {
            throw new IllegalArgumentException("unauthenticated packet inside an integrity-protected session");
        }
        byte[] body = Arrays.copyOfRange(data, 16, 16 + length);
        if (encrypted) {
            if (keys.confidentiality() == Crypto.Confidentiality.NONE) {
                throw new IllegalArgumentException("encrypted packet outside a confidential session");
            }
            body = Crypto.decryptPayload(keys.k2(), body);
        }
        return new Inbound(Format.V20, payloadType, encrypted, authenticated, sessionId, sequence, body);
    }

    private static Inbound decodeV15(byte[] data, int authType) {
        int off = 13 + (authType == 0 ? 0 : 16);
        if (data.length < off + 1) {
            throw new IllegalArgumentException("IPMI v1.5 header truncated");
        }
        int length = data[off] & 0xff;
        if (off + 1 + length > data.length) {
            throw new IllegalArgumentException("IPMI v1.5 message length " + length + " exceeds the datagram");
        }
        return new Inbound(Format.V15, PAYLOAD_IPMI, false, authType != 0, Bytes.le32(data, 9), Bytes.le32(data, 5),
                Arrays.copyOfRange(data, off + 1, off + 1 + length));
    }
}
