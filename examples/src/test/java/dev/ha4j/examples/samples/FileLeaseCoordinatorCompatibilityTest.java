package dev.ha4j.examples.samples;

import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.testkit.compat.CoordinatorContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file-lease sample against the real file system. */
class FileLeaseCoordinatorCompatibilityTest extends CoordinatorContract {
    @TempDir
    Path dir;
    private int n;

    @Override
    protected Coordinator newCoordinator() {
        return new FileLeaseCoordinator(dir.resolve("lease-" + n++));
    }

    /** A lease file in a folder that does not exist, as on an unmounted share. */
    @Override
    protected Coordinator newUnreachableCoordinator() {
        return new FileLeaseCoordinator(dir.resolve("not-mounted/lease"));
    }
}
