package dev.ha4j.testkit.builtin;

import dev.ha4j.core.Lease;
import dev.ha4j.core.builtin.FileCoordinator;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.testkit.compat.CoordinatorContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class FileCoordinatorCompatibilityTest extends CoordinatorContract {
    @TempDir
    Path dir;
    private final AtomicInteger n = new AtomicInteger();

    @Override
    protected Coordinator newCoordinator() {
        return FileCoordinator.open(dir.resolve("coordinator-" + n.incrementAndGet() + ".json"));
    }

    @Override
    protected boolean loseLease(Coordinator c, Lease lease) {
        ((FileCoordinator) c).revoke("compatibility test");
        return true;
    }
}
