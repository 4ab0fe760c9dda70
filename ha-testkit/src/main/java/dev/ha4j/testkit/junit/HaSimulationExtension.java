package dev.ha4j.testkit.junit;

import dev.ha4j.testkit.Simulation;
import dev.ha4j.testkit.SimulationFailure;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The JUnit 5 extension behind {@link PolicyProperty}: resolves a {@link PolicyCheck} parameter and prints a
 * {@link SimulationFailure} (seed, replay command, shrunk schedule, timeline) to standard error, so that it
 * shows in a console even where reports trim messages. Usable on its own with
 * {@code @ExtendWith(HaSimulationExtension.class)}; without the annotation the defaults apply.
 *
 * <p>Stateless and thread-safe.
 */
public final class HaSimulationExtension implements ParameterResolver, TestExecutionExceptionHandler {
    /** Creates the extension; JUnit does this. */
    public HaSimulationExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == PolicyCheck.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) throws ParameterResolutionException {
        Method m = c.getRequiredTestMethod();
        PolicyProperty a = m.getAnnotation(PolicyProperty.class);
        int schedules = a == null ? 1_000 : a.schedules();
        long base = a == null ? Simulation.DEFAULT_BASE_SEED : a.baseSeed();
        int minEvents = a == null ? 50 : a.minEvents();
        String replay = "mvn test -Dtest=" + c.getRequiredTestClass().getName() + "#" + m.getName();
        return new PolicyCheck(schedules, base, minEvents, replay);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext c, Throwable t) throws Throwable {
        if (t instanceof SimulationFailure f) {
            System.err.println(f.getMessage());
        }
        throw t;
    }
}
