package dev.ha4j.testkit.builtin;

import dev.ha4j.core.builtin.FencingLevel;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.testkit.compat.FencerContract;
import java.time.Duration;

/** The fencer kit against a two-device {@link FencingLevel} (a node fed by two power supplies). */
class FencingLevelCompatibilityTest extends FencerContract {
    @Override
    protected Fencer newFencer() {
        return FencingLevel.builder().name("pdu").device(new MemoryPowerFeed(true)).device(new MemoryPowerFeed(true))
                .build();
    }

    @Override
    protected Fencer newUnreachableFencer() {
        return FencingLevel.builder().name("pdu").device(new MemoryPowerFeed(false))
                .device(new MemoryPowerFeed(false)).build();
    }

    @Override
    protected Duration unreachableTimeout() {
        return Duration.ofMillis(300);
    }
}
