package dev.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Reaction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {
    @Test
    void readsAFullDocument() {
        ClusterConfig c = ConfigJson.read("""
                {"cluster": "stash", "nodes": ["stash-a", "stash-b"],
                 "policy": {"restartLimit": 3, "restartWindow": "30m", "failuresBeforeAction": 3,
                            "probeInterval": "PT20S", "probeTimeout": "5s", "stopTimeout": "90s",
                            "fencingLevels": ["ipmi", "pdu"], "fencingDelays": {"stash-a": "10s"},
                            "failureTable": {"ERROR": "failover"}}}
                """);
        assertThat(c.name()).isEqualTo("stash");
        assertThat(c.nodes()).containsExactly(NodeId.of("stash-a"), NodeId.of("stash-b"));
        Policy p = c.policy();
        assertThat(p.restartLimit()).isEqualTo(3);
        assertThat(p.restartWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.probeInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.stopTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.fencingLevels()).containsExactly("ipmi", "pdu");
        assertThat(p.fencingDelay(NodeId.of("stash-a"))).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.reactionTo(FailureKind.ERROR)).isEqualTo(Reaction.FAILOVER);
        assertThat(p.reactionTo(FailureKind.CRASHED)).isEqualTo(Reaction.RESTART);
    }

    @Test
    void writeThenReadIsTheSame() {
        ClusterConfig c = ClusterConfig.custom().name("x").nodes("a", "b")
                .policy(Policy.custom().restarts(1, Duration.ofMinutes(5)).fencingLevels(List.of("ipmi"))
                        .fencingDelay(NodeId.of("b"), Duration.ofSeconds(3)).build()).build();
        ClusterConfig back = ConfigJson.read(ConfigJson.write(c));
        assertThat(back.policy()).isEqualTo(c.policy());
        assertThat(back.nodes()).isEqualTo(c.nodes());
        assertThat(back.name()).isEqualTo("x");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"probeIntervall\": \"1s\"}}"))
                .hasMessageContaining("unknown field 'policy.probeIntervall'");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"probeInterval\": \"soon\"}}"))
                .hasMessageContaining("policy.probeInterval 'soon' is not a duration");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"restartLimit\": \"2\"}}"))
                .hasMessageContaining("policy.restartLimit must be a whole number");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"failureTable\": {\"FIRE\": \"RESTART\"}}}"))
                .hasMessageContaining("'FIRE' is not one of");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"probeTimeout\": \"20s\"}}"))
                .hasMessageContaining("policy.probeTimeout '20s' must be shorter than policy.probeInterval");
        assertThatThrownBy(() -> ConfigJson.read("{\"cluster\": \"x\"}")).hasMessageContaining("nodes must be an array");
        assertThatThrownBy(() -> ConfigJson.read("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ConfigJson.read("{nodes")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a b\"]}")).hasMessageContaining("node name 'a b'");
    }

    @Test
    void durationsInBothForms() {
        assertThat(ConfigJson.parseDuration("500ms", "f")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigJson.parseDuration("2m", "f")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigJson.parseDuration("1d", "f")).isEqualTo(Duration.ofDays(1));
        assertThat(ConfigJson.parseDuration("PT1H30M", "f")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void readsAndWritesRecheckStandbyAndFailoverBudget() {
        ClusterConfig c = ConfigJson.read("""
                {"nodes": ["a", "b"], "policy": {"recheckInterval": "1s", "standbyProbeInterval": "2m",
                 "maxFailovers": 2, "failoverWindow": "30m"}}
                """);
        Policy p = c.policy();
        assertThat(p.recheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.standbyProbeInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.maxFailovers()).isEqualTo(2);
        assertThat(p.failoverWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(ConfigJson.read(ConfigJson.write(c)).policy()).isEqualTo(p);
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\"], \"policy\": {\"maxFailovers\": 0}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFailovers 0");
    }

    private static String policy(String fields) {
        return "{\"nodes\": [\"a\", \"b\"], \"policy\": {" + fields + "}}";
    }

    @Test
    void hugeDurationsAreRefusedNamingTheFieldNotAnArithmeticOrNumberFormatException() {
        assertThatThrownBy(() -> ConfigJson.read(policy("\"startupGrace\": \"9223372036854775807h\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.startupGrace '9223372036854775807h' is too long");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"leaseTimeout\": \"99999999999999999999s\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.leaseTimeout '99999999999999999999s' is too long");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"restartWindow\": \"400000000000d\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.restartWindow '400000000000d' is too long");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"probeInterval\": \"9223372036854775807s\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.probeInterval '9223372036854775807s' is too long");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"probeInterval\": \"PT9999999999999999H\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.probeInterval 'PT9999999999999999H' is too long");
        // Within the generic bound, but too long for a deadline of one operation.
        assertThatThrownBy(() -> ConfigJson.read(policy("\"leaseTimeout\": \"30d\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.leaseTimeout '30d' is too long: at most PT24H");
    }

    @Test
    void theWorstCaseTakeoverSumCannotOverflow() {
        String allMax = "\"startTimeout\": \"1d\", \"stopTimeout\": \"1d\", \"killTimeout\": \"1d\","
                + " \"confirmTimeout\": \"1d\", \"fenceTimeout\": \"1d\", \"leaseTimeout\": \"1d\","
                + " \"replicaTimeout\": \"1d\", \"routeTimeout\": \"1d\", \"failoverBudget\": \"366d\","
                + " \"fencingLevels\": [\"l1\",\"l2\",\"l3\",\"l4\",\"l5\",\"l6\",\"l7\",\"l8\","
                + "\"l9\",\"l10\",\"l11\",\"l12\",\"l13\",\"l14\",\"l15\",\"l16\"],"
                + " \"fencingDelays\": {\"a\": \"1d\"}";
        assertThat(ConfigJson.read(policy(allMax)).policy().worstCaseTakeover()).isEqualTo(Duration.ofDays(26));
        assertThatThrownBy(() -> Policy.custom().fencingLevels(java.util.Collections.nCopies(1 << 20, "x")).build())
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("fencingLevels has");
    }

    @Test
    void negativeDurationsSayMustBePositiveAndAreEchoedAsWritten() {
        assertThatThrownBy(() -> ConfigJson.read(policy("\"probeInterval\": \"-5s\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.probeInterval '-5s' must be positive");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"stopTimeout\": \"-PT5S\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.stopTimeout '-PT5S' must be positive");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"fencingDelays\": {\"a\": \"-1s\"}")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy.fencingDelays.a '-1s' must not be negative");
    }

    @Test
    void duplicateKeysAndTrailingContentAreRefused() {
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\":[\"a\",\"b\"]} {\"nodes\":[\"x\"]}"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON")
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\":[\"a\"], \"nodes\":[\"x\"]}"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate field 'nodes'");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"probeInterval\": \"5s\", \"probeInterval\": \"20s\"")))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Duplicate field 'probeInterval'");
    }

    @Test
    void errorsOfNestedFieldsIncludeTheirPath() {
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\", \"b c\"]}"))
                .hasMessageContaining("nodes[1]").hasMessageContaining("'b c'");
        assertThatThrownBy(() -> ConfigJson.read("{\"nodes\": [\"a\", \"a\"]}"))
                .hasMessageContaining("nodes[1] 'a' is listed twice");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"fencingLevels\": [\"ok\", \"bad level\"]")))
                .hasMessageContaining("policy.fencingLevels[1] 'bad level' is invalid");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"fencingDelays\": {\"zz\": \"1s\"}")))
                .hasMessageContaining("policy.fencingDelays.zz");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"failureTable\": {\"DATABASE_DOWN\": \"RESTART\"}")))
                .hasMessageContaining("policy.failureTable.DATABASE_DOWN RESTART is unsafe");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"restartLimit\": 5000")))
                .hasMessageContaining("policy.restartLimit 5000 is too large");
        assertThatThrownBy(() -> ConfigJson.read(policy("\"probeInterval\": \"PT0.0000001S\"")))
                .hasMessageContaining("policy.probeInterval 'PT0.0000001S' is too short");
        assertThatThrownBy(() -> ConfigJson.read((String) null)).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigJson.read("")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a JSON object");
    }
}
