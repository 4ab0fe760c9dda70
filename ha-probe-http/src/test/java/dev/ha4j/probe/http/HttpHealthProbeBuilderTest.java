package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpHealthProbeBuilderTest {
    @Test
    void easyForASetOfLoopbackNodes() {
        try (HttpHealthProbe p = HttpHealthProbe.builder().config(HttpProbeConfig.ofDefaults()).nodes(Map.of(
                NodeId.of("b"), URI.create("http://127.0.0.1:8002"),
                NodeId.of("a"), URI.create("http://127.0.0.1:8001/"))).build()) {
            assertThat(p.nodes()).containsExactly(NodeId.of("a"), NodeId.of("b"));
            assertThat(p.statusUri(NodeId.of("a"))).contains(URI.create("http://127.0.0.1:8001/status"));
            assertThat(p.statusUri(NodeId.of("c"))).isEmpty();
            assertThat(p.httpClient().followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
            assertThat(p.httpClient().version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(p.toString()).contains("2 nodes");
        }
        try (HttpHealthProbe p = HttpHealthProbe.builder().node("n1", "https://host.example/bitbucket").build()) {
            assertThat(p.statusUri(NodeId.of("n1"))).contains(URI.create("https://host.example/bitbucket/status"));
        }
    }

    @Test
    void refusesBadBaseUris() {
        for (String bad : new String[] {"ftp://h/", "h:7990", "/status", "http://h/?q=1", "http://h/#f",
            "mailto:x@y"}) {
            assertThatThrownBy(() -> HttpHealthProbe.builder().node(NodeId.of("n"), URI.create(bad)).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node n");
        }
        assertThatThrownBy(() -> HttpHealthProbe.builder().build()).hasMessageContaining("nodes is empty");
    }

    @Test
    void refusesASharedClientThatFollowsRedirects() {
        HttpClient follows = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> HttpHealthProbe.builder().httpClient(follows)
                .node("n", "http://127.0.0.1:1").build()).hasMessageContaining("follows redirects");
    }

    @Test
    void callerErrorsAreExceptionsNotVerdicts() {
        HttpHealthProbe p = HttpHealthProbe.builder().node("n", "http://127.0.0.1:1").build();
        assertThatThrownBy(() -> p.probe(NodeId.of("other"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> p.probe(NodeId.of("n"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        p.close();
        p.close();
        assertThatThrownBy(() -> p.probeAsync(NodeId.of("n"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
