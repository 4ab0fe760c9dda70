package dev.ha4j.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's snippets are the code that is built: the POM snippet is the adopter project's, verbatim; the
 * tour's Java is in {@code examples}' {@code Tour} and in the adopter's {@code StashHa}; the policy property test
 * is the adopter's {@code MyPolicyTest}. Lines are compared without their indentation.
 */
class ReadmeSnippetsIT {
    private static final Path ROOT = Path.of(System.getProperty("ha4j.root"));
    private static final Pattern BLOCK = Pattern.compile("```(xml|java)\\n(.*?)```", Pattern.DOTALL);

    private static List<String[]> blocks() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String tour = readme.substring(readme.indexOf("## A five-minute tour"), readme.indexOf("## The failure table"));
        String testkit = readme.substring(readme.indexOf("A user's property test of a custom policy"));
        List<String[]> found = new ArrayList<>();
        for (String part : List.of(tour, testkit.substring(0, testkit.indexOf("```\n\n") + 4))) {
            Matcher m = BLOCK.matcher(part);
            while (m.find()) {
                found.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return found;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.toList());
    }

    private static void assertContainsLines(Path file, String block) throws IOException {
        List<String> haystack = lines(Files.readString(file));
        List<String> needle = lines(block);
        assertThat(haystack).as(file + " must contain the README's snippet verbatim (indentation aside):\n" + block)
                .containsSubsequence(needle);
        assertThat(String.join("\n", haystack)).as(file + ": the snippet's lines in one piece")
                .contains(String.join("\n", needle));
    }

    @Test
    void thePomSnippetIsTheAdoptersPom() throws IOException {
        List<String[]> xml = blocks().stream().filter(b -> b[0].equals("xml")).collect(Collectors.toList());
        assertThat(xml).hasSize(1);
        assertContainsLines(ROOT.resolve("adopter/pom.xml"), xml.get(0)[1]);
    }

    @Test
    void theToursJavaIsCompiledInExamplesAndInTheAdopter() throws IOException {
        List<String[]> java = blocks().stream().filter(b -> b[0].equals("java")).collect(Collectors.toList());
        assertThat(java).hasSizeGreaterThanOrEqualTo(4);
        for (String[] b : java) {
            if (b[1].contains("class MyPolicyTest")) {
                assertContainsLines(ROOT.resolve("adopter/src/test/java/com/example/stash/MyPolicyTest.java"), b[1]);
            } else {
                assertContainsLines(ROOT.resolve("examples/src/main/java/dev/ha4j/examples/tour/Tour.java"), b[1]);
                assertContainsLines(ROOT.resolve("adopter/src/main/java/com/example/stash/StashHa.java"), b[1]);
            }
        }
    }
}
