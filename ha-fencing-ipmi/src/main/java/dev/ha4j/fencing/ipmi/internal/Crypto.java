package dev.ha4j.fencing.ipmi.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptographic primitives of IPMI v2.0 RMCP+ (section 13.28 ff. of the specification): the RAKP
 * key-exchange codes, the session keys SIK, K1 and K2, the integrity AuthCode and AES-CBC-128 with the
 * confidentiality trailer. Stateless and thread-safe.
 */
public final class Crypto {
    private Crypto() {
    }

    /** RAKP authentication algorithms (table 13-17). */
    public enum Auth {
        /** RAKP-none: no key exchange codes at all. */
        NONE(0, null, 0, 0),
        /** RAKP-HMAC-SHA1: 20-byte codes, 12-byte RAKP 4 integrity check value. */
        HMAC_SHA1(1, "HmacSHA1", 20, 12),
        /** RAKP-HMAC-SHA256: 32-byte codes, 16-byte RAKP 4 integrity check value. */
        HMAC_SHA256(3, "HmacSHA256", 32, 16);

        final int code;
        final String mac;
        final int length;
        final int icvLength;

        Auth(int code, String mac, int length, int icvLength) {
            this.code = code;
            this.mac = mac;
            this.length = length;
            this.icvLength = icvLength;
        }

        /** @return the algorithm number on the wire */
        public int code() {
            return code;
        }

        /** @return the length of RAKP 2 and RAKP 3 key exchange codes, and of SIK, K1, K2 */
        public int length() {
            return length;
        }

        /** @return the length of RAKP 4's integrity check value */
        public int icvLength() {
            return icvLength;
        }

        /**
         * Returns the algorithm.
         *
         * @param code a wire number
         * @return the algorithm
         * @throws IllegalArgumentException if unknown
         */
        public static Auth of(int code) {
            for (Auth a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            throw new IllegalArgumentException("authentication algorithm " + code + " is not supported");
        }
    }

    /** Integrity algorithms (table 13-18). */
    public enum Integrity {
        /** No AuthCode. */
        NONE(0, null, 0),
        /** HMAC-SHA1 keyed with K1, truncated to 96 bits (RFC 2404). */
        HMAC_SHA1_96(1, "HmacSHA1", 12),
        /** HMAC-SHA256 keyed with K1, truncated to 128 bits (RFC 4868). */
        HMAC_SHA256_128(4, "HmacSHA256", 16);

        final int code;
        final String mac;
        final int length;

        Integrity(int code, String mac, int length) {
            this.code = code;
            this.mac = mac;
            this.length = length;
        }

        /** @return the algorithm number on the wire */
        public int code() {
            return code;
        }

        /** @return the AuthCode length */
        public int length() {
            return length;
        }

        /**
         * Returns the algorithm.
         *
         * @param code a wire number
         * @return the algorithm
         * @throws IllegalArgumentException if unknown
         */
        public static Integrity of(int code) {
            for (Integrity a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            throw new IllegalArgumentException("integrity algorithm " + code + " is not supported");
        }
    }

    /** Confidentiality algorithms (table 13-19). */
    public enum Confidentiality {
        /** Clear text. */
        NONE(0),
        /** AES-CBC-128 keyed with the first 16 bytes of K2, random IV per packet. */
        AES_CBC_128(1);

        final int code;

        Confidentiality(int code) {
            this.code = code;
        }

        /** @return the algorithm number on the wire */
        public int code() {
            return code;
        }

        /**
         * Returns the algorithm.
         *
         * @param code a wire number
         * @return the algorithm
         * @throws IllegalArgumentException if unknown
         */
        public static Confidentiality of(int code) {
            for (Confidentiality a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            throw new IllegalArgumentException("confidentiality algorithm " + code + " is not supported");
        }
    }

    /**
     * @param algorithm a JCA MAC name
     * @param key the key; shorter keys are zero-padded to 20 bytes, which HMAC treats the same way and which
     *     makes an empty password a valid key
     * @param data the data
     * @return the full HMAC
     */
    public static byte[] hmac(String algorithm, byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            byte[] k = key.length >= 20 ? key : Arrays.copyOf(key, 20);
            mac.init(new SecretKeySpec(k, algorithm));
            for (byte[] d : data) {
                mac.update(d);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + algorithm, e);
        }
    }

    /**
     * RAKP 2's key exchange authentication code, computed by the BMC and checked by the console:
     * HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm).
     *
     * @param auth the algorithm (not NONE)
     * @param kuid the user's password
     * @param consoleSid the remote console session ID (SIDm)
     * @param bmcSid the managed system session ID (SIDc)
     * @param rm the console's random number
     * @param rc the BMC's random number
     * @param guid the BMC's GUID
     * @param role the role byte sent in RAKP 1 (privilege and lookup bit)
     * @param user the user name
     * @return the code
     */
    public static byte[] rakp2Code(Auth auth, byte[] kuid, int consoleSid, int bmcSid, byte[] rm, byte[] rc,
            byte[] guid, int role, byte[] user) {
        return hmac(auth.mac, kuid, Bytes.le32(consoleSid), Bytes.le32(bmcSid), rm, rc, guid,
                new byte[] {(byte) role, (byte) user.length}, user);
    }

    /**
     * RAKP 3's key exchange authentication code, computed by the console:
     * HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm).
     *
     * @param auth the algorithm (not NONE)
     * @param kuid the user's password
     * @param rc the BMC's random number
     * @param consoleSid the remote console session ID
     * @param role the role byte sent in RAKP 1
     * @param user the user name
     * @return the code
     */
    public static byte[] rakp3Code(Auth auth, byte[] kuid, byte[] rc, int consoleSid, int role, byte[] user) {
        return hmac(auth.mac, kuid, rc, Bytes.le32(consoleSid), new byte[] {(byte) role, (byte) user.length}, user);
    }

    /**
     * The session integrity key SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm).
     *
     * @param auth the algorithm (not NONE)
     * @param kg the BMC key K_G, or the password when the BMC has none
     * @param rm the console's random number
     * @param rc the BMC's random number
     * @param role the role byte sent in RAKP 1
     * @param user the user name
     * @return SIK
     */
    public static byte[] sik(Auth auth, byte[] kg, byte[] rm, byte[] rc, int role, byte[] user) {
        return hmac(auth.mac, kg, rm, rc, new byte[] {(byte) role, (byte) user.length}, user);
    }

    /**
     * RAKP 4's integrity check value HMAC_SIK(Rm, SIDc, GUIDc), truncated to 96 (SHA-1) or 128 (SHA-256) bits.
     *
     * @param auth the algorithm (not NONE)
     * @param sik the session integrity key
     * @param rm the console's random number
     * @param bmcSid the managed system session ID
     * @param guid the BMC's GUID
     * @return the integrity check value
     */
    public static byte[] rakp4Icv(Auth auth, byte[] sik, byte[] rm, int bmcSid, byte[] guid) {
        return Arrays.copyOf(hmac(auth.mac, sik, rm, Bytes.le32(bmcSid), guid), auth.icvLength);
    }

    /**
     * An additional key K_n = HMAC_SIK(constant n repeated 20 (SHA-1) or 32 (SHA-256) times); K1 keys
     * integrity, K2 confidentiality.
     *
     * @param auth the algorithm (not NONE)
     * @param sik the session integrity key
     * @param n 1 or 2
     * @return K_n
     */
    public static byte[] additionalKey(Auth auth, byte[] sik, int n) {
        byte[] constant = new byte[auth.length];
        Arrays.fill(constant, (byte) n);
        return hmac(auth.mac, sik, constant);
    }

    /**
     * @param integrity the algorithm (not NONE)
     * @param k1 K1
     * @param data the packet from the AuthType/Format byte through Next Header
     * @param off start
     * @param len length
     * @return the AuthCode, truncated
     */
    public static byte[] authCode(Integrity integrity, byte[] k1, byte[] data, int off, int len) {
        return Arrays.copyOf(hmac(integrity.mac, k1, Arrays.copyOfRange(data, off, off + len)), integrity.length);
    }

    /**
     * Raw AES-CBC-128 without padding, as used inside the IPMI confidentiality trailer.
     *
     * @param encrypt true to encrypt
     * @param key 16 bytes
     * @param iv 16 bytes
     * @param data a multiple of 16 bytes
     * @return the result
     */
    public static byte[] aesCbc(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, 0, 16, "AES"),
                    new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES-CBC-128 failed: " + e.getMessage(), e);
        }
    }

    /**
     * Encrypts an IPMI payload: IV, then AES-CBC-128 of payload, pad bytes 1, 2, 3 ... and the pad length,
     * padded to a multiple of 16 (section 13.29).
     *
     * @param k2 K2 (its first 16 bytes are the AES key)
     * @param iv a fresh random 16-byte IV
     * @param payload the clear payload
     * @return IV followed by the ciphertext
     */
    public static byte[] encryptPayload(byte[] k2, byte[] iv, byte[] payload) {
        int pad = (16 - (payload.length + 1) % 16) % 16;
        byte[] plain = new byte[payload.length + pad + 1];
        System.arraycopy(payload, 0, plain, 0, payload.length);
        for (int i = 0; i < pad; i++) {
            plain[payload.length + i] = (byte) (i + 1);
        }
        plain[plain.length - 1] = (byte) pad;
        return Bytes.concat(iv, aesCbc(true, k2, iv, plain));
    }

    /**
     * @param k2 K2
     * @param data IV followed by ciphertext
     * @return the clear payload
     * @throws IllegalArgumentException if the length or the confidentiality trailer is malformed
     */
    public static byte[] decryptPayload(byte[] k2, byte[] data) {
        if (data.length < 32 || data.length % 16 != 0) {
            throw new IllegalArgumentException("encrypted payload length " + data.length + " is not 16 + n*16");
        }
        byte[] plain = aesCbc(false, k2, Arrays.copyOf(data, 16), Arrays.copyOfRange(data, 16, data.length));
        int pad = plain[plain.length - 1] & 0xff;
        if (pad > 15 || pad + 1 > plain.length) {
            throw new IllegalArgumentException("confidentiality pad length " + pad + " is invalid");
        }
        // The pad bytes should read 1, 2, 3 ... but some BMCs fill them otherwise; the AuthCode already
        // protects the packet, so only the length is checked.
        return Arrays.copyOf(plain, plain.length - 1 - pad);
    }

    /**
     * Returns whether equal, in constant time.
     *
     * @param a bytes
     * @param b bytes
     * @return whether equal, in constant time
     */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
