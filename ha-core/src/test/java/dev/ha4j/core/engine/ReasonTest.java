package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasons render their template with their arguments, nested reasons included, and refuse a wrong arity. */
class ReasonTest {
    @Test
    void rendersArgumentsAndNestedClauses() {
        Reason r = Reason.of(Reason.Code.ADOPTING, NodeId.of("a"),
                Reason.of(Reason.Code.STATE_UNKNOWN_ON, List.of(NodeId.of("b"))));
        assertThat(r.text()).isEqualTo("observed the service running on a, state unknown on [b]: adopting it");
        assertThat(Reason.of(Reason.Code.ADOPTING, NodeId.of("a"), Reason.NONE).text())
                .isEqualTo("observed the service running on a: adopting it");
        assertThat(r.args()).containsExactly("a", Reason.of(Reason.Code.STATE_UNKNOWN_ON, "[b]"));
    }

    @Test
    void aBlockRendersItsCause() {
        Reason cause = Reason.of(Reason.Code.PROMOTE_FAILED, "b", "FAILED: no");
        assertThat(Reason.of(Reason.Code.BLOCKED, cause).text()).isEqualTo("BLOCKED: promoting the replicas on b"
                + " failed: FAILED: no");
    }

    @Test
    void joinsLikeTheEngineAlwaysDid() {
        assertThat(Reason.join(List.of())).isEqualTo("no change");
        assertThat(Reason.join(List.of(Reason.of(Reason.Code.PROBING, "a"), Reason.of(Reason.Code.ROUTED, "a"))))
                .isEqualTo("probing a; requests routed to a");
    }

    @Test
    void nullRendersAsConcatenationDid() {
        assertThat(Reason.of(Reason.Code.PROBING, (Object) null).text()).isEqualTo("probing null");
    }

    @Test
    void refusesTheWrongNumberOfArgumentsOrTypes() {
        assertThatThrownBy(() -> Reason.of(Reason.Code.PROBING)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PROBING takes 1");
        assertThatThrownBy(() -> new Reason(Reason.Code.PROBING, List.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTemplateNumbersItsArgumentsWithoutGaps() {
        for (Reason.Code c : Reason.Code.values()) {
            for (int i = 0; i < c.arity(); i++) {
                assertThat(c.template()).as(c.name()).contains("{" + i + "}");
            }
        }
    }
}
