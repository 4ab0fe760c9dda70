package dev.ha4j.fencing.ipmi.internal;

import java.util.Objects;

/**
 * The negotiated integrity and confidentiality algorithms of an active session and their keys. Immutable
 * after construction and thread-safe; {@link #toString()} shows no key material.
 */
public final class SessionKeys {
    /** No integrity, no confidentiality: the pre-session state. */
    public static final SessionKeys NONE =
            new SessionKeys(Crypto.Integrity.NONE, new byte[0], Crypto.Confidentiality.NONE, new byte[0]);

    private final Crypto.Integrity integrity;
    private final byte[] k1;
    private final Crypto.Confidentiality confidentiality;
    private final byte[] k2;

    /**
     * @param integrity the integrity algorithm
     * @param k1 K1 (ignored for NONE)
     * @param confidentiality the confidentiality algorithm
     * @param k2 K2 (ignored for NONE)
     */
    public SessionKeys(Crypto.Integrity integrity, byte[] k1, Crypto.Confidentiality confidentiality, byte[] k2) {
        this.integrity = Objects.requireNonNull(integrity, "integrity");
        this.k1 = k1.clone();
        this.confidentiality = Objects.requireNonNull(confidentiality, "confidentiality");
        this.k2 = k2.clone();
    }

    /** @return the integrity algorithm */
    public Crypto.Integrity integrity() {
        return integrity;
    }

    /** @return the confidentiality algorithm */
    public Crypto.Confidentiality confidentiality() {
        return confidentiality;
    }

    byte[] k1() {
        return k1;
    }

    byte[] k2() {
        return k2;
    }

    @Override
    public String toString() {
        return "SessionKeys{" + integrity + ", " + confidentiality + "}";
    }
}
