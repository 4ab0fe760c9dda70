package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runners and the name checks: argument lists, deadlines, captured stderr, refused names. */
class CommandRunnerTest {
    private final LocalCommandRunner local = LocalCommandRunner.create();

    @Test
    void failuresCarryCommandExitCodeAndStderr() {
        CommandResult r = local.run(List.of("sh", "-c", "echo 'State change failed: (-2) Need access to UpToDate data' >&2; exit 17"),
                Duration.ofSeconds(5));
        assertThat(r.exitCode()).isEqualTo(17);
        assertThat(r.describe()).contains("sh -c", "exited 17", "Need access to UpToDate data");
        assertThat(Refusal.of(r)).isEqualTo(Refusal.NO_UP_TO_DATE_DISK);
    }

    @Test
    void aCommandPastItsDeadlineIsKilled() {
        long t0 = System.nanoTime();
        CommandResult r = local.run(List.of("sleep", "30"), Duration.ofMillis(300));
        assertThat(r.timedOut()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("noisy machine: a generous bound").isLessThan(10_000);
    }

    @Test
    void aMissingProgramIsAResultNotAnException() {
        CommandResult r = local.run(List.of("/nonexistent/drbdsetup", "status"), Duration.ofSeconds(2));
        assertThat(r.exitCode()).isEqualTo(CommandResult.NO_EXIT);
        assertThat(r.describe()).contains("did not run");
    }

    @Test
    void anInterruptedCallReturnsAtOnceAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            CommandResult r = local.run(List.of("sleep", "30"), Duration.ofSeconds(30));
            assertThat(r.isSuccess()).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void streamStopsWhenTheLineSaysSo() {
        AtomicInteger n = new AtomicInteger();
        CommandResult r = local.stream(List.of("sh", "-c", "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.05; done"),
                Duration.ofSeconds(10), l -> n.incrementAndGet() == 3);
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.stdout()).contains("line 0", "line 2");
        CommandResult t = local.stream(List.of("sleep", "30"), Duration.ofMillis(300), l -> true);
        assertThat(t.timedOut()).isTrue();
    }

    @Test
    void sshQuotesEveryArgumentForTheRemoteShell() {
        SshCommandRunner ssh = SshCommandRunner.builder().host("bob.example").user("root").port(2222).build();
        List<String> c = ssh.sshCommand(List.of("drbdadm", "primary", "r0", "it's"));
        assertThat(c).startsWith("ssh", "-o", "BatchMode=yes").contains("-p", "2222", "root@bob.example", "--");
        assertThat(c.get(c.size() - 1)).isEqualTo("'drbdadm' 'primary' 'r0' 'it'\\''s'");
        assertThat(ssh.where()).isEqualTo("ssh root@bob.example:2222");
    }

    @Test
    void namesAreValidatedBeforeAnyCommandLine() {
        assertThatThrownBy(() -> DrbdNames.resource("resource", "r0; reboot")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resource").hasMessageContaining("r0; reboot");
        assertThatThrownBy(() -> DrbdNames.resource("resource", "-r0")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DrbdNames.resource("resource", "home_1.data")).isEqualTo("home_1.data");
        assertThatThrownBy(() -> DrbdNames.volume("volume", 65536)).hasMessageContaining("65536");
        assertThat(DrbdNames.device("device", "/dev/drbd0")).isEqualTo("/dev/drbd0");
        assertThat(DrbdNames.device("device", "/dev/drbd/by-res/r0/0")).isEqualTo("/dev/drbd/by-res/r0/0");
        assertThatThrownBy(() -> DrbdNames.device("device", "/dev/sda")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DrbdNames.device("device", "/dev/drbd/by-res/../0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SshCommandRunner.builder().host("-oProxyCommand=x").build())
                .hasMessageContaining("host");
        assertThatThrownBy(() -> SshCommandRunner.builder().host("bob").user("Root$").build())
                .hasMessageContaining("user");
        assertThatThrownBy(() -> LocalCommandRunner.inNamespace("ns;x")).hasMessageContaining("namespace");
        assertThat(LocalCommandRunner.inNamespace("ha4j-drbd-1").where()).isEqualTo("netns ha4j-drbd-1");
        assertThatThrownBy(() -> DrbdReplicator.builder().resource("r 0").node(NodeId.of("a"), local).build())
                .hasMessageContaining("resource");
        assertThatThrownBy(() -> DrbdReplicator.builder().resource("r0").build()).hasMessageContaining("node");
        assertThatThrownBy(() -> DrbdReplicator.builder().resource("r0").node(NodeId.of("a"), local)
                .drbdadm("--help").build()).hasMessageContaining("drbdadm");
    }
}
