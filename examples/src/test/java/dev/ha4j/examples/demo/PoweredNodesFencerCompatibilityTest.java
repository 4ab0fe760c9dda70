package dev.ha4j.examples.demo;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.builtin.ProcessServiceControl;
import dev.ha4j.core.spi.Fencer;
import dev.ha4j.testkit.compat.FencerContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The demo's simulated power fencer keeps the rules every {@link Fencer} must keep, over a real process
 * ({@code sleep}) that powering off must kill and verify gone.
 */
class PoweredNodesFencerCompatibilityTest extends FencerContract {
    private final List<ProcessServiceControl> controls = new ArrayList<>();

    @Override
    protected Fencer newFencer() {
        ProcessServiceControl control = ProcessServiceControl.builder()
                .node(node(), CommandSpec.of("sleep", "1000")).build();
        controls.add(control);
        control.start(node(), Epoch.of(1), Duration.ofSeconds(2));
        return new PoweredNodes(control).fencer();
    }

    /** A node whose power switch does not answer. */
    @Override
    protected Fencer newUnreachableFencer() {
        PoweredNodes nodes = new PoweredNodes(ProcessServiceControl.builder()
                .node(node(), CommandSpec.of("sleep", "1000")).build());
        nodes.cutSwitch(node());
        return nodes.fencer();
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(2);
    }

    @AfterEach
    void killProcesses() {
        for (ProcessServiceControl c : controls) {
            c.kill(node(), Duration.ofSeconds(5));
        }
    }
}
