package dev.ha4j.probe.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodePatternTest {
    @Test
    void forms() {
        assertThat(CodePattern.parse("200").matches(200)).isTrue();
        assertThat(CodePattern.parse("200").matches(201)).isFalse();
        assertThat(CodePattern.parse("2XX").matches(299)).isTrue();
        assertThat(CodePattern.parse("2xx").matches(300)).isFalse();
        assertThat(CodePattern.parse(" 500-502 ").matches(502)).isTrue();
        assertThat(CodePattern.parse("500-502").matches(503)).isFalse();
        assertThat(CodePattern.parse("2XX").toString()).isEqualTo("2xx");
        assertThat(CodePattern.parse("2xx")).isEqualTo(CodePattern.parse("200-299"));
        assertThat(CodePattern.parse("399-400").overlapsRedirects()).isTrue();
        assertThat(CodePattern.parse("4xx").overlapsRedirects()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "20", "2000", "6xx", "0xx", "099", "600", "abc", "200-", "-200", "300-200", "2x0"})
    void refused(String text) {
        assertThatThrownBy(() -> CodePattern.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text.trim() + "'");
    }
}
