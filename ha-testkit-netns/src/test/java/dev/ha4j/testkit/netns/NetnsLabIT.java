package dev.ha4j.testkit.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NetnsLabIT {
    @BeforeAll
    static void needsNamespaces() {
        Optional<String> why = NetnsLab.unavailableReason();
        Prerequisites.require(why.isEmpty(), why.orElse(""));
    }

    @Test
    void labServesHttpOnBothFamiliesAndLeavesNothingBehind() {
        String a;
        try (NetnsLab lab = NetnsLab.builder().build().start()) {
            a = lab.namespace("a");
            assertThat(NetnsLab.listNamespaces()).contains(a, lab.namespace("b"), lab.clientNamespace(),
                    lab.namespace("sw"));
            assertThat(a).matches("ha4j-" + ProcessHandle.current().pid() + "-\\d+-a");
            lab.startHttpServer("a", 8080, "node-a");
            lab.startHttpServer("b", 8080, "node-b");
            LabClient c = lab.startClient();
            assertThat(c.get(lab.ipv4("a"), 8080, Duration.ofSeconds(2))).contains("node-a");
            assertThat(c.get(lab.ipv4("b"), 8080, Duration.ofSeconds(2))).contains("node-b");
            assertThat(c.get(lab.ipv6("a"), 8080, Duration.ofSeconds(2))).contains("node-a");
            assertThat(c.get(lab.ipv6("b"), 8080, Duration.ofSeconds(2))).contains("node-b");
            assertThat(c.get(lab.spareIpv4(77), 8080, Duration.ofMillis(300))).isEmpty();
            assertThat(lab.mac("a")).matches("[0-9a-f:]{17}").isNotEqualTo(lab.mac("b"));
        }
        assertThat(NetnsLab.listNamespaces()).noneMatch(n -> n.startsWith(a.substring(0, a.length() - 1)));
    }

    @Test
    void processesInsideANamespaceAreKilledBeforeItIsDeleted() {
        try (NetnsLab lab = NetnsLab.builder().nodes("x").build().start()) {
            LabProcess p = lab.startProcess(lab.namespace("x"), List.of("sleep", "600"));
            // a process the lab did not start itself, found only through `ip netns pids`
            Process stray = startStray(lab.namespace("x"));
            lab.removeNamespace(lab.namespace("x"));
            assertThat(p.isAlive()).isFalse();
            assertThat(stray.isAlive()).isFalse();
            assertThat(NetnsLab.listNamespaces()).doesNotContain(lab.namespace("x"));
        }
    }

    @Test
    void sweepRemovesLeftoversOfADeadCreatorOnly() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String leftover = "ha4jt-" + dead.pid() + "-1-a";
        String live = "ha4jt-" + ProcessHandle.current().pid() + "-999-a";
        Process stray = null;
        try {
            ExecResultAssert.ok(Exec.run(List.of("ip", "netns", "add", leftover), Duration.ofSeconds(5)));
            ExecResultAssert.ok(Exec.run(List.of("ip", "netns", "add", live), Duration.ofSeconds(5)));
            stray = startStray(leftover);
            List<String> swept = NetnsLab.sweepLeftovers("ha4jt");
            assertThat(swept).containsExactly(leftover);
            assertThat(stray.isAlive()).isFalse();
            assertThat(NetnsLab.listNamespaces()).doesNotContain(leftover).contains(live);
        } finally {
            if (stray != null) {
                stray.destroyForcibly();
            }
            Exec.run(List.of("ip", "netns", "del", leftover), Duration.ofSeconds(5));
            Exec.run(List.of("ip", "netns", "del", live), Duration.ofSeconds(5));
        }
    }

    @Test
    void aFailureHalfWayThroughStartRemovesWhatWasBuilt() {
        // passes the builder's check but is no valid address once a host number is appended
        NetnsLab lab = NetnsLab.builder().prefix("ha4jf").ipv6Net("fd00:1:2:3:4:5:6::").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(lab::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("addr add");
        assertThat(NetnsLab.listNamespaces()).noneMatch(n -> n.startsWith("ha4jf-"));
    }

    private static Process startStray(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "600").start();
            long end = System.nanoTime() + 5_000_000_000L;
            while (Exec.run(List.of("ip", "netns", "pids", ns), Duration.ofSeconds(5)).stdout().isBlank()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("stray process did not appear in " + ns);
                }
                Thread.sleep(20);
            }
            return p;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Small assertion helper for lab commands. */
    static final class ExecResultAssert {
        static void ok(ExecResult r) {
            assertThat(r.ok()).as(r.toString()).isTrue();
        }
    }
}
