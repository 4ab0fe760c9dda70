package dev.ha4j.probe.http.internal;

import dev.ha4j.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads a trust store file into a TLS context that verifies certificates against it (and nothing else).
 *
 * <p>Stateless and thread-safe.
 */
public final class TrustStores {
    private TrustStores() {
    }

    /**
     * @param file the trust store
     * @param password its password, or null
     * @param type the key store type, or null to guess from the extension ({@code .jks} → JKS, else PKCS12)
     * @return a TLS context trusting exactly the certificates in the file
     * @throws IllegalArgumentException if the file cannot be read, is not a key store of that type, the
     *     password is wrong, or it holds no certificate
     */
    public static SSLContext load(Path file, Secret password, String type) {
        String t = type != null ? type
                : file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks")
                ? "JKS" : "PKCS12";
        char[] pw = password == null ? null : password.revealAsString().toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(t);
            ks.load(in, pw);
            if (ks.size() == 0) {
                throw new IllegalArgumentException("trustStore '" + file + "' holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            // The message of a wrong password mentions neither the password nor its length.
            throw new IllegalArgumentException("trustStore '" + file + "' (type " + t + ") cannot be loaded: "
                    + Text.printable(e.getMessage(), 200), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore '" + file + "' (type " + t + ") is unusable: "
                    + Text.printable(e.getMessage(), 200), e);
        } finally {
            if (pw != null) {
                Arrays.fill(pw, '\0');
            }
        }
    }
}
