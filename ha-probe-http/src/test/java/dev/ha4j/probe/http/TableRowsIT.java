package dev.ha4j.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.support.StatusServer;
import dev.ha4j.probe.http.support.StatusServer.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of every shipped table, served by a real JDK HttpServer on loopback and probed over HTTP. The
 * expected verdicts are written out from the tables, not derived from the implementation.
 */
class TableRowsIT {
    private static final NodeId NODE = NodeId.of("n1");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static StatusServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = StatusServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    record Row(StatusTable table, int code, String body, HealthStatus status, FailureKind kind) {
        @Override
        public String toString() {
            return table.name() + " " + code + " " + body + " -> " + status + (kind == null ? "" : "/" + kind);
        }
    }

    private static Row ok(StatusTable t, int code, String field, String state, HealthStatus s) {
        return new Row(t, code, "{\"" + field + "\":\"" + state + "\"}", s, null);
    }

    private static Row fail(StatusTable t, int code, String body, FailureKind k) {
        return new Row(t, code, body, HealthStatus.FAILED, k);
    }

    private static String st(String field, String state) {
        return "{\"" + field + "\":\"" + state + "\"}";
    }

    static Stream<Arguments> rows() {
        List<Row> r = new ArrayList<>();
        StatusTable bb = StatusTable.BITBUCKET;
        r.add(ok(bb, 200, "state", "RUNNING", HealthStatus.HEALTHY));
        r.add(fail(bb, 500, st("state", "ERROR"), FailureKind.ERROR));
        r.add(fail(bb, 503, st("state", "ERROR"), FailureKind.ERROR));
        r.add(ok(bb, 503, "state", "STARTING", HealthStatus.STARTING));
        r.add(ok(bb, 503, "state", "STOPPING", HealthStatus.STOPPING));
        r.add(ok(bb, 200, "state", "FIRST_RUN", HealthStatus.FIRST_RUN));
        r.add(ok(bb, 200, "state", "MAINTENANCE", HealthStatus.MAINTENANCE));
        r.add(ok(bb, 503, "state", "MAINTENANCE", HealthStatus.MAINTENANCE));
        r.add(fail(bb, 404, "<html>Not Found</html>", FailureKind.START_FAILED));
        r.add(fail(bb, 404, "", FailureKind.START_FAILED));
        // Keyed on state AND code: the right state with the wrong code is not understood.
        r.add(fail(bb, 503, st("state", "RUNNING"), FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, st("state", "STARTING"), FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, st("state", "ERROR"), FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, st("state", "SLEEPING"), FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, "{\"status\":\"RUNNING\"}", FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, "RUNNING", FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 200, "", FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 502, "<html>Bad Gateway</html>", FailureKind.BAD_RESPONSE));
        r.add(fail(bb, 401, "", FailureKind.BAD_RESPONSE));

        for (StatusTable t : List.of(StatusTable.JIRA, StatusTable.CONFLUENCE)) {
            r.add(ok(t, 200, "state", "RUNNING", HealthStatus.HEALTHY));
            r.add(fail(t, 500, st("state", "ERROR"), FailureKind.ERROR));
            r.add(ok(t, 200, "state", "STARTING", HealthStatus.STARTING));
            r.add(ok(t, 200, "state", "STOPPING", HealthStatus.STOPPING));
            r.add(ok(t, 200, "state", "FIRST_RUN", HealthStatus.FIRST_RUN));
            r.add(ok(t, 503, "state", "MAINTENANCE", HealthStatus.MAINTENANCE));
            r.add(fail(t, 200, st("state", "MAINTENANCE"), FailureKind.BAD_RESPONSE));
            r.add(fail(t, 503, st("state", "STARTING"), FailureKind.BAD_RESPONSE));
            r.add(fail(t, 404, "", FailureKind.START_FAILED));
        }

        StatusTable sb = StatusTable.SPRING_BOOT_ACTUATOR;
        r.add(ok(sb, 200, "status", "UP", HealthStatus.HEALTHY));
        r.add(new Row(sb, 200, "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\"}}}",
                HealthStatus.HEALTHY, null));
        r.add(fail(sb, 503, st("status", "DOWN"), FailureKind.ERROR));
        // A fresh probe has not seen the node healthy: OUT_OF_SERVICE is "not ready yet" (ActuatorIT covers after).
        r.add(ok(sb, 503, "status", "OUT_OF_SERVICE", HealthStatus.STARTING));
        r.add(ok(sb, 500, "status", "OUT_OF_SERVICE", HealthStatus.STARTING));
        r.add(fail(sb, 503, st("status", "FATAL"), FailureKind.ERROR));
        r.add(fail(sb, 500, st("status", "FATAL"), FailureKind.ERROR));
        r.add(fail(sb, 200, st("status", "DOWN"), FailureKind.BAD_RESPONSE));
        r.add(fail(sb, 200, st("status", "UNKNOWN"), FailureKind.BAD_RESPONSE));
        r.add(fail(sb, 404, "{\"timestamp\":\"x\",\"status\":404,\"error\":\"Not Found\"}",
                FailureKind.START_FAILED));

        StatusTable g = StatusTable.GENERIC_2XX;
        r.add(new Row(g, 200, "", HealthStatus.HEALTHY, null));
        r.add(new Row(g, 204, "", HealthStatus.HEALTHY, null));
        r.add(new Row(g, 200, "anything at all", HealthStatus.HEALTHY, null));
        r.add(fail(g, 500, "", FailureKind.ERROR));
        r.add(fail(g, 503, "busy", FailureKind.ERROR));
        r.add(fail(g, 404, "", FailureKind.BAD_RESPONSE));
        r.add(fail(g, 418, "", FailureKind.BAD_RESPONSE));
        return r.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void everyRow(Row row) {
        String path = "/row-" + Math.abs(row.toString().hashCode());
        server.answer(path, Answer.of(row.code(), row.body()));
        HttpProbeConfig cfg = HttpProbeConfig.custom().statusTable(row.table()).path(path).build();
        try (HttpHealthProbe probe = HttpHealthProbe.builder().config(cfg).node(NODE, server.base()).build()) {
            ProbeResult r = probe.probe(NODE, TIMEOUT);
            assertThat(r.status()).as("%s: %s", row, r).isEqualTo(row.status());
            assertThat(r.failure()).as("%s: %s", row, r).isEqualTo(Optional.ofNullable(row.kind()));
            assertThat(r.latency()).isPositive().isLessThan(TIMEOUT);
            assertThat(r.detail()).contains("HTTP " + row.code());
        }
    }
}
