package dev.ha4j.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A password or token that must never reach a log line, a {@code toString()}, a status snapshot or the
 * journal. {@link #toString()} prints {@code ******}; Jackson serialises it as {@code "******"} as well
 * (see {@link dev.ha4j.core.internal.Json}). The value is only handed out through {@link #reveal()}, which
 * an SPI calls at the moment it needs the bytes.
 *
 * <p>Immutable and thread-safe. Equality is deliberately identity-based so that a secret never leaks through
 * a comparison in a collection's diagnostic message.
 */
public final class Secret {
    private static final String MASK = "******";
    private final byte[] value;
    private final String origin;

    private Secret(byte[] value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /**
     * @param value the secret text
     * @return a secret holding its UTF-8 bytes
     * @throws NullPointerException if {@code value} is null
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        return new Secret(value.getBytes(StandardCharsets.UTF_8), "literal");
    }

    /**
     * Reads a secret from an environment variable.
     *
     * @param variable the variable name
     * @return the secret
     * @throws IllegalArgumentException if the variable is not set
     */
    public static Secret fromEnvironment(String variable) {
        Objects.requireNonNull(variable, "variable");
        String v = System.getenv(variable);
        if (v == null) {
            throw new IllegalArgumentException("environment variable '" + variable + "' is not set");
        }
        return new Secret(v.getBytes(StandardCharsets.UTF_8), "env:" + variable);
    }

    /**
     * Reads a secret from a file; one trailing newline is stripped, as editors add one.
     *
     * @param file the file
     * @return the secret
     * @throws IllegalArgumentException if the file cannot be read
     */
    public static Secret fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            byte[] b = Files.readAllBytes(file);
            int n = b.length;
            if (n > 0 && b[n - 1] == '\n') {
                n--;
                if (n > 0 && b[n - 1] == '\r') {
                    n--;
                }
            }
            return new Secret(Arrays.copyOf(b, n), "file:" + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secret file '" + file + "': " + e.getMessage(), e);
        }
    }

    /** @return a copy of the secret bytes; the caller should clear it after use */
    public byte[] reveal() {
        return value.clone();
    }

    /** @return the secret as text; prefer {@link #reveal()} where bytes will do */
    public String revealAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** @return where the secret came from ("literal", "env:NAME" or "file:PATH"), never the value */
    public String origin() {
        return origin;
    }

    /** @return whether the secret is empty */
    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
