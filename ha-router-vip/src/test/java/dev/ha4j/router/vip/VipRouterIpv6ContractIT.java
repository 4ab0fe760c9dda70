package dev.ha4j.router.vip;

import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.testkit.compat.RequestRouterContract;
import dev.ha4j.testkit.netns.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's router kit against the real router with an IPv6 VIP in a namespace lab. */
class VipRouterIpv6ContractIT extends RequestRouterContract {
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
        return VipRouter.builder().config(Lab.config(lab, Lab.v6(lab, 0x60), true).build()).build();
    }
}
