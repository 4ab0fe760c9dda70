package dev.ha4j.replication.drbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.OpResult;
import dev.ha4j.testkit.Prerequisites;
import dev.ha4j.testkit.drbd.DrbdStandIn;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SshCommandRunner against a real OpenSSH server this test starts on loopback (own host key, own client key,
 * strict host-key checking), with the stand-in drbdadm on the "remote" side. Needs root, sshd and ssh-keygen
 * (Debian openssh-server).
 */
class SshRunnerIT {
    private static final Duration T = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    Process sshd;
    int port;
    DrbdStandIn drbd;
    boolean createdRunSshd;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("setup.log").toFile())
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    }

    @BeforeEach
    void startSshd() throws Exception {
        Prerequisites.require("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/sshd"))
                && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "needs root and Debian's openssh-server");
        drbd = DrbdStandIn.create(dir.resolve("drbd"), "r0", "alice", "bob");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("hostkey").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id").toString());
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        port = freePort();
        Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " "
                + Files.readString(dir.resolve("hostkey.pub")));
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("hostkey"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "PermitRootLogin prohibit-password",
                "StrictModes no", "UsePAM no", "PidFile " + dir.resolve("sshd.pid"),
                "SetEnv DRBD_STANDIN_STATE=" + drbd.environment("bob").get("DRBD_STANDIN_STATE")
                        + " DRBD_STANDIN_NODE=bob", ""));
        Path run = Path.of("/run/sshd");
        if (!Files.exists(run)) {
            Files.createDirectories(run);
            createdRunSshd = true;
        }
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.descendants().forEach(ProcessHandle::destroyForcibly);
            sshd.destroyForcibly();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
        if (createdRunSshd) {
            Files.deleteIfExists(Path.of("/run/sshd"));
        }
    }

    private SshCommandRunner runner(int p) {
        return SshCommandRunner.builder().host("127.0.0.1").user("root").port(p).identity(dir.resolve("id"))
                .knownHosts(dir.resolve("known_hosts")).build();
    }

    @Test
    void argumentsReachTheRemoteSideUninterpreted() {
        CommandResult r = runner(port).run(List.of("printf", "%s|", "a b", "it's", "$HOME", ";ls", "`id`"), T);
        assertThat(r.isSuccess()).as(r.describe() + " " + r.stderr()).isTrue();
        assertThat(r.stdout()).isEqualTo("a b|it's|$HOME|;ls|`id`|");
    }

    @Test
    void remoteFailuresCarryExitCodeAndStderr() {
        CommandResult r = runner(port).run(List.of("sh", "-c", "echo 'Device is inconsistent.' >&2; exit 5"), T);
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.describe()).contains("exited 5", "Device is inconsistent.");
    }

    @Test
    void aClosedPortIsSshsOwnExit255() throws Exception {
        CommandResult r = runner(freePort()).run(List.of("true"), T);
        assertThat(r.exitCode()).isEqualTo(SshCommandRunner.SSH_ERROR);
    }

    @Test
    void theReplicatorOutdatesAPeerOverSsh() {
        Path bin = drbd.binDirectory();
        DrbdReplicator r = DrbdReplicator.builder().resource("r0").drbdadm(bin.resolve("drbdadm").toString())
                .drbdsetup(bin.resolve("drbdsetup").toString())
                .node(NodeId.of("alice"), LocalCommandRunner.withEnvironment(drbd.environment("alice")))
                .node(NodeId.of("bob"), runner(port)).build();
        assertThat(r.promote(NodeId.of("alice"), Epoch.of(1), false, T).isOk()).isTrue();
        drbd.partition();
        OpResult o = r.outdatePeer(NodeId.of("bob"), Epoch.of(1), T);
        assertThat(o.isOk()).as(o.toString()).isTrue();
        assertThat(drbd.get("bob", "disk")).isEqualTo("Outdated");
        assertThat(drbd.log()).anyMatch(l -> l.equals("bob drbdadm outdate r0"));
    }
}
