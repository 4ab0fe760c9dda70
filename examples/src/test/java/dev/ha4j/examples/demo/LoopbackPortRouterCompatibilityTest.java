package dev.ha4j.examples.demo;

import dev.ha4j.core.spi.RequestRouter;
import dev.ha4j.testkit.compat.RequestRouterContract;
import java.util.Map;

/** The demo's router keeps the rules every {@link RequestRouter} must keep. */
class LoopbackPortRouterCompatibilityTest extends RequestRouterContract {
    @Override
    protected RequestRouter newRouter() throws Exception {
        // Routing decisions need no listening upstream: ports only matter when a client connects.
        return new LoopbackPortRouter(0, Map.of(a(), 1, b(), 2));
    }
}
