package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSpecTest {
    @TempDir
    Path dir;

    @Test
    void substitutesTheNodeNameInArgumentsAndEnvironment() {
        CommandSpec spec = CommandSpec.builder("check", "--node={node}", "{node}")
                .environment("WHO", "{node}!")
                .build();
        assertThat(spec.commandFor(NodeId.of("alice"))).containsExactly("check", "--node=alice", "alice");
        assertThat(spec.processBuilder(NodeId.of("alice")).environment()).containsEntry("WHO", "alice!");
        assertThat(spec.command()).containsExactly("check", "--node={node}", "{node}");
    }

    @Test
    void cleanEnvironmentHoldsOnlyWhatWasGiven() {
        CommandSpec spec = CommandSpec.builder("x").inheritEnvironment(false).environment("A", "1").build();
        assertThat(spec.processBuilder(NodeId.of("n")).environment()).containsOnlyKeys("A");
    }

    @Test
    void toStringShowsNoArgumentOrEnvironmentValue() {
        CommandSpec spec = CommandSpec.builder("/usr/bin/tool", "--password=letmein")
                .environment("PLAIN", "plainvalue")
                .secretEnvironment("PW", Secret.of("s3cr3t"))
                .build();
        assertThat(spec.toString()).contains("/usr/bin/tool", "+1 args", "PLAIN", "PW")
                .doesNotContain("letmein", "plainvalue", "s3cr3t");
        assertThat(spec.executableName()).isEqualTo("tool");
    }

    @Test
    void validatesEverythingInBuild() {
        assertThatThrownBy(() -> CommandSpec.of()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("command is empty");
        assertThatThrownBy(() -> CommandSpec.of(" ", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> CommandSpec.of("a", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument 1 is null");
        assertThatThrownBy(() -> CommandSpec.of("a", "b\0c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> CommandSpec.builder("a").directory(dir.resolve("missing")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> CommandSpec.builder("a").environment("1BAD", "x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1BAD");
        assertThatThrownBy(() -> CommandSpec.builder("a").environment("A", "x").secretEnvironment("A",
                Secret.of("y")).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
        assertThat(CommandSpec.of(List.of("a", "b")).command()).containsExactly("a", "b");
    }
}
