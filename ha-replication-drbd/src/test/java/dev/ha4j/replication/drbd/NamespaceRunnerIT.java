package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LocalCommandRunner.inNamespace against a real network namespace this test creates and removes (needs root). */
class NamespaceRunnerIT {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void commandsRunInsideTheNamespace() {
        Prerequisites.require(isRoot() && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))),
                "needs root and ip(8) to create a network namespace");
        String ns = "ha4j-drbd-it-" + ProcessHandle.current().pid();
        LocalCommandRunner host = LocalCommandRunner.create();
        assertThat(host.run(List.of("ip", "netns", "add", ns), T).isSuccess()).isTrue();
        try {
            LocalCommandRunner inside = LocalCommandRunner.inNamespace(ns);
            CommandResult links = inside.run(List.of("ip", "-o", "link", "show"), T);
            assertThat(links.isSuccess()).as(links.describe()).isTrue();
            assertThat(links.stdout()).contains("lo:").doesNotContain("eth0");
            CommandResult fails = inside.run(List.of("sh", "-c", "echo nope >&2; exit 17"), T);
            assertThat(fails.exitCode()).isEqualTo(17);
            assertThat(fails.command()).startsWith("ip", "netns", "exec", ns);
            assertThat(fails.describe()).contains("exited 17", "nope");
        } finally {
            host.run(List.of("ip", "netns", "delete", ns), T);
        }
        assertThat(host.run(List.of("ip", "netns", "list"), T).stdout()).doesNotContain(ns);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
