package dev.ha4j.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ha4j.testkit.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresPairIT {
    @BeforeAll
    static void needsPostgres() {
        Prerequisites.require(PostgresPair.available(), PostgresPair.unavailableReason());
    }

    @Test
    void standbyStreamsWhatThePrimaryWritesAndCloseRemovesEverything() throws Exception {
        Path base;
        long pidA;
        long pidB;
        try (PostgresPair pg = PostgresPair.builder().synchronous(true).start()) {
            base = pg.baseDirectory();
            pg.awaitStandbyStreaming(Duration.ofSeconds(60));
            pg.primary().execute("create table kit(id int)");
            pg.primary().execute("insert into kit values (1), (2)");
            // synchronous_commit=on waits for the flush, not the replay: poll the standby briefly
            long n = 0;
            for (int i = 0; i < 100 && n < 2; i++) {
                n = pg.standby().queryLong("select count(*) from pg_class where relname = 'kit'") == 0
                        ? 0 : pg.standby().queryLong("select count(*) from kit");
                Thread.sleep(50);
            }
            assertThat(n).isEqualTo(2);
            assertThat(pg.primary().isPrimary()).isTrue();
            assertThat(pg.standby().isPrimary()).isFalse();
            pidA = pg.primary().pid().orElseThrow();
            pidB = pg.standby().pid().orElseThrow();
            assertThat(pg.toString()).doesNotContain(pg.password());
        }
        assertThat(Files.exists(base)).isFalse();
        assertThat(Tools.alive(pidA)).isFalse();
        assertThat(Tools.alive(pidB)).isFalse();
    }

    @Test
    void killStopsThePostmasterAndItsChildren() throws Exception {
        try (PostgresPair pg = PostgresPair.builder().start()) {
            long pid = pg.primary().pid().orElseThrow();
            pg.primary().kill();
            assertThat(Tools.alive(pid)).isFalse();
            assertThat(pg.primary().isRunning()).isFalse();
        }
    }
}
