package dev.ha4j.router.vip;

import static dev.ha4j.router.vip.Lab.A;
import static dev.ha4j.router.vip.Lab.B;
import static dev.ha4j.router.vip.Lab.PORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.OpResult;
import dev.ha4j.core.Outcome;
import dev.ha4j.testkit.netns.LabClient;
import dev.ha4j.testkit.netns.NetnsLab;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node namespaces that vanish during a move: a clear failure or a noted release failure, never a hang. */
class VipRouterVanishIT {
    private static final Duration T = Duration.ofSeconds(5);
    private NetnsLab lab;

    @BeforeAll
    static void prerequisites() {
        Lab.requirePrerequisites();
    }

    @BeforeEach
    void startLab() {
        lab = NetnsLab.builder().build().start();
    }

    @AfterEach
    void stopLab() {
        lab.close();
    }

    /** The target's namespace disappears between the duplicate check and {@code ip addr add}. */
    @Test
    void targetVanishingMidMoveFailsClearlyWithinTheDeadline() {
        AtomicBoolean vanished = new AtomicBoolean();
        CommandRunner real = CommandRunner.inNetns(lab.namespace("b"));
        CommandRunner vanishing = (command, timeout) -> {
            if (command.contains("add") && vanished.compareAndSet(false, true)) {
                lab.removeNamespace(lab.namespace("b"));
            }
            return real.run(command, timeout);
        };
        VipRouterConfig cfg = VipRouterConfig.custom().vip(Lab.v4(lab, 70))
                .node(VipNode.of(A, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("a"))))
                .node(VipNode.of(B, NetnsLab.INTERFACE, vanishing))
                .build();
        try (VipRouter r = VipRouter.builder().config(cfg).build()) {
            assertThat(r.route(A, Epoch.of(1), T).isOk()).isTrue();
            long t0 = System.nanoTime();
            OpResult res = r.route(B, Epoch.of(2), T);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(vanished).isTrue();
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.FAILED);
            assertThat(res.detail()).contains("cannot add vip").contains("node-b").contains("addr add")
                    .contains("Cannot open network namespace");
            assertThat(ms).as("returned within its deadline").isLessThan(T.toMillis() + 1000);
            // b is gone and a released the address: nobody holds it, and b cannot be asked, so: unknown
            assertThat(r.currentTarget(T)).isEmpty();
            assertThat(lab.ipOutput(lab.namespace("a"), "-o", "-4", "addr", "show")).doesNotContain("10.200.0.70");
        }
    }

    /** The old node vanished (it crashed and was fenced): the move still succeeds and says what it could not do. */
    @Test
    void oldNodeVanishedTheMoveSucceedsAndTheClientFollows() {
        lab.startHttpServer("b", PORT, "node-b");
        LabClient client = lab.startClient();
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, Lab.v4(lab, 71), false).build()).build()) {
            assertThat(r.route(A, Epoch.of(1), T).isOk()).isTrue();
            lab.removeNamespace(lab.namespace("a"));
            client.startAwait(lab.spareIpv4(71), PORT, "node-b", Duration.ofSeconds(3));
            OpResult res = r.route(B, Epoch.of(2), T);
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.OK);
            assertThat(res.detail()).contains("could not release it from node-a")
                    .contains("Cannot open network namespace");
            assertThat(client.awaitResult(T).reached()).isTrue();
            assertThat(r.currentTarget(T)).as("a cannot be asked: unknown").isEmpty();
            OpResult un = r.unroute(A, T);
            assertThat(un.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(un.detail()).contains("node-a").contains("exited");
        }
    }

    /**
     * The manager lost contact with the old node, which still holds the address and answers on the wire: the
     * release fails, and the duplicate check refuses the claim naming the old node's MAC instead of doubling it.
     */
    @Test
    void anUnreachableOldNodeThatStillAnswersIsNotDoubled() {
        String vip = Lab.v4(lab, 73);
        try (VipRouter r = VipRouter.builder().config(Lab.config(lab, vip, false).build()).build()) {
            assertThat(r.route(A, Epoch.of(1), T).isOk()).isTrue();
        }
        VipRouterConfig lostContact = VipRouterConfig.custom().vip(vip)
                .node(VipNode.of(A, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("a") + "-unreachable")))
                .node(VipNode.of(B, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("b"))))
                .build();
        try (VipRouter r = VipRouter.builder().config(lostContact).build()) {
            OpResult res = r.route(B, Epoch.of(2), T);
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.REFUSED);
            assertThat(res.detail()).contains(lab.mac("a")).contains("could not release it from node-a");
            assertThat(lab.ipOutput(lab.namespace("b"), "-o", "-4", "addr", "show")).doesNotContain("10.200.0.73");
        }
    }

    /** A command that hangs (an SSH session to a frozen node) is killed at the deadline: TIMED_OUT, no hang. */
    @Test
    void aHangingNodeTimesOutWithinTheDeadline() {
        CommandRunner hanging = (command, timeout) -> CommandRunner.local().run(List.of("sleep", "30"), timeout);
        VipRouterConfig cfg = VipRouterConfig.custom().vip(Lab.v4(lab, 72))
                .node(VipNode.of(A, NetnsLab.INTERFACE, hanging))
                .commandTimeout(Duration.ofSeconds(10))
                .build();
        try (VipRouter r = VipRouter.builder().config(cfg).build()) {
            long t0 = System.nanoTime();
            OpResult res = r.route(A, Epoch.of(1), Duration.ofMillis(800));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(res.outcome()).as(res.toString()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(res.detail()).contains("sleep 30");
            assertThat(ms).isLessThan(800 + 1500);
        }
    }
}
