package dev.ha4j.testkit.junit;

import dev.ha4j.testkit.Simulation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test method as a property of a failover policy checked by simulation. The method takes a
 * {@link PolicyCheck} parameter, which hands out {@link Simulation} builders preset with this annotation's
 * values and the command that replays a failure:
 *
 * <pre>{@code
 * @PolicyProperty(schedules = 2_000)
 * void myPolicyIsSafe(PolicyCheck check) {
 *     check.of(myConfig).check();
 * }
 * }</pre>
 *
 * <p>{@code -Dha4j.schedules=N} overrides {@link #schedules()}; {@code -Dha4j.seed=S} reruns one schedule;
 * {@code -Dha4j.schedule=FILE} replays a saved one.
 */
@Documented
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Test
@Tag("ha4j-simulation")
@ExtendWith(HaSimulationExtension.class)
public @interface PolicyProperty {
    /** @return how many schedules to check (default 1,000) */
    int schedules() default 1_000;

    /** @return the seed of the first schedule */
    long baseSeed() default Simulation.DEFAULT_BASE_SEED;

    /** @return the fewest engine events per schedule */
    int minEvents() default 50;
}
