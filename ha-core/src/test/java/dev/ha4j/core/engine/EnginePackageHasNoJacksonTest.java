package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pure engine knows nothing of its JSON form: no engine source imports or names Jackson, and no engine class,
 * nested class, field, method or record component carries a Jackson annotation. The type information lives in
 * the journal's mix-ins ({@link dev.ha4j.core.journal.EngineJsonModule}).
 */
class EnginePackageHasNoJacksonTest {
    static final Path SOURCES = Path.of("src/main/java/dev/ha4j/core/engine");

    @Test
    void noEngineSourceMentionsJackson() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> offenders = new ArrayList<>();
        for (Path p : sources()) {
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("com.fasterxml") || lines.get(i).matches(".*@Json[A-Z].*")) {
                    offenders.add(p.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(offenders).as("Jackson in the engine package").isEmpty();
    }

    @Test
    void noEngineClassCarriesAJacksonAnnotation() throws Exception {
        List<String> offenders = new ArrayList<>();
        List<Class<?>> classes = new ArrayList<>();
        for (Path p : sources()) {
            String name = p.getFileName().toString().replace(".java", "");
            if (!name.equals("package-info")) {
                classes.add(Class.forName("dev.ha4j.core.engine." + name));
            }
        }
        assertThat(classes).contains(Event.class, Command.class, FailoverEngine.class);
        for (int i = 0; i < classes.size(); i++) {
            Class<?> c = classes.get(i);
            classes.addAll(List.of(c.getDeclaredClasses()));
            check(c, c.getName(), offenders);
            for (var f : c.getDeclaredFields()) {
                check(f, c.getName() + "." + f.getName(), offenders);
            }
            for (var m : c.getDeclaredMethods()) {
                check(m, c.getName() + "." + m.getName() + "()", offenders);
            }
            for (var k : c.getDeclaredConstructors()) {
                check(k, c.getName() + ".<init>", offenders);
            }
            if (c.isRecord()) {
                for (var r : c.getRecordComponents()) {
                    check(r, c.getName() + "#" + r.getName(), offenders);
                }
            }
        }
        assertThat(offenders).as("Jackson annotations in the engine package").isEmpty();
    }

    private static void check(AnnotatedElement e, String where, List<String> offenders) {
        for (Annotation a : e.getDeclaredAnnotations()) {
            if (a.annotationType().getName().startsWith("com.fasterxml")) {
                offenders.add(where + ": @" + a.annotationType().getSimpleName());
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
