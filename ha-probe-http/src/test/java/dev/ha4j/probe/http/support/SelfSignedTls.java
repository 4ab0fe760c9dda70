package dev.ha4j.probe.http.support;

import dev.ha4j.testkit.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate generated at test time with the running JDK's {@code keytool} into a temp
 * directory: no private key is committed. Produces the server's key store and a trust store holding only the
 * certificate.
 */
public final class SelfSignedTls {
    public static final String STORE_PASSWORD = "test-store-pw";
    public static final String TRUST_PASSWORD = "test-trust-pw";

    private final Path keyStore;
    private final Path trustStore;

    private SelfSignedTls(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** @return the keytool of the running JDK */
    public static Path keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    /**
     * @param dir a temp directory
     * @param san the subjectAltName extension, such as {@code ip:127.0.0.1,dns:localhost}
     */
    public static SelfSignedTls generate(Path dir, String san) throws IOException, InterruptedException {
        Prerequisites.require(Files.isExecutable(keytool()), "keytool not found at " + keytool()
                + ": the TLS tests generate a self-signed certificate with it");
        Path ks = dir.resolve("server.p12");
        Path crt = dir.resolve("server.crt");
        Path ts = dir.resolve("trust.p12");
        run(List.of(keytool().toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=" + san, "-validity", "2", "-storetype",
                "PKCS12", "-keystore", ks.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        run(List.of(keytool().toString(), "-exportcert", "-alias", "server", "-keystore", ks.toString(),
                "-storepass", STORE_PASSWORD, "-file", crt.toString()));
        run(List.of(keytool().toString(), "-importcert", "-noprompt", "-alias", "server", "-file", crt.toString(),
                "-storetype", "PKCS12", "-keystore", ts.toString(), "-storepass", TRUST_PASSWORD));
        return new SelfSignedTls(ks, ts);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + cmd.get(1) + ": " + new String(out, StandardCharsets.UTF_8));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** @return a server-side TLS context holding the key pair */
    public SSLContext serverContext() throws Exception {
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            k.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k, STORE_PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    public Path trustStore() {
        return trustStore;
    }
}
