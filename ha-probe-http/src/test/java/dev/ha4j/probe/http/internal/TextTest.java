package dev.ha4j.probe.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void printableCutsAndMasksControls() {
        assertThat(Text.printable("a\nb\u0007c", 10)).isEqualTo("a?b?c");
        assertThat(Text.printable("abcdef", 3)).isEqualTo("abc...");
        assertThat(Text.printable(null, 3)).isEqualTo("null");
    }

    @Test
    void durations() {
        assertThat(Text.duration(Duration.ofMillis(750))).isEqualTo("750ms");
        assertThat(Text.duration(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Text.duration(Duration.ofMillis(1500))).isEqualTo("1.500s");
        assertThat(Text.duration(Duration.ofNanos(5000))).isEqualTo("5us");
    }

    @Test
    void safeUriDropsCredentialsAndQuery() {
        assertThat(Text.safeUri("https://user:pw@host:8443/login?token=abc#f")).isEqualTo("https://host:8443/login?...");
        assertThat(Text.safeUri("/maintenance.html")).isEqualTo("/maintenance.html");
        assertThat(Text.safeUri(null)).contains("no Location");
        assertThat(Text.safeUri("http://[bad")).contains("malformed");
    }

    @Test
    void hostPortFillsDefaultPorts() {
        assertThat(Text.hostPort(URI.create("http://h/x"))).isEqualTo("h:80");
        assertThat(Text.hostPort(URI.create("https://h/x"))).isEqualTo("h:443");
        assertThat(Text.hostPort(URI.create("http://h:7990/x"))).isEqualTo("h:7990");
    }
}
