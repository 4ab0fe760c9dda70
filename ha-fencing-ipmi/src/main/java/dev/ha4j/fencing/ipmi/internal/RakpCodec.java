package dev.ha4j.fencing.ipmi.internal;

import java.util.Arrays;

/**
 * The RMCP+ session establishment payloads (section 13.17-13.23): Open Session Request/Response and RAKP
 * Messages 1-4. Stateless and thread-safe.
 */
public final class RakpCodec {
    private RakpCodec() {
    }

    /**
     * Open Session Response.
     *
     * @param tag the message tag
     * @param status the RMCP+ status code
     * @param maxPrivilege the maximum privilege level granted
     * @param consoleSid the remote console session ID
     * @param bmcSid the managed system session ID (0 on error)
     * @param auth the authentication algorithm (-1 on error)
     * @param integrity the integrity algorithm (-1 on error)
     * @param confidentiality the confidentiality algorithm (-1 on error)
     */
    public record OpenSessionResponse(int tag, int status, int maxPrivilege, int consoleSid, int bmcSid, int auth,
            int integrity, int confidentiality) {
    }

    /**
     * RAKP Message 2.
     *
     * @param tag the message tag
     * @param status the RMCP+ status code
     * @param consoleSid the remote console session ID
     * @param rc the BMC's random number (empty on error)
     * @param guid the BMC's GUID (empty on error)
     * @param code the key exchange authentication code (empty on error or with RAKP-none)
     */
    public record Rakp2(int tag, int status, int consoleSid, byte[] rc, byte[] guid, byte[] code) {
    }

    /**
     * RAKP Message 4.
     *
     * @param tag the message tag
     * @param status the RMCP+ status code
     * @param consoleSid the remote console session ID
     * @param icv the integrity check value (empty on error or with RAKP-none)
     */
    public record Rakp4(int tag, int status, int consoleSid, byte[] icv) {
    }

    /**
     * @param tag the message tag
     * @param maxPrivilege the requested maximum privilege level (ask for an explicit level)
     * @param consoleSid our session ID
     * @param auth the authentication algorithm
     * @param integrity the integrity algorithm
     * @param confidentiality the confidentiality algorithm
     * @return the Open Session Request payload (32 bytes)
     */
    public static byte[] openSessionRequest(int tag, int maxPrivilege, int consoleSid, int auth, int integrity,
            int confidentiality) {
        byte[] p = new byte[32];
        p[0] = (byte) tag;
        p[1] = (byte) maxPrivilege;
        System.arraycopy(Bytes.le32(consoleSid), 0, p, 4, 4);
        algorithm(p, 8, 0x00, auth);
        algorithm(p, 16, 0x01, integrity);
        algorithm(p, 24, 0x02, confidentiality);
        return p;
    }

    private static void algorithm(byte[] p, int off, int type, int algorithm) {
        p[off] = (byte) type;
        p[off + 3] = 0x08;
        p[off + 4] = (byte) algorithm;
    }

    /**
     * @param p the payload
     * @return the response
     * @throws IllegalArgumentException if it is truncated
     */
    public static OpenSessionResponse openSessionResponse(byte[] p) {
        // Some BMCs (ipmi_sim among them) answer an error with just the tag and the status.
        if (p.length < 2) {
            throw new IllegalArgumentException("Open Session Response of " + p.length + " bytes is truncated");
        }
        int status = p[1] & 0xff;
        if (status != 0) {
            return new OpenSessionResponse(p[0] & 0xff, status, p.length > 2 ? p[2] & 0xff : 0,
                    p.length >= 8 ? Bytes.le32(p, 4) : 0, 0, -1, -1, -1);
        }
        if (p.length < 36) {
            throw new IllegalArgumentException("Open Session Response of " + p.length + " bytes is truncated");
        }
        return new OpenSessionResponse(p[0] & 0xff, status, p[2] & 0xff, Bytes.le32(p, 4), Bytes.le32(p, 8),
                p[16] & 0xff, p[24] & 0xff, p[32] & 0xff);
    }

    /**
     * @param tag the message tag
     * @param bmcSid the managed system session ID
     * @param rm our 16-byte random number
     * @param role the requested role: privilege level plus 0x10 for name-only lookup
     * @param user the user name, at most 16 bytes
     * @return the RAKP Message 1 payload
     */
    public static byte[] rakp1(int tag, int bmcSid, byte[] rm, int role, byte[] user) {
        byte[] p = new byte[28 + user.length];
        p[0] = (byte) tag;
        System.arraycopy(Bytes.le32(bmcSid), 0, p, 4, 4);
        System.arraycopy(rm, 0, p, 8, 16);
        p[24] = (byte) role;
        p[27] = (byte) user.length;
        System.arraycopy(user, 0, p, 28, user.length);
        return p;
    }

    /**
     * @param p the payload
     * @param codeLength the expected key exchange code length (0 for RAKP-none)
     * @return the message
     * @throws IllegalArgumentException if it is truncated
     */
    public static Rakp2 rakp2(byte[] p, int codeLength) {
        if (p.length < 2) {
            throw new IllegalArgumentException("RAKP 2 of " + p.length + " bytes is truncated");
        }
        int status = p[1] & 0xff;
        if (status != 0 || p.length < 8) {
            if (status == 0) {
                throw new IllegalArgumentException("RAKP 2 of " + p.length + " bytes is truncated");
            }
            return new Rakp2(p[0] & 0xff, status, p.length >= 8 ? Bytes.le32(p, 4) : 0, new byte[0], new byte[0],
                    new byte[0]);
        }
        if (p.length < 40 + codeLength) {
            throw new IllegalArgumentException("RAKP 2 of " + p.length + " bytes is truncated: expected "
                    + (40 + codeLength));
        }
        return new Rakp2(p[0] & 0xff, status, Bytes.le32(p, 4), Arrays.copyOfRange(p, 8, 24),
                Arrays.copyOfRange(p, 24, 40), Arrays.copyOfRange(p, 40, 40 + codeLength));
    }

    /**
     * @param tag the message tag
     * @param status 0, or an error status telling the BMC to drop the half-open session
     * @param bmcSid the managed system session ID
     * @param code the key exchange authentication code (empty for RAKP-none or on error)
     * @return the RAKP Message 3 payload
     */
    public static byte[] rakp3(int tag, int status, int bmcSid, byte[] code) {
        byte[] p = new byte[8 + code.length];
        p[0] = (byte) tag;
        p[1] = (byte) status;
        System.arraycopy(Bytes.le32(bmcSid), 0, p, 4, 4);
        System.arraycopy(code, 0, p, 8, code.length);
        return p;
    }

    /**
     * @param p the payload
     * @param icvLength the expected integrity check value length (0 for RAKP-none)
     * @return the message
     * @throws IllegalArgumentException if it is truncated
     */
    public static Rakp4 rakp4(byte[] p, int icvLength) {
        if (p.length < 2) {
            throw new IllegalArgumentException("RAKP 4 of " + p.length + " bytes is truncated");
        }
        int status = p[1] & 0xff;
        if (status != 0 || p.length < 8) {
            if (status == 0) {
                throw new IllegalArgumentException("RAKP 4 of " + p.length + " bytes is truncated");
            }
            return new Rakp4(p[0] & 0xff, status, p.length >= 8 ? Bytes.le32(p, 4) : 0, new byte[0]);
        }
        if (p.length < 8 + icvLength) {
            throw new IllegalArgumentException("RAKP 4 of " + p.length + " bytes is truncated");
        }
        return new Rakp4(p[0] & 0xff, status, Bytes.le32(p, 4), Arrays.copyOfRange(p, 8, 8 + icvLength));
    }

    /**
     * @param status an RMCP+ status code
     * @return its meaning per table 13-15
     */
    public static String describe(int status) {
        String text = switch (status) {
            case 0x00 -> "no errors";
            case 0x01 -> "insufficient resources to create a session";
            case 0x02 -> "invalid session ID";
            case 0x03 -> "invalid payload type";
            case 0x04 -> "invalid authentication algorithm";
            case 0x05 -> "invalid integrity algorithm";
            case 0x06 -> "no matching authentication payload";
            case 0x07 -> "no matching integrity payload";
            case 0x08 -> "inactive session ID";
            case 0x09 -> "invalid role";
            case 0x0a -> "unauthorized role or privilege level requested";
            case 0x0b -> "insufficient resources to create a session at the requested role";
            case 0x0c -> "invalid name length";
            case 0x0d -> "unauthorized name";
            case 0x0e -> "unauthorized GUID";
            case 0x0f -> "invalid integrity check value";
            case 0x10 -> "invalid confidentiality algorithm";
            case 0x11 -> "no cipher suite match with proposed security algorithms";
            case 0x12 -> "illegal or unrecognized parameter";
            default -> "reserved status";
        };
        return String.format("RMCP+ status 0x%02X (%s)", status, text);
    }
}
