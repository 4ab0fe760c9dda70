package dev.ha4j.fencing.ipmi;

import dev.ha4j.fencing.ipmi.sim.LabBmc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import dev.ha4j.fencing.ipmi.sim.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fencer against a real BMC ({@code ipmi_sim}) on loopback: the node behind it is observably killed on
 * OFF and started on ON, {@code ipmitool} agrees with the state we leave, and every failure names its cause.
 */
class IpmiFencerIT {
    private static final NodeId NODE = NodeId.of("node-1");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static IpmiSimulator sim;

    @BeforeAll
    static void startSimulator() throws Exception {
        Prerequisites.requireIpmiSim();
        sim = IpmiSimulator.start();
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) {
            sim.close();
        }
    }

    @AfterEach
    void clearKnobs() {
        if (sim != null) {
            sim.fail(false);
            sim.delay(0);
        }
    }

    private static IpmiFencer fencer(BmcConfig bmc) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NODE, bmc).build()).build();
    }

    private static IpmiFencer admin() {
        return LabBmc.fencer(sim, NODE);
    }

    private static long powerOn() {
        IpmiResult on = admin().run(NODE, FenceAction.ON, TIMEOUT);
        assertThat(on.isOk()).as("%s", on).isTrue();
        assertThat(sim.nodeRunning()).as("node runs after ON").isTrue();
        return sim.nodePid().orElseThrow();
    }

    @Test
    void offKillsTheNodeAndIpmitoolAgrees() throws Exception {
        long pid = powerOn();
        IpmiResult off = admin().run(NODE, FenceAction.OFF, TIMEOUT);

        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        assertThat(off.result().detail()).startsWith("verified OFF after power down");
        assertThat(IpmiSimulator.running(pid)).as("node process %d after OFF", pid).isFalse();
        assertThat(sim.nodePid()).isEmpty();
        Path heartbeat = sim.runDir().resolve("node.heartbeat");
        long before = Files.getLastModifiedTime(heartbeat).toMillis();
        LabBmc.pause(500);
        assertThat(Files.getLastModifiedTime(heartbeat).toMillis()).as("heartbeat stopped").isEqualTo(before);
        assertThat(sim.chassisLog()).anyMatch(l -> l.contains("killed node pid " + pid));
        assertThat(sim.ipmitoolPowerStatus()).isEqualTo(PowerState.OFF);
        assertThat(admin().status(NODE, TIMEOUT)).isEqualTo(PowerState.OFF);
    }

    @Test
    void offOnANodeThatIsOffIsVerifiedWithoutAReadFirstAndHarmless() {
        assertThat(admin().run(NODE, FenceAction.OFF, TIMEOUT).result().isVerifiedOff()).isTrue();
        int calls = sim.chassisLog().size();

        IpmiResult again = admin().run(NODE, FenceAction.OFF, TIMEOUT);

        assertThat(again.result().isVerifiedOff()).as("%s", again).isTrue();
        assertThat(again.result().detail()).startsWith("verified OFF after power down (1 read,");
        // the power command comes first, then one read back: no read before it
        List<String> log = sim.chassisLog().subList(calls, sim.chassisLog().size());
        assertThat(log).as("chassis log").anyMatch(l -> l.contains("power off -> node already down"));
        assertThat(log.get(0)).as("first chassis call of the second OFF").contains("set power");
        assertThat(sim.nodeRunning()).isFalse();
    }

    @Test
    void onStartsTheNodeAndIpmitoolAgrees() throws Exception {
        assertThat(admin().run(NODE, FenceAction.OFF, TIMEOUT).result().isVerifiedOff()).isTrue();

        IpmiResult on = admin().run(NODE, FenceAction.ON, TIMEOUT);

        assertThat(on.result().outcome()).isEqualTo(Outcome.OK);
        assertThat(on.powerState()).isEqualTo(PowerState.ON);
        assertThat(sim.nodeRunning()).isTrue();
        Path heartbeat = sim.runDir().resolve("node.heartbeat");
        LabBmc.pause(500);
        assertThat(Files.getLastModifiedTime(heartbeat).toMillis())
                .as("heartbeat fresh").isGreaterThan(System.currentTimeMillis() - 1000);
        assertThat(sim.ipmitoolPowerStatus()).isEqualTo(PowerState.ON);
        assertThat(admin().run(NODE, FenceAction.ON, TIMEOUT).result().detail())
                .startsWith("verified ON after power up (1 read,");
        assertThat(sim.nodeRunning()).isTrue();
    }

    @Test
    void rebootIsOffVerifiedThenOnVerifiedNeverACycle() {
        long first = powerOn();
        int calls = sim.chassisLog().size();

        IpmiResult reboot = admin().run(NODE, FenceAction.REBOOT, TIMEOUT);

        assertThat(reboot.result().outcome()).as("%s", reboot).isEqualTo(Outcome.OK);
        assertThat(reboot.powerState()).isEqualTo(PowerState.ON);
        assertThat(reboot.result().detail()).matches("verified OFF after power down .*, then verified ON after .*");
        assertThat(IpmiSimulator.running(first)).isFalse();
        long second = sim.nodePid().orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(IpmiSimulator.running(second)).isTrue();
        List<String> sets = sim.chassisLog().subList(calls, sim.chassisLog().size()).stream()
                .filter(l -> l.contains(" set ")).toList();
        assertThat(sets).hasSize(2);
        assertThat(sets.get(0)).endsWith("set power 0");
        assertThat(sets.get(1)).endsWith("set power 1");
        assertThat(sim.ipmitoolPowerStatus()).isEqualTo(PowerState.ON);
    }

    @Test
    void ourStatusMatchesIpmitoolInBothStates() {
        powerOn();
        assertThat(admin().status(NODE, TIMEOUT)).isEqualTo(PowerState.ON).isEqualTo(sim.ipmitoolPowerStatus());
        sim.ipmitool("chassis", "power", "off");
        assertThat(admin().status(NODE, TIMEOUT)).isEqualTo(PowerState.OFF).isEqualTo(sim.ipmitoolPowerStatus());
    }

    @Test
    void operatorCanFenceWithOperatorPrivilege() {
        powerOn();
        IpmiFencer f = fencer(LabBmc.bmc(sim, IpmiSimulator.OPERATOR, IpmiSimulator.OPERATOR_PASSWORD)
                .privilege(PrivilegeLevel.OPERATOR).build());
        IpmiResult off = f.run(NODE, FenceAction.OFF, TIMEOUT);
        assertThat(off.result().isVerifiedOff()).as("%s", off).isTrue();
        assertThat(sim.nodeRunning()).isFalse();
    }

    @Test
    void userLevelSessionIsRefusedAsPrivilegeTooLow() {
        long pid = powerOn();
        IpmiFencer f = fencer(LabBmc.bmc(sim, IpmiSimulator.VIEWER, IpmiSimulator.VIEWER_PASSWORD)
                .privilege(PrivilegeLevel.USER).build());

        IpmiResult off = f.run(NODE, FenceAction.OFF, TIMEOUT);

        assertThat(off.failure()).as("%s", off).isEqualTo(IpmiFailure.PRIVILEGE_TOO_LOW);
        assertThat(off.result().outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(off.result().detail()).startsWith("privilege too low:").contains("0xD4");
        assertThat(off.powerState()).isEqualTo(PowerState.ON);
        assertThat(IpmiSimulator.running(pid)).isTrue();
        assertThat(f.status(NODE, TIMEOUT)).as("USER level may read the state").isEqualTo(PowerState.ON);
    }

    @Test
    void wrongPasswordIsDetectedFromRakp2() {
        long pid = powerOn();
        IpmiFencer f = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, "not-the-password").build());

        IpmiResult off = f.run(NODE, FenceAction.OFF, TIMEOUT);

        assertThat(off.failure()).as("%s", off).isEqualTo(IpmiFailure.AUTHENTICATION_FAILED);
        assertThat(off.result().detail()).contains("RAKP 2 HMAC does not match").doesNotContain("not-the-password");
        assertThat(off.elapsed()).isLessThan(Duration.ofSeconds(1));
        assertThat(off.powerState()).isEqualTo(PowerState.UNKNOWN);
        assertThat(IpmiSimulator.running(pid)).isTrue();
    }

    @Test
    void unknownUserIsAnAuthenticationFailure() {
        IpmiResult r = fencer(LabBmc.bmc(sim, "nobody", "whatever").build()).readStatus(NODE, TIMEOUT);
        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.AUTHENTICATION_FAILED);
        assertThat(r.result().detail()).contains("unauthorized name");
    }

    @Test
    void cipherSuite17IsReportedUnsupportedByThisSimulator() {
        IpmiResult r = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, IpmiSimulator.ADMIN_PASSWORD)
                .cipherSuite(CipherSuite.SUITE_17).build()).readStatus(NODE, TIMEOUT);
        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.CIPHER_SUITE_UNSUPPORTED);
        assertThat(r.result().outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void cipherSuite0WhenAllowedAcceptsAnyPasswordWhichIsWhyItIsRefusedByDefault() {
        IpmiResult r = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, "any-password-at-all").cipherSuite(0)
                .allowCipherSuiteZero(true).build()).readStatus(NODE, TIMEOUT);
        assertThat(r.isOk()).as("%s", r).isTrue();
    }

    @Test
    void otherCipherSuitesThisSimulatorSpeaksWork() {
        for (CipherSuite suite : List.of(CipherSuite.SUITE_1, CipherSuite.SUITE_2, CipherSuite.SUITE_3)) {
            IpmiResult r = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, IpmiSimulator.ADMIN_PASSWORD).cipherSuite(suite)
                    .build()).readStatus(NODE, TIMEOUT);
            assertThat(r.isOk()).as("suite %s: %s", suite, r).isTrue();
        }
    }

    @Test
    void failingPowerCallIsABmcErrorAndTheNodeIsUntouched() {
        long pid = powerOn();
        sim.fail(true);

        IpmiResult off = admin().run(NODE, FenceAction.OFF, TIMEOUT);

        assertThat(off.failure()).as("%s", off).isEqualTo(IpmiFailure.BMC_ERROR);
        assertThat(off.result().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(off.result().detail()).startsWith("BMC error: Chassis Control (power down)").contains("0xFF");
        assertThat(off.result().isVerifiedOff()).isFalse();
        assertThat(IpmiSimulator.running(pid)).isTrue();

        sim.fail(false);
        assertThat(admin().run(NODE, FenceAction.OFF, TIMEOUT).result().isVerifiedOff()).isTrue();
    }

    @Test
    void everySessionIsClosedAlsoAfterFailures() {
        IpmiFencer wrong = fencer(LabBmc.bmc(sim, IpmiSimulator.ADMIN, "wrong").build());
        IpmiFencer viewer = fencer(LabBmc.bmc(sim, IpmiSimulator.VIEWER, IpmiSimulator.VIEWER_PASSWORD)
                .privilege(PrivilegeLevel.USER).build());
        // The lab allows 10 sessions per user: leaking one per call would lock admin out within this loop.
        for (int i = 0; i < 4; i++) {
            assertThat(admin().run(NODE, FenceAction.ON, TIMEOUT).isOk()).isTrue();
            assertThat(viewer.run(NODE, FenceAction.OFF, TIMEOUT).failure()).isEqualTo(IpmiFailure.PRIVILEGE_TOO_LOW);
            assertThat(wrong.run(NODE, FenceAction.OFF, TIMEOUT).failure())
                    .isEqualTo(IpmiFailure.AUTHENTICATION_FAILED);
            sim.fail(true);
            assertThat(admin().run(NODE, FenceAction.OFF, TIMEOUT).failure()).isEqualTo(IpmiFailure.BMC_ERROR);
            sim.fail(false);
            assertThat(admin().run(NODE, FenceAction.REBOOT, TIMEOUT).isOk()).isTrue();
        }
        assertThat(sim.ipmitoolActiveSessions()).as("only ipmitool's own session is active").isEqualTo(1);
    }
}
