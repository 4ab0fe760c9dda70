package dev.ha4j.fencing.ipmi.internal;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Little helpers for the little-endian byte layouts of IPMI. Stateless. */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {
    }

    /**
     * Returns its 4 bytes, least significant first.
     *
     * @param v a value
     * @return its 4 bytes, least significant first
     */
    public static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /**
     * Returns the little-endian int there.
     *
     * @param b bytes
     * @param off offset
     * @return the little-endian int there
     */
    public static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /**
     * Returns the little-endian unsigned short there.
     *
     * @param b bytes
     * @param off offset
     * @return the little-endian unsigned short there
     */
    public static int le16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    /**
     * Returns them joined.
     *
     * @param parts byte arrays
     * @return them joined
     */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Returns lower-case hex.
     *
     * @param b bytes
     * @return lower-case hex
     */
    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /**
     * @param s hex digits, blanks ignored
     * @return the bytes
     * @throws IllegalArgumentException if {@code s} is not hex
     */
    public static byte[] fromHex(String s) {
        return HEX.parseHex(s.replaceAll("\\s+", ""));
    }

    /**
     * Returns the 8-bit two's complement checksum.
     *
     * @param b bytes
     * @param off start
     * @param len length
     * @return the 8-bit two's complement checksum
     */
    public static byte checksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = off; i < off + len; i++) {
            sum += b[i];
        }
        return (byte) -sum;
    }
}
