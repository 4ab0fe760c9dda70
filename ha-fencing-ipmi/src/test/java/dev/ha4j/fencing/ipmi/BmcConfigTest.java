package dev.ha4j.fencing.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation of the configuration and the masking of secrets in it. */
class BmcConfigTest {
    private static BmcConfig.Builder valid() {
        return BmcConfig.custom().host("10.0.0.11").user("admin").password(Secret.of("t0p-secret"));
    }

    @Test
    void defaultsAreSuite3AdministratorPort623() {
        BmcConfig c = valid().build();
        assertThat(c.cipherSuite()).isEqualTo(CipherSuite.SUITE_3);
        assertThat(c.privilege()).isEqualTo(PrivilegeLevel.ADMINISTRATOR);
        assertThat(c.port()).isEqualTo(623);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.bmcKey()).isEmpty();
    }

    @Test
    void cipherSuiteZeroIsRefusedUnlessExplicitlyAllowed() {
        assertThatThrownBy(() -> valid().cipherSuite(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cipherSuite 0 is refused").hasMessageContaining("allowCipherSuiteZero");
        assertThat(valid().cipherSuite(0).allowCipherSuiteZero(true).build().cipherSuite())
                .isEqualTo(CipherSuite.SUITE_0);
    }

    @Test
    void unsupportedSuitesAreNamed() {
        assertThatThrownBy(() -> valid().cipherSuite(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cipherSuite 7 is not supported");
        assertThat(CipherSuite.of(17).integrityAlgorithm()).isEqualTo(4);
    }

    @Test
    void invalidValuesNameFieldValueAndRule() {
        assertThatThrownBy(() -> valid().host("bad host;rm").build()).hasMessageContaining("host 'bad host;rm'");
        assertThatThrownBy(() -> valid().host(null).build()).hasMessageContaining("host 'null'");
        assertThatThrownBy(() -> valid().port(0).build()).hasMessageContaining("port 0")
                .hasMessageContaining("1-65535");
        assertThatThrownBy(() -> valid().user("a-user-name-longer-than-16").build())
                .hasMessageContaining("at most 16");
        assertThatThrownBy(() -> valid().user(null).build()).hasMessageContaining("user is null");
        assertThatThrownBy(() -> valid().password(null).build()).hasMessageContaining("password is null");
        assertThatThrownBy(() -> valid().password(Secret.of("123456789012345678901")).build())
                .hasMessageContaining("password (literal) is too long").hasMessageNotContaining("12345678901");
        assertThatThrownBy(() -> valid().connectTimeout(Duration.ZERO).build())
                .hasMessageContaining("connectTimeout PT0S");
        assertThatThrownBy(() -> valid().retransmitInterval(Duration.ofSeconds(5)).build())
                .hasMessageContaining("retransmitInterval PT5S is longer than connectTimeout");
        assertThatThrownBy(() -> valid().privilege(null).build()).hasMessageContaining("privilege is null");
    }

    @Test
    void fencerConfigNeedsANodeAndOneBmcPerNode() {
        assertThatThrownBy(() -> IpmiFencerConfig.custom().build()).hasMessageContaining("bmcs is empty");
        IpmiFencerConfig.Builder b = IpmiFencerConfig.custom().bmc(NodeId.of("a"), valid().build());
        assertThatThrownBy(() -> b.bmc(NodeId.of("a"), valid().build())).hasMessageContaining("'a' already has");
    }

    @Test
    void toStringNeverShowsPasswordOrKey() {
        BmcConfig c = valid().bmcKey(Secret.of("kg-secret")).build();
        IpmiFencer f = IpmiFencer.builder().config(IpmiFencerConfig.custom().bmc(NodeId.of("a"), c).build()).build();
        for (Object o : new Object[] {c, f, f.config()}) {
            assertThat(o.toString()).doesNotContain("t0p-secret").doesNotContain("kg-secret").contains("******")
                    .contains("10.0.0.11");
        }
    }
}
