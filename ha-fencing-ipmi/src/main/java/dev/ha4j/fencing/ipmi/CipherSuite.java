package dev.ha4j.fencing.ipmi;

/**
 * The IPMI v2.0 cipher suites this client speaks: an authentication (RAKP), an integrity and a
 * confidentiality algorithm, as listed in table 22-20 of the IPMI v2.0 specification.
 *
 * <p>{@link #SUITE_3} is the default and what almost every BMC supports; {@link #SUITE_17} (SHA-256) is what
 * current BMCs prefer. {@link #SUITE_0} authenticates nothing (a BMC accepts any password with it) and is
 * refused unless a {@link BmcConfig} explicitly allows it. MD5 and RC4 suites are not offered.
 */
public enum CipherSuite {
    /** RAKP-none, no integrity, no confidentiality: insecure, only when explicitly allowed. */
    SUITE_0(0, 0, 0, 0),
    /** RAKP-HMAC-SHA1, no integrity, no confidentiality. */
    SUITE_1(1, 1, 0, 0),
    /** RAKP-HMAC-SHA1, HMAC-SHA1-96, no confidentiality. */
    SUITE_2(2, 1, 1, 0),
    /** RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128: the default. */
    SUITE_3(3, 1, 1, 1),
    /** RAKP-HMAC-SHA256, no integrity, no confidentiality. */
    SUITE_15(15, 3, 0, 0),
    /** RAKP-HMAC-SHA256, HMAC-SHA256-128, no confidentiality. */
    SUITE_16(16, 3, 4, 0),
    /** RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128. */
    SUITE_17(17, 3, 4, 1);

    private final int id;
    private final int authentication;
    private final int integrity;
    private final int confidentiality;

    CipherSuite(int id, int authentication, int integrity, int confidentiality) {
        this.id = id;
        this.authentication = authentication;
        this.integrity = integrity;
        this.confidentiality = confidentiality;
    }

    /** @return the cipher suite ID as the specification and {@code ipmitool -C} number it */
    public int id() {
        return id;
    }

    /** @return the authentication algorithm number (0 RAKP-none, 1 RAKP-HMAC-SHA1, 3 RAKP-HMAC-SHA256) */
    public int authenticationAlgorithm() {
        return authentication;
    }

    /** @return the integrity algorithm number (0 none, 1 HMAC-SHA1-96, 4 HMAC-SHA256-128) */
    public int integrityAlgorithm() {
        return integrity;
    }

    /** @return the confidentiality algorithm number (0 none, 1 AES-CBC-128) */
    public int confidentialityAlgorithm() {
        return confidentiality;
    }

    /**
     * @param id a cipher suite ID
     * @return the suite
     * @throws IllegalArgumentException if this client does not speak that suite
     */
    public static CipherSuite of(int id) {
        for (CipherSuite s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("cipherSuite " + id
                + " is not supported: use 3 (default), 17, or one of 0, 1, 2, 15, 16"
                + " (MD5 and RC4 suites are not offered)");
    }

    @Override
    public String toString() {
        return Integer.toString(id);
    }
}
