package dev.ha4j.fencing.ipmi.internal;

import java.util.Arrays;

/**
 * IPMI LAN messages (section 13.8): requests from the remote console (software ID 0x81) to the BMC
 * (slave address 0x20), and their responses, with both checksums. Stateless and thread-safe.
 */
public final class IpmiMessage {
    /** The BMC's address. */
    public static final int BMC_ADDRESS = 0x20;
    /** The remote console's software ID. */
    public static final int CONSOLE_ADDRESS = 0x81;

    /** NetFn Chassis. */
    public static final int NETFN_CHASSIS = 0x00;
    /** NetFn Application. */
    public static final int NETFN_APP = 0x06;

    /** Chassis: Get Chassis Status. */
    public static final int CMD_GET_CHASSIS_STATUS = 0x01;
    /** Chassis: Chassis Control. */
    public static final int CMD_CHASSIS_CONTROL = 0x02;
    /** App: Get Channel Authentication Capabilities. */
    public static final int CMD_GET_CHANNEL_AUTH_CAPABILITIES = 0x38;
    /** App: Set Session Privilege Level. */
    public static final int CMD_SET_SESSION_PRIVILEGE = 0x3b;
    /** App: Close Session. */
    public static final int CMD_CLOSE_SESSION = 0x3c;

    private IpmiMessage() {
    }

    /**
     * A response.
     *
     * @param netFn the response NetFn (request NetFn + 1)
     * @param rqSeq the requester's sequence number it answers
     * @param command the command
     * @param completionCode the completion code
     * @param data the response data after the completion code
     */
    public record Response(int netFn, int rqSeq, int command, int completionCode, byte[] data) {
        /**
         * @param requestNetFn the NetFn of the request
         * @param requestCommand the command of the request
         * @param requestSeq the rqSeq of the request
         * @return whether this answers that request
         */
        public boolean answers(int requestNetFn, int requestCommand, int requestSeq) {
            return netFn == requestNetFn + 1 && command == requestCommand && rqSeq == requestSeq;
        }
    }

    /**
     * @param netFn the NetFn
     * @param command the command
     * @param rqSeq the requester's sequence number, 0-63
     * @param data the request data
     * @return the encoded request
     */
    public static byte[] request(int netFn, int command, int rqSeq, byte[] data) {
        byte[] m = new byte[7 + data.length];
        m[0] = (byte) BMC_ADDRESS;
        m[1] = (byte) (netFn << 2);
        m[2] = Bytes.checksum(m, 0, 2);
        m[3] = (byte) CONSOLE_ADDRESS;
        m[4] = (byte) (rqSeq << 2);
        m[5] = (byte) command;
        System.arraycopy(data, 0, m, 6, data.length);
        m[m.length - 1] = Bytes.checksum(m, 3, m.length - 4);
        return m;
    }

    /**
     * @param m an encoded response
     * @return the response
     * @throws IllegalArgumentException if it is too short or a checksum is wrong
     */
    public static Response parseResponse(byte[] m) {
        if (m.length < 8) {
            throw new IllegalArgumentException("IPMI response of " + m.length + " bytes is too short");
        }
        if (Bytes.checksum(m, 0, 2) != m[2] || Bytes.checksum(m, 3, m.length - 4) != m[m.length - 1]) {
            throw new IllegalArgumentException("IPMI response checksum mismatch");
        }
        return new Response((m[1] & 0xff) >>> 2, (m[4] & 0xff) >>> 2, m[5] & 0xff, m[6] & 0xff,
                Arrays.copyOfRange(m, 7, m.length - 1));
    }

    /**
     * @param code a completion code
     * @return its meaning per table 5-2
     */
    public static String describe(int code) {
        String text = switch (code) {
            case 0x00 -> "success";
            case 0xc0 -> "node busy";
            case 0xc1 -> "invalid command";
            case 0xc2 -> "command invalid for given LUN";
            case 0xc3 -> "timeout while processing command";
            case 0xc4 -> "out of space";
            case 0xc5 -> "reservation canceled or invalid";
            case 0xc6 -> "request data truncated";
            case 0xc7 -> "request data length invalid";
            case 0xc8 -> "request data field length limit exceeded";
            case 0xc9 -> "parameter out of range";
            case 0xca -> "cannot return number of requested data bytes";
            case 0xcb -> "requested sensor, data, or record not present";
            case 0xcc -> "invalid data field in request";
            case 0xcd -> "command illegal for specified sensor or record type";
            case 0xce -> "command response could not be provided";
            case 0xcf -> "cannot execute duplicated request";
            case 0xd0 -> "SDR repository in update mode";
            case 0xd1 -> "device in firmware update mode";
            case 0xd2 -> "BMC initialization in progress";
            case 0xd3 -> "destination unavailable";
            case 0xd4 -> "insufficient privilege level";
            case 0xd5 -> "command not supported in present state";
            case 0xd6 -> "command sub-function disabled or unavailable";
            case 0xff -> "unspecified error";
            default -> "device- or command-specific error";
        };
        return String.format("completion code 0x%02X (%s)", code, text);
    }
}
