package dev.ha4j.testkit.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The one skip-or-fail rule, both ways, and the loopback peers it ships with. */
class PrerequisitesTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(Prerequisites.REQUIRED_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Prerequisites.REQUIRED_PROPERTY);
        } else {
            System.setProperty(Prerequisites.REQUIRED_PROPERTY, saved);
        }
    }

    @Test
    void aMissingPrerequisiteSkipsLocallyAndFailsWhenRequired() {
        System.clearProperty(Prerequisites.REQUIRED_PROPERTY);
        assertThatCode(() -> Prerequisites.require(true, "there")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Prerequisites.require(false, "apt-get install -y foo"))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("apt-get install -y foo");
        System.setProperty(Prerequisites.REQUIRED_PROPERTY, "1");
        assertThat(Prerequisites.required()).isTrue();
        assertThatThrownBy(() -> Prerequisites.require(false, "apt-get install -y foo"))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("apt-get install -y foo");
        System.setProperty(Prerequisites.REQUIRED_PROPERTY, "0");
        assertThat(Prerequisites.required()).isFalse();
    }

    @Test
    void onPathFindsAShellAndRefusesPaths() {
        assertThat(Prerequisites.onPath("sh")).isTrue();
        assertThat(Prerequisites.onPath("no-such-binary-ha4j")).isFalse();
        assertThatThrownBy(() -> Prerequisites.onPath("/bin/sh")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/bin/sh");
    }

    @Test
    void loopbackPeersRefuseAcceptAndHang() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        int closed = LoopbackPeers.closedPort();
        assertThatThrownBy(() -> new Socket(lo, closed).close()).isInstanceOf(java.net.ConnectException.class);
        try (LoopbackPeers.AcceptingListener l = LoopbackPeers.accepting(); Socket s = new Socket(lo, l.port())) {
            assertThat(s.isConnected()).isTrue();
        }
        try (LoopbackPeers.BacklogFullListener l = LoopbackPeers.backlogFull(); Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress(lo, l.port()), 300))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }
}
