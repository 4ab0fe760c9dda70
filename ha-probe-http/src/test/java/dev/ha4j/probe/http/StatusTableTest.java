package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.ProbeResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTableTest {
    private static ProbeResult classify(StatusTable t, int code, String body) {
        return t.classify(code, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertVerdict(ProbeResult r, HealthStatus s, FailureKind k) {
        assertThat(r.status()).as("%s", r).isEqualTo(s);
        assertThat(r.failure()).as("%s", r).isEqualTo(Optional.ofNullable(k));
    }

    @Test
    void builtInsRoundTripThroughJson() {
        for (StatusTable t : List.of(StatusTable.BITBUCKET, StatusTable.JIRA, StatusTable.CONFLUENCE,
                StatusTable.SPRING_BOOT_ACTUATOR, StatusTable.GENERIC_2XX)) {
            StatusTable back = StatusTable.fromJson(t.toJson());
            assertThat(back).isEqualTo(t);
            assertThat(back.toJson()).isEqualTo(t.toJson());
            assertThat(back.name()).isEqualTo(t.name());
        }
    }

    @Test
    void builtInShapes() {
        assertThat(StatusTable.BITBUCKET.defaultPath()).isEqualTo("/status");
        assertThat(StatusTable.BITBUCKET.stateField()).contains("state");
        assertThat(StatusTable.BITBUCKET.states())
                .containsExactly("RUNNING", "FIRST_RUN", "STARTING", "STOPPING", "MAINTENANCE", "ERROR");
        assertThat(StatusTable.SPRING_BOOT_ACTUATOR.defaultPath()).isEqualTo("/actuator/health");
        assertThat(StatusTable.SPRING_BOOT_ACTUATOR.stateField()).contains("status");
        assertThat(StatusTable.GENERIC_2XX.stateField()).isEmpty();
        assertThat(StatusTable.GENERIC_2XX.toString()).contains("code-only");
    }

    @Test
    void stateIsComparedCaseInsensitivelyAndTrimmed() {
        assertVerdict(classify(StatusTable.BITBUCKET, 200, "{\"state\":\" running \"}"), HealthStatus.HEALTHY, null);
    }

    @Test
    void redirectsAreAlwaysBadResponses() {
        for (StatusTable t : List.of(StatusTable.BITBUCKET, StatusTable.GENERIC_2XX)) {
            ProbeResult r = classify(t, 302, "{\"state\":\"RUNNING\"}");
            assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
            assertThat(r.detail()).contains("redirect");
        }
    }

    @Test
    void detailsNameTheTableAndNeverTheWholeBody() {
        String secretish = "x".repeat(500);
        ProbeResult r = classify(StatusTable.BITBUCKET, 200, "{\"state\":\"" + secretish + "\"}");
        assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).contains("unknown state").contains("bitbucket").hasSizeLessThan(200);
        ProbeResult bad = classify(StatusTable.BITBUCKET, 200, "{\"state\":\"RUNNING\",\"x\":" + secretish + "}");
        assertThat(bad.detail()).doesNotContain(secretish).contains("not valid JSON");
        ProbeResult control = classify(StatusTable.BITBUCKET, 200, "{\"state\":\"RUN\\nNING\\u001b[31m\"}");
        assertThat(control.detail()).doesNotContain("\n").doesNotContain("\u001b");
    }

    @Test
    void mismatchSaysWhatTheTableExpects() {
        ProbeResult r = classify(StatusTable.JIRA, 200, "{\"state\":\"MAINTENANCE\"}");
        assertVerdict(r, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        assertThat(r.detail()).contains("HTTP 200").contains("MAINTENANCE").contains("503");
    }

    @Test
    void nonObjectJsonAndMissingOrNonTextFieldsAreBadResponses() {
        for (String body : List.of("[\"RUNNING\"]", "\"RUNNING\"", "{}", "{\"state\":1}", "{\"state\":null}",
                "{\"state\":{\"x\":1}}", "null")) {
            assertVerdict(classify(StatusTable.BITBUCKET, 200, body), HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        }
    }

    @Test
    void duplicateKeysInTheAnswerAreRejected() {
        assertVerdict(classify(StatusTable.BITBUCKET, 200, "{\"state\":\"ERROR\",\"state\":\"RUNNING\"}"),
                HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
    }

    @Test
    void userTableFromJsonWithPointerAndCodeRules() {
        StatusTable t = StatusTable.fromJson("""
                {
                  "name": "my-app",
                  "path": "/health/deep",
                  "stateField": "/health/state",
                  "states": {
                    "ok":       {"codes": ["2xx"], "status": "HEALTHY"},
                    "db-down":  {"codes": [503], "status": "FAILED", "failure": "DATABASE_DOWN"},
                    "booting":  {"codes": ["500-599", "200"], "status": "STARTING"}
                  },
                  "codes": [
                    {"codes": ["404", "410"], "status": "FAILED", "failure": "START_FAILED", "detail": "not deployed"},
                    {"codes": ["429"], "status": "MAINTENANCE"}
                  ]
                }
                """);
        assertThat(t.defaultPath()).isEqualTo("/health/deep");
        assertVerdict(classify(t, 204, "{\"health\":{\"state\":\"OK\"}}"), HealthStatus.HEALTHY, null);
        assertVerdict(classify(t, 503, "{\"health\":{\"state\":\"db-down\"}}"), HealthStatus.FAILED,
                FailureKind.DATABASE_DOWN);
        assertVerdict(classify(t, 502, "{\"health\":{\"state\":\"booting\"}}"), HealthStatus.STARTING, null);
        ProbeResult gone = classify(t, 410, "");
        assertVerdict(gone, HealthStatus.FAILED, FailureKind.START_FAILED);
        assertThat(gone.detail()).contains("not deployed");
        assertVerdict(classify(t, 429, "slow down"), HealthStatus.MAINTENANCE, null);
        assertVerdict(classify(t, 200, "{\"state\":\"OK\"}"), HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        assertThat(StatusTable.fromJson(t.toJson())).isEqualTo(t);
    }

    @Test
    void builderTableMatchesItsJson() {
        StatusTable built = StatusTable.builder("x").stateField("state")
                .state("UP", HealthStatus.HEALTHY, "200")
                .state("BROKEN", FailureKind.ERROR, "500", "503")
                .code("404,410", FailureKind.START_FAILED, "gone")
                .build();
        assertThat(StatusTable.fromJson(built.toJson())).isEqualTo(built);
        assertVerdict(classify(built, 410, ""), HealthStatus.FAILED, FailureKind.START_FAILED);
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.json");
        Files.writeString(f, StatusTable.JIRA.toJson());
        assertThat(StatusTable.fromJson(f)).isEqualTo(StatusTable.JIRA);
        assertThatThrownBy(() -> StatusTable.fromJson(dir.resolve("nope.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.json");
        Files.writeString(f, "{\"name\":\"x\"}");
        assertThatThrownBy(() -> StatusTable.fromJson(f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.json").hasMessageContaining("empty");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"name\":\"x\",|malformed at line 1",
        "[]|must be an object",
        "{\"stateField\":\"state\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|field 'name' is required",
        "{\"name\":\"bad name!\",\"codes\":[{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}]}|name 'bad name!' is invalid",
        "{\"name\":\"x\",\"extra\":1}|unknown field 'extra'",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\",\"oops\":1}}}|unknown field 'states.A.oops'",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"2zz\"],\"status\":\"HEALTHY\"}}}|code pattern '2zz' is invalid",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"700\"],\"status\":\"HEALTHY\"}}}|HTTP codes run from 100 to 599",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"599-500\"],\"status\":\"HEALTHY\"}}}|is empty",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"302\"],\"status\":\"HEALTHY\"}}}|covers 3xx",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200-399\"],\"status\":\"HEALTHY\"}}}|covers 3xx",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[],\"status\":\"HEALTHY\"}}}|no HTTP codes given",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"status\":\"HEALTHY\"}}}|'states.A.codes' is required",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[true],\"status\":\"HEALTHY\"}}}|holds BOOLEAN",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"FINE\"}}}|'states.A.status' is 'FINE'",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"FAILED\"}}}|status FAILED needs a failure kind",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\",\"failure\":\"ERROR\"}}}|only allowed with status FAILED",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"FAILED\",\"failure\":\"OOPS\"}}}|'states.A.failure' is 'OOPS'",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"UNREACHABLE\",\"failure\":\"NODE_UNREACHABLE\"}}}|UNREACHABLE is not allowed",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"a\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"},\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|declared twice",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"},\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|Duplicate field 'A'",
        "{\"name\":\"x\",\"stateField\":\"s\",\"states\":{}}|no state is declared",
        "{\"name\":\"x\",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|stateField is not set",
        "{\"name\":\"x\"}|the table is empty",
        "{\"name\":\"x\",\"path\":\"status\",\"codes\":[{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}]}|path 'status' is invalid",
        "{\"name\":\"x\",\"path\":\"/a b\",\"codes\":[{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}]}|path '/a b' is invalid",
        "{\"name\":\"x\",\"stateField\":\"  \",\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|stateField '  ' is invalid",
        "{\"name\":\"x\",\"stateField\":7,\"states\":{\"A\":{\"codes\":[\"200\"],\"status\":\"HEALTHY\"}}}|'stateField' must be text",
        "{\"name\":\"x\",\"states\":[],\"stateField\":\"s\"}|'states' must be an object",
        "{\"name\":\"x\",\"codes\":{}}|'codes' must be an array",
        "{\"name\":\"x\",\"codes\":[{\"codes\":[\"200\"],\"status\":\"HEALTHY\",\"detail\":5}]}|'codes[0].detail' must be text",
        "{\"name\":\"x\",\"codes\":[{\"codes\":[\"200\"],\"status\":\"HEALTHY\",\"detail\":\"a\\nb\"}]}|printable"
    })
    void invalidJsonTablesAreRefusedWithClearErrors(String json, String expected) {
        assertThatThrownBy(() -> StatusTable.fromJson(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    private static java.net.http.HttpHeaders headers(String... kv) {
        java.util.Map<String, List<String>> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], List.of(kv[i + 1]));
        }
        return java.net.http.HttpHeaders.of(m, (k, v) -> true);
    }

    private static ProbeResult answer(StatusTable t, int code, String body, boolean complete, boolean healthySeen,
            String... headers) {
        return t.classify(new StatusTable.Answer(code, headers(headers), body.getBytes(StandardCharsets.UTF_8),
                complete, healthySeen));
    }

    @Test
    void untilHealthyAndFromProductOnlyRoundTripThroughJson() {
        for (StatusTable t : List.of(StatusTable.SPRING_BOOT_ACTUATOR, StatusTable.springBootActuatorGroup("ha4j"),
                StatusTable.BITBUCKET)) {
            assertThat(StatusTable.fromJson(t.toJson())).isEqualTo(t);
        }
        assertThat(StatusTable.SPRING_BOOT_ACTUATOR.toJson()).contains("\"untilHealthy\"").contains("\"fromProductOnly\"");
        StatusTable custom = StatusTable.fromJson("""
                {"name": "x", "stateField": "s",
                 "states": {"WAIT": {"codes": ["503"], "status": "MAINTENANCE", "untilHealthy": "STARTING"},
                            "OK": {"codes": ["200"], "status": "HEALTHY"}},
                 "codes": [{"codes": ["404"], "status": "FAILED", "failure": "START_FAILED", "fromProductOnly": true}]}
                """);
        assertVerdict(answer(custom, 503, "{\"s\":\"WAIT\"}", true, false), HealthStatus.STARTING, null);
        assertVerdict(answer(custom, 503, "{\"s\":\"WAIT\"}", true, true), HealthStatus.MAINTENANCE, null);
        assertVerdict(answer(custom, 404, "", true, true), HealthStatus.FAILED, FailureKind.START_FAILED);
        assertVerdict(answer(custom, 404, "<html><center>nginx</center></html>", true, true, "Server", "nginx/1.22.1"),
                HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
    }

    @Test
    void untilHealthyIsValidated() {
        assertThatThrownBy(() -> StatusTable.builder("x").stateField("s").state("A", HealthStatus.HEALTHY, "200")
                .untilHealthy("B", HealthStatus.STARTING).build()).hasMessageContaining("untilHealthy names state B");
        assertThatThrownBy(() -> StatusTable.builder("x").stateField("s").state("A", HealthStatus.MAINTENANCE, "503")
                .untilHealthy("A", HealthStatus.HEALTHY).build()).hasMessageContaining("untilHealthy HEALTHY");
        assertThatThrownBy(() -> StatusTable.springBootActuatorGroup("../x")).hasMessageContaining("health group");
    }

    @Test
    void aPrefixIsJudgedOnlyWhenTheStateFieldIsInIt() {
        StatusTable a = StatusTable.SPRING_BOOT_ACTUATOR;
        assertVerdict(answer(a, 200, "{\"status\":\"UP\",\"components\":{\"db\":{\"sta", false, true),
                HealthStatus.HEALTHY, null);
        // A nested "status" is not the top-level one.
        ProbeResult nested = answer(a, 200, "{\"components\":{\"db\":{\"status\":\"UP\"}},\"x\":\"", false, true);
        assertVerdict(nested, HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        assertThat(nested.detail()).contains("hold no text field 'status'");
        // The value itself cut off.
        assertVerdict(answer(a, 200, "{\"status\":\"U", false, true), HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
        assertVerdict(answer(a, 200, "\u0001\u0002binary", false, true), HealthStatus.FAILED, FailureKind.BAD_RESPONSE);
    }
}
