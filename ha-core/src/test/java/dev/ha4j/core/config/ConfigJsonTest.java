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
                .hasMessageContaining("probeTimeout PT20S must be shorter than probeInterval");
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
}
