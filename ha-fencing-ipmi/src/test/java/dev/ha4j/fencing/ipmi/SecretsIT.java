package dev.ha4j.fencing.ipmi;

import dev.ha4j.fencing.ipmi.sim.LabBmc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import dev.ha4j.fencing.ipmi.sim.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password never reaches a log line (the fencer logs at TRACE in tests), a result, a detail or a
 * {@code toString()}; and it can come from an environment variable or a file.
 */
class SecretsIT {
    private static final NodeId NODE = NodeId.of("node-1");
    private static final String WRONG = "Wr0ng-S3cret-xyz";
    private static IpmiSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireIpmiSim();
        sim = IpmiSimulator.start();
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static IpmiFencer fencer(BmcConfig bmc) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmc).build()).build();
    }

    @Test
    void noSecretInLogsResultsOrToString() throws Exception {
        List<Object> seen = new ArrayList<>();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IpmiFencer admin = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, IpmiSimulator.ADMIN_PASSWORD).build());
            IpmiFencer wrong = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, WRONG).build());
            IpmiFencer viewer = fencer(LabBmc.bmc(sim, IpmiSimulator.VIEWER, IpmiSimulator.VIEWER_PASSWORD)
                    .privilege(PrivilegeLevel.USER).build());
            IpmiFencer gone = fencer(BmcConfig.custom().host("127.0.0.1").port(silent.getLocalPort())
                    .user(IpmiSimulator.ADMIN).password(Secret.of(IpmiSimulator.ADMIN_PASSWORD))
                    .connectTimeout(Duration.ofMillis(300)).build());
            for (IpmiFencer f : List.of(admin, wrong, viewer, gone)) {
                seen.add(f);
                seen.add(f.config());
                seen.add(f.config().bmcs());
                for (FenceAction a : FenceAction.values()) {
                    IpmiResult r = f.run(NODE, a, Duration.ofSeconds(3));
                    seen.add(r);
                    seen.add(r.result().detail());
                }
                seen.add(f.readStatus(NODE, Duration.ofSeconds(3)));
            }
            sim.fail(true);
            seen.add(admin.run(NODE, FenceAction.OFF, Duration.ofSeconds(3)));
            sim.fail(false);
        } finally {
            System.setErr(original);
        }
        String logText = logs.toString(StandardCharsets.UTF_8);
        assertThat(logText).as("the fencer did log").contains("opened RMCP+ session", "authentication failed",
                "privilege too low", "BMC unreachable", "BMC error");
        StringBuilder all = new StringBuilder(logText);
        seen.forEach(o -> all.append('\n').append(o));
        for (String secret : List.of(IpmiSimulator.ADMIN_PASSWORD, WRONG, IpmiSimulator.VIEWER_PASSWORD)) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.US_ASCII));
            assertThat(all.toString()).as("a secret of %d characters", secret.length())
                    .doesNotContain(secret).doesNotContainIgnoringCase(hex);
        }
    }

    @Test
    void passwordFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bmc-password");
        Files.writeString(file, IpmiSimulator.ADMIN_PASSWORD + "\n");
        BmcConfig bmc = BmcConfig.custom().host("127.0.0.1").port(sim.port()).user(IpmiSimulator.ADMIN)
                .passwordFromFile(file).build();
        assertThat(bmc.toString()).contains("password=******").doesNotContain(IpmiSimulator.ADMIN_PASSWORD);
        assertThat(fencer(bmc).readStatus(NODE, Duration.ofSeconds(3)).isOk()).isTrue();
    }

    @Test
    void passwordFromTheEnvironment() {
        dev.ha4j.testkit.Prerequisites.require(System.getenv("HA4J_IPMI_TEST_PASSWORD") != null,
                "HA4J_IPMI_TEST_PASSWORD is not set (the module's failsafe configuration sets it)");
        BmcConfig bmc = BmcConfig.custom().host("127.0.0.1").port(sim.port()).user(IpmiSimulator.ADMIN)
                .passwordFromEnvironment("HA4J_IPMI_TEST_PASSWORD").build();
        assertThat(bmc.password().origin()).isEqualTo("env:HA4J_IPMI_TEST_PASSWORD");
        IpmiResult r = fencer(bmc).readStatus(NODE, Duration.ofSeconds(3));
        assertThat(r.isOk()).as("%s", r).isTrue();
        assertThat(r.powerState()).isIn(PowerState.ON, PowerState.OFF);
    }
}
