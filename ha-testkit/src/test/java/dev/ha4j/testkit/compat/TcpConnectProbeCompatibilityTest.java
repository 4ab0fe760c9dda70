package dev.ha4j.testkit.compat;

import dev.ha4j.testkit.peers.LoopbackPeers;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.builtin.TcpConnectProbe;
import dev.ha4j.core.spi.HealthProbe;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * For a connect-only probe a peer that "accepts and never answers" looks healthy, so the hanging peer here is a
 * listener whose accept queue is full: the kernel drops the SYN and the connect itself can only end by the
 * deadline, which is what the deadline and interrupt rules need.
 */
class TcpConnectProbeCompatibilityTest extends HealthProbeContract {
    private final List<AutoCloseable> peers = new ArrayList<>();

    @AfterEach
    void closePeers() throws Exception {
        for (AutoCloseable p : peers) {
            p.close();
        }
    }

    private HealthProbe probe(int port) {
        return TcpConnectProbe.builder().target(node(), "127.0.0.1", port).build();
    }

    @Override
    protected HealthProbe newHealthyProbe() throws Exception {
        LoopbackPeers.AcceptingListener l = LoopbackPeers.accepting();
        peers.add(l);
        return probe(l.port());
    }

    @Override
    protected HealthProbe newDownProbe() throws Exception {
        return probe(LoopbackPeers.closedPort());
    }

    @Override
    protected HealthProbe newHangingProbe() throws Exception {
        LoopbackPeers.BacklogFullListener l = LoopbackPeers.backlogFull();
        peers.add(l);
        return probe(l.port());
    }

    @Override
    protected Set<FailureKind> expectedDownKinds() {
        return EnumSet.of(FailureKind.CRASHED);
    }

    @Override
    protected Set<FailureKind> expectedHangingKinds() {
        return EnumSet.of(FailureKind.NODE_UNREACHABLE);
    }
}
