package dev.ha4j.fencing.ipmi;

import dev.ha4j.fencing.ipmi.sim.LabBmc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import dev.ha4j.fencing.ipmi.sim.Prerequisites;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A BMC that stalls, and a BMC killed in the middle of a session, each on a real {@code ipmi_sim}. */
class IpmiFaultsIT {
    private static final NodeId NODE = NodeId.of("node-1");
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
            sim.delay(0);
            sim.fail(false);
        }
    }

    private static IpmiFencer fencer() {
        return LabBmc.fencer(sim, NODE);
    }

    @Test
    void stalledBmcTimesOutByTheDeadlineAndTheSessionIsClosedAfterwards() {
        assertThat(fencer().run(NODE, FenceAction.ON, Duration.ofSeconds(5)).isOk()).isTrue();
        sim.delay(2);

        IpmiResult off = fencer().run(NODE, FenceAction.OFF, Duration.ofSeconds(1));

        assertThat(off.failure()).as("%s", off).isEqualTo(IpmiFailure.TIMED_OUT);
        assertThat(off.result().outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(off.result().isVerifiedOff()).isFalse();
        assertThat(off.result().detail()).contains("Chassis Control (power down)");
        // by the deadline, Close Session included (the stalled BMC answers nothing); slack for scheduling only
        assertThat(off.elapsed()).isBetween(Duration.ofMillis(990), Duration.ofMillis(1080));

        sim.delay(0);
        // The simulator works off the stalled call and our retransmissions, then answers again.
        IpmiResult later = fencer().run(NODE, FenceAction.OFF, Duration.ofSeconds(10));
        assertThat(later.result().isVerifiedOff()).as("%s", later).isTrue();
        assertThat(sim.ipmitoolActiveSessions()).as("the stalled session was closed too").isEqualTo(1);
    }

    @Test
    void bmcKilledMidSessionFailsFastAndANewSessionWorksAfterRestart() throws Exception {
        assertThat(fencer().run(NODE, FenceAction.ON, Duration.ofSeconds(5)).isOk()).isTrue();
        sim.delay(3);
        int calls = sim.chassisLog().size();
        CompletableFuture<IpmiResult> off = CompletableFuture.supplyAsync(
                () -> fencer().run(NODE, FenceAction.OFF, Duration.ofSeconds(20)));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sim.chassisLog().size() == calls && System.nanoTime() < end) {
            LabBmc.pause(5);
        }
        assertThat(sim.chassisLog().size()).as("our request reached the stalled BMC").isGreaterThan(calls);
        long killed = System.nanoTime();
        sim.kill();

        IpmiResult r = off.get(10, TimeUnit.SECONDS);
        Duration afterKill = Duration.ofNanos(System.nanoTime() - killed);

        assertThat(r.failure()).as("%s", r).isEqualTo(IpmiFailure.BMC_UNREACHABLE);
        assertThat(r.result().detail()).contains("ICMP port unreachable");
        assertThat(afterKill).as("fails at the next retransmission, not at the 20 s deadline")
                .isLessThan(Duration.ofMillis(2000));

        sim.delay(0);
        sim.restart();
        IpmiResult again = fencer().run(NODE, FenceAction.OFF, Duration.ofSeconds(5));
        assertThat(again.result().isVerifiedOff()).as("%s", again).isTrue();
        assertThat(sim.ipmitoolPowerStatus()).isEqualTo(PowerState.OFF);
    }
}
