package dev.ha4j.examples.vip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VipMoveExampleIT {
    @Test
    void exampleMovesTheVipAndTheClientFollows() {
        Prerequisites.require(VipMoveExample.cannotRun().isEmpty(), VipMoveExample.cannotRun().orElse(""));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean ok = VipMoveExample.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(ok).as(out).isTrue();
        assertThat(out).contains("reached node-b").contains("currentTarget: node-a");
    }
}
