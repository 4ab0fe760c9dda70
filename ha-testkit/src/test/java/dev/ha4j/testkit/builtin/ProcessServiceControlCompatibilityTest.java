package dev.ha4j.testkit.builtin;

import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.builtin.ProcessServiceControl;
import dev.ha4j.core.spi.ServiceControl;
import dev.ha4j.testkit.compat.ServiceControlContract;

/** A local process has no "unreachable node", so that part of the kit is skipped. */
class ProcessServiceControlCompatibilityTest extends ServiceControlContract {
    @Override
    protected ServiceControl newServiceControl() {
        return ProcessServiceControl.builder().node(node(), CommandSpec.of("sleep", "60")).build();
    }

    @Override
    protected ServiceControl newStubbornServiceControl() {
        return ProcessServiceControl.builder()
                .node(node(), CommandSpec.of("sh", "-c", "trap '' TERM; sleep 60; true"))
                .build();
    }
}
