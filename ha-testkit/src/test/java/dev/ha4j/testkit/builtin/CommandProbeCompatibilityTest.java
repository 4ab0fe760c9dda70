package dev.ha4j.testkit.builtin;

import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Secret;
import dev.ha4j.core.builtin.CommandProbe;
import dev.ha4j.core.builtin.CommandSpec;
import dev.ha4j.core.spi.HealthProbe;
import dev.ha4j.testkit.compat.HealthProbeContract;
import java.util.EnumSet;
import java.util.Set;

class CommandProbeCompatibilityTest extends HealthProbeContract {
    private static final String TOKEN = "cmd-probe-s3cret";

    private static HealthProbe probe(String script) {
        return CommandProbe.builder()
                .defaultCommand(CommandSpec.builder("sh", "-c", script, "sh", "{node}")
                        .secretEnvironment("TOKEN", Secret.of(TOKEN))
                        .build())
                .build();
    }

    @Override
    protected HealthProbe newHealthyProbe() {
        return probe("test \"$1\" = node-1 && test -n \"$TOKEN\"");
    }

    @Override
    protected HealthProbe newDownProbe() {
        return probe("echo not running; exit 7");
    }

    @Override
    protected HealthProbe newHangingProbe() {
        return probe("exec sleep 60");
    }

    @Override
    protected Set<FailureKind> expectedDownKinds() {
        return EnumSet.of(FailureKind.CRASHED);
    }

    @Override
    protected Set<FailureKind> expectedHangingKinds() {
        return EnumSet.of(FailureKind.HUNG, FailureKind.NODE_UNREACHABLE);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }
}
