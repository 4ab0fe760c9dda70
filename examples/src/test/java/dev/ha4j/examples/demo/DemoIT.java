package dev.ha4j.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the README's demo end to end: real processes, real HTTP probes, a real loopback router. */
class DemoIT {
    @Test
    void theDemoPlaysItsWholeScriptAndPasses() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
                System.out.write(b);
            }
        }, true, StandardCharsets.UTF_8);
        int rc = Demo.run(tee);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("RESTARTED a", "FAILOVER_COMPLETED b", "FENCED b", "FAILOVER_COMPLETED a", "BLOCKED", "demo passed: all ");
    }
}
