package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class HttpProbeConfigTest {
    @Test
    void defaults() {
        HttpProbeConfig c = HttpProbeConfig.ofDefaults();
        assertThat(c.statusTable()).isSameAs(StatusTable.BITBUCKET);
        assertThat(c.path()).isEqualTo("/status");
        assertThat(c.maxBodyBytes()).isEqualTo(64 * 1024);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.recommendedInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.recommendedTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.authScheme()).isEqualTo("none");
        assertThat(c.authorizationHeader()).isEmpty();
        assertThat(c.trustStore()).isEmpty();
        assertThat(c.sslContext()).isEmpty();
    }

    @Test
    void pathFollowsTheTableUnlessSet() {
        assertThat(HttpProbeConfig.custom().statusTable(StatusTable.SPRING_BOOT_ACTUATOR).build().path())
                .isEqualTo("/actuator/health");
        assertThat(HttpProbeConfig.custom().statusTable(StatusTable.SPRING_BOOT_ACTUATOR).path("/manage/health")
                .build().path()).isEqualTo("/manage/health");
    }

    @Test
    void theRecommendationsBuildAValidPolicyTogether() {
        HttpProbeConfig c = HttpProbeConfig.ofDefaults();
        dev.ha4j.core.config.Policy p = dev.ha4j.core.config.Policy.custom().probeInterval(c.recommendedInterval())
                .probeTimeout(c.recommendedTimeout())
                .firstProbeTimeout(HttpProbeConfig.RECOMMENDED_FIRST_PROBE_TIMEOUT).build();
        assertThat(p.probeTimeout()).isEqualTo(Duration.ofSeconds(10));
        // The connect phase must end before the probe's deadline, or a slow connect looks like a hung server.
        assertThat(c.connectTimeout()).isLessThan(c.recommendedTimeout());
        assertThat(java.util.Arrays.stream(HttpProbeConfig.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("firstCheckTimeout", "timeoutFor");
    }

    @Test
    void authorizationHeaders() {
        HttpProbeConfig basic = HttpProbeConfig.custom().basicAuth("mon", Secret.of("pä:ss")).build();
        assertThat(basic.authorizationHeader()).contains("Basic " + Base64.getEncoder()
                .encodeToString("mon:pä:ss".getBytes(StandardCharsets.UTF_8)));
        HttpProbeConfig bearer = HttpProbeConfig.custom().bearerToken(Secret.of("abc.DEF-123_~+/=")).build();
        assertThat(bearer.authorizationHeader()).contains("Bearer abc.DEF-123_~+/=");
        assertThat(bearer.toBuilder().noAuth().build().authorizationHeader()).isEmpty();
    }

    @Test
    void toStringHidesSecrets() {
        String s = HttpProbeConfig.custom().basicAuth("mon", Secret.of("hunter2-xyz")).build().toString();
        assertThat(s).contains("auth=basic").contains("user=mon").doesNotContain("hunter2-xyz");
        String b = HttpProbeConfig.custom().bearerToken(Secret.of("tok-9876")).build().toString();
        assertThat(b).contains("auth=bearer").doesNotContain("tok-9876");
    }

    @Test
    void toBuilderCopies() throws Exception {
        HttpProbeConfig c = HttpProbeConfig.custom().statusTable(StatusTable.JIRA).maxBodyBytes(4096)
                .connectTimeout(Duration.ofSeconds(2)).userAgent("x/1")
                .bearerToken(Secret.of("t")).sslContext(SSLContext.getDefault()).build();
        HttpProbeConfig d = c.toBuilder().build();
        assertThat(d.toString()).isEqualTo(c.toString());
        assertThat(d.authorizationHeader()).isEqualTo(c.authorizationHeader());
        assertThat(d.sslContext()).containsSame(c.sslContext().orElseThrow());
    }

    @Test
    void validationNamesFieldValueAndRule() {
        assertThatThrownBy(() -> HttpProbeConfig.custom().maxBodyBytes(10).build())
                .hasMessage("maxBodyBytes 10 is invalid: must be between 1024 and 16777216");
        assertThatThrownBy(() -> HttpProbeConfig.custom().connectTimeout(Duration.ZERO).build())
                .hasMessageContaining("connectTimeout PT0S is invalid");
        assertThatThrownBy(() -> HttpProbeConfig.custom().connectTimeout(Duration.ofHours(2)).build())
                .hasMessageContaining("connectTimeout PT2H is invalid");
        assertThatThrownBy(() -> HttpProbeConfig.custom().path("status").build())
                .hasMessageContaining("path 'status' is invalid");
        assertThatThrownBy(() -> HttpProbeConfig.custom().userAgent("a\nb").build())
                .hasMessageContaining("userAgent");
        assertThatThrownBy(() -> HttpProbeConfig.custom().basicAuth("a:b", Secret.of("x")).build())
                .hasMessageContaining("basicAuth user 'a:b' is invalid");
        assertThatThrownBy(() -> HttpProbeConfig.custom().sslContext(SSLContext.getDefault())
                .trustStore(java.nio.file.Path.of("x.p12"), null).build())
                .hasMessageContaining("choose one");
    }
}
