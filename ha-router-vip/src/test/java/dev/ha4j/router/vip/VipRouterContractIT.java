package dev.ha4j.router.vip;

import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.testkit.compat.RequestRouterContract;
import dev.ha4j.testkit.netns.NetnsLab;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's router kit against the real router in a namespace lab; the unreachable router's nodes are gone. */
class VipRouterContractIT extends RequestRouterContract {
    private static NetnsLab lab;

    @BeforeAll
    static void startLab() {
        Lab.requirePrerequisites();
        lab = NetnsLab.builder().build().start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Override
    protected dev.ha4j.core.NodeId a() {
        return Lab.A;
    }

    @Override
    protected dev.ha4j.core.NodeId b() {
        return Lab.B;
    }

    @Override
    protected RequestRouter newRouter() {
        return VipRouter.builder().config(Lab.config(lab, Lab.v4(lab, 60), false).build()).build();
    }

    @Override
    protected RequestRouter newUnreachableRouter() {
        VipRouterConfig cfg = VipRouterConfig.custom().vip(Lab.v4(lab, 61))
                .node(VipNode.of(Lab.A, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("a") + "-gone")))
                .node(VipNode.of(Lab.B, NetnsLab.INTERFACE, CommandRunner.inNetns(lab.namespace("b") + "-gone")))
                .build();
        return VipRouter.builder().config(cfg).build();
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(5);
    }
}
