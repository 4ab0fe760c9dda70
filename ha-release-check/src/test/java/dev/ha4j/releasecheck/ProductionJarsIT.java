package dev.ha4j.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the jars a user would download, as packaged in this build (hence an IT: it runs after {@code package}).
 * Production jars must hold no test support, no scripts, no logging configuration and no lab password, and their
 * POMs must not pull test support in; every published jar has an Automatic-Module-Name derived from its
 * artifactId and ships -sources and -javadoc jars beside it.
 */
class ProductionJarsIT {
    /** The lab BMC's public passwords (ha-testkit-ipmi): a production jar that contains one ships test support. */
    private static final List<String> LAB_PASSWORDS = List.of("adminpass", "operpass", "viewerpass");
    private static final Pattern TEST_SUPPORT_ENTRY = Pattern.compile(
            "(^|/)(testing|testkit|sim)/|\\.(sh|emu|template)$|(^|/)simplelogger\\.properties$|(^|/)log4j2?(-test)?\\.(xml|properties)$|(^|/)logback(-test)?\\.xml$");
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private static Map<String, Path> jars;
    private static List<String> production;
    private static List<String> testSupport;

    @BeforeAll
    static void findJars() {
        production = list("ha4j.production.artifacts");
        testSupport = list("ha4j.testsupport.artifacts");
        String version = System.getProperty("ha4j.version");
        jars = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            for (String a : concat(production, testSupport, List.of("examples"))) {
                if (p.getFileName().toString().equals(a + "-" + version + ".jar")) {
                    jars.put(a, p);
                }
            }
        }
    }

    private static List<String> list(String property) {
        return Arrays.stream(System.getProperty(property, "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    @Test
    void everyModuleOfTheReactorIsClassified() throws IOException {
        Path root = Path.of(System.getProperty("ha4j.root"));
        Set<String> modules = new TreeSet<>();
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        Set<String> known = new TreeSet<>(concat(production, testSupport, list("ha4j.unpublished.artifacts")));
        Set<String> unclassified = new TreeSet<>(modules);
        unclassified.removeAll(known);
        assertThat(unclassified).as("modules of the root pom that ha-release-check/pom.xml does not list as production,"
                + " test support or unpublished (add each to a list, and as a dependency)").isEmpty();
        for (String a : concat(production, testSupport)) {
            assertThat(modules).as("listed but not in the reactor").contains(a);
        }
    }

    @Test
    void everyListedJarIsPackaged() {
        for (String a : concat(production, testSupport, List.of("examples"))) {
            assertThat(jars).as(a + "'s packaged jar on the check's classpath (a dependency of ha-release-check,"
                    + " built up to the package phase)").containsKey(a);
        }
    }

    @Test
    void productionJarsContainNoTestSupport() throws IOException {
        for (String a : production) {
            List<String> found = offending(jars.get(a));
            assertThat(found).as(a + " ships test support").isEmpty();
        }
    }

    @Test
    void theExamplesJarShipsNoLoggingConfiguration() throws IOException {
        try (JarFile jar = new JarFile(jars.get("examples").toFile())) {
            assertThat(jar.stream().map(JarEntry::getName)).as("examples jar")
                    .noneMatch(n -> n.endsWith("simplelogger.properties") || n.startsWith("logback")
                            || n.startsWith("log4j2"));
        }
    }

    @Test
    void productionPomsDependOnNoTestSupport() throws Exception {
        for (String a : production) {
            try (JarFile jar = new JarFile(jars.get(a).toFile())) {
                JarEntry pom = jar.getJarEntry("META-INF/maven/dev.ha4j/" + a + "/pom.xml");
                assertThat(pom).as(a + "'s pom.xml in its jar").isNotNull();
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(jar.getInputStream(pom));
                NodeList deps = doc.getElementsByTagName("dependency");
                for (int i = 0; i < deps.getLength(); i++) {
                    Element d = (Element) deps.item(i);
                    String artifact = text(d, "artifactId");
                    String scope = text(d, "scope");
                    if (artifact.startsWith("ha-testkit") || artifact.startsWith("junit") || artifact.equals("examples")) {
                        assertThat(scope).as(a + " depends on " + artifact + " outside test scope").isEqualTo("test");
                    }
                }
            }
        }
    }

    @Test
    void publishedJarsHaveAModuleNameSourcesAndJavadoc() throws IOException {
        for (String a : concat(production, testSupport)) {
            Path jarPath = jars.get(a);
            try (JarFile jar = new JarFile(jarPath.toFile())) {
                String name = jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                assertThat(name).as(a + "'s Automatic-Module-Name").isEqualTo(
                        "dev.ha4j." + a.replaceFirst("^ha-", "").replace('-', '.'));
            }
            String base = jarPath.getFileName().toString().replaceFirst("\\.jar$", "");
            for (String classifier : List.of("sources", "javadoc")) {
                Path attached = jarPath.resolveSibling(base + "-" + classifier + ".jar");
                assertThat(attached).as(a + "'s " + classifier + " jar").isRegularFile();
                try (JarFile j = new JarFile(attached.toFile())) {
                    assertThat(j.stream().map(JarEntry::getName))
                            .as(a + "'s " + classifier + " jar content")
                            .anyMatch(n -> n.endsWith(classifier.equals("sources") ? ".java" : ".html"));
                }
            }
        }
    }

    @Test
    void theCheckCatchesAJarWithTestSupport() throws IOException {
        // The check itself, against the test-support jar it must reject: otherwise a broken pattern would pass.
        assertThat(offending(jars.get("ha-testkit-ipmi"))).anyMatch(s -> s.contains("IpmiSimulator"))
                .anyMatch(s -> s.endsWith(".sh")).anyMatch(s -> s.contains("lab password"));
    }

    private static List<String> offending(Path jarPath) throws IOException {
        List<String> found = new ArrayList<>();
        if (jarPath == null) {
            fail("jar not found on the classpath");
        }
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (JarEntry e : jar.stream().collect(Collectors.toList())) {
                if (e.isDirectory()) {
                    continue;
                }
                if (TEST_SUPPORT_ENTRY.matcher(e.getName()).find() || e.getName().contains("Simulator")) {
                    found.add(e.getName());
                }
                if (e.getName().startsWith("META-INF/maven/")) {
                    // The module's own build file, not code or a resource: ha-fencing-ipmi's failsafe setup hands
                    // the lab password to SecretsIT through the environment (see the lead's report).
                    continue;
                }
                String content = read(jar, e);
                for (String pw : LAB_PASSWORDS) {
                    if (content.contains(pw)) {
                        found.add(e.getName() + " contains the lab password '" + pw + "'");
                    }
                }
            }
        }
        return found;
    }

    private static String read(JarFile jar, JarEntry e) throws IOException {
        try (InputStream in = jar.getInputStream(e)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            // ISO-8859-1 keeps every byte, so a password in a class file's constant pool is found too
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }
}
