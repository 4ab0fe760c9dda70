package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FencingLevelTest {
    private static final NodeId B = NodeId.of("bob");
    private static final Duration T = Duration.ofSeconds(2);

    /** A power feed: on or off, whose answers a test can replace. */
    static final class Feed implements Fencer {
        final String name;
        volatile PowerState state = PowerState.ON;
        volatile Function<FenceAction, FenceResult> answer;
        final List<String> log;

        Feed(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
            log.add(name + " " + action);
            if (answer != null) {
                return answer.apply(action);
            }
            state = action == FenceAction.OFF ? PowerState.OFF : PowerState.ON;
            return FenceResult.ok(state, name + " " + state);
        }

        @Override
        public PowerState status(NodeId node, Duration timeout) {
            return state;
        }
    }

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Feed a = new Feed("pdu-a", log);
    private final Feed b = new Feed("pdu-b", log);
    private final FencingLevel level = FencingLevel.builder().name("pdu").device(a).device(b).build();

    @Test
    void offSucceedsOnlyWhenEveryDeviceReadsBackOff() {
        FenceResult r = level.fence(B, FenceAction.OFF, T);
        assertThat(r.isVerifiedOff()).as(r.toString()).isTrue();
        assertThat(log).containsExactly("pdu-a OFF", "pdu-b OFF");
        assertThat(level.status(B, T)).isEqualTo(PowerState.OFF);
    }

    @Test
    void oneDeviceThatDoesNotReadBackOffFailsTheLevel() {
        b.answer = action -> FenceResult.ok(PowerState.ON, "claims success, reads ON");
        FenceResult r = level.fence(B, FenceAction.OFF, T);
        assertThat(r.isVerifiedOff()).isFalse();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.powerState()).as("one feed on keeps the node on").isEqualTo(PowerState.ON);
        assertThat(r.detail()).contains("pdu#2", "already done: pdu#1");
        assertThat(level.status(B, T)).isEqualTo(PowerState.ON);
    }

    @Test
    void theFirstFailureStopsTheLevelAndKeepsItsOutcome() {
        a.answer = action -> FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "BMC silent");
        FenceResult r = level.fence(B, FenceAction.OFF, T);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.detail()).contains("pdu#1", "BMC silent");
        assertThat(log).containsExactly("pdu-a OFF");
    }

    @Test
    void nullAndExceptionsAreFailedDevices() {
        b.answer = action -> null;
        assertThat(level.fence(B, FenceAction.OFF, T).outcome()).isEqualTo(Outcome.FAILED);
        b.answer = action -> {
            throw new IllegalStateException("socket closed");
        };
        FenceResult r = level.fence(B, FenceAction.OFF, T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("socket closed");
    }

    @Test
    void rebootTurnsEveryDeviceOffBeforeAnyIsTurnedOn() {
        FenceResult r = level.fence(B, FenceAction.REBOOT, T);
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.powerState()).isEqualTo(PowerState.ON);
        assertThat(log).containsExactly("pdu-a OFF", "pdu-b OFF", "pdu-a ON", "pdu-b ON");
    }

    @Test
    void rebootStopsWhenOffIsNotVerified() {
        b.answer = action -> FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "no");
        FenceResult r = level.fence(B, FenceAction.REBOOT, T);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(log).containsExactly("pdu-a OFF", "pdu-b OFF");
    }

    @Test
    void statusIsOffOnlyWhenAllAreOffAndOnWhenAnyIsOn() {
        a.state = PowerState.OFF;
        b.state = PowerState.UNKNOWN;
        assertThat(level.status(B, T)).isEqualTo(PowerState.UNKNOWN);
        b.state = PowerState.ON;
        assertThat(level.status(B, T)).isEqualTo(PowerState.ON);
        b.state = PowerState.OFF;
        assertThat(level.status(B, T)).isEqualTo(PowerState.OFF);
    }

    @Test
    void devicesShareOneDeadline() {
        AtomicLong now = new AtomicLong();
        FencingLevel timed = FencingLevel.builder().name("pdu").device(a).device(b).ticker(now::get).build();
        a.answer = action -> {
            now.addAndGet(T.toNanos());
            return FenceResult.ok(PowerState.OFF, "off, slowly");
        };
        FenceResult r = timed.fence(B, FenceAction.OFF, T);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.detail()).contains("before pdu#2 was asked");
        assertThat(log).containsExactly("pdu-a OFF");
    }

    @Test
    void builderNamesTheFieldItRefuses() {
        assertThatThrownBy(() -> FencingLevel.builder().device(a).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> FencingLevel.builder().name("ipmi").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device");
        assertThat(level.toString()).isEqualTo("FencingLevel[pdu, 2 device(s)]");
    }
}
