package dev.ha4j.testkit.builtin;

import dev.ha4j.core.Lease;
import dev.ha4j.core.builtin.InMemoryCoordinator;
import dev.ha4j.core.spi.Coordinator;
import dev.ha4j.testkit.compat.CoordinatorContract;

class InMemoryCoordinatorCompatibilityTest extends CoordinatorContract {
    @Override
    protected Coordinator newCoordinator() {
        return InMemoryCoordinator.builder().build();
    }

    @Override
    protected boolean loseLease(Coordinator c, Lease lease) {
        ((InMemoryCoordinator) c).revoke("compatibility test");
        return true;
    }
}
