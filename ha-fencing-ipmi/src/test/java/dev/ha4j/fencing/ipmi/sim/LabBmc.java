package dev.ha4j.fencing.ipmi.sim;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import dev.ha4j.fencing.ipmi.BmcConfig;
import dev.ha4j.fencing.ipmi.IpmiFencer;
import dev.ha4j.fencing.ipmi.IpmiFencerConfig;
import dev.ha4j.testkit.ipmi.IpmiSimulator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The fencer's side of the lab BMC: configurations and fencers pointed at an {@link IpmiSimulator}. They stay
 * in the fencer's test sources because ha-testkit-ipmi must not depend on the fencer. Stateless.
 */
public final class LabBmc {
    private LabBmc() {
    }

    /**
     * Starts a BMC configuration for the simulator, to be finished by the caller.
     *
     * @param sim the simulator
     * @param user a lab user
     * @param password its password (or a wrong one)
     * @return a builder with host, port, user, password and a 2 s connect timeout
     */
    public static BmcConfig.Builder bmc(IpmiSimulator sim, String user, String password) {
        return BmcConfig.custom().host(IpmiSimulator.HOST).port(sim.port()).user(user).password(Secret.of(password))
                .connectTimeout(Duration.ofSeconds(2));
    }

    /**
     * Builds a fencer that logs in to the simulator as admin with cipher suite 3.
     *
     * @param sim the simulator
     * @param node the node behind that BMC
     * @return the fencer
     */
    public static IpmiFencer fencer(IpmiSimulator sim, NodeId node) {
        return IpmiFencer.builder().config(IpmiFencerConfig.custom()
                .bmc(node, bmc(sim, IpmiSimulator.ADMIN, IpmiSimulator.ADMIN_PASSWORD).build()).build()).build();
    }

    /**
     * Pauses a test thread while it polls the simulator's files (test code only).
     *
     * @param millis how long
     * @throws IllegalStateException if the thread is interrupted; the flag stays set
     */
    public static void pause(long millis) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted");
        }
    }
}
