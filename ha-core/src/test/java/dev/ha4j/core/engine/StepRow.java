package dev.ha4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One row of a step table: how to reach the state just before the answer ({@code before}), the one event that
 * is delivered, and what the engine must do with it — the commands it sends (as {@link StepDriver#render} writes
 * them, all of them, in order), the phase and plan afterwards and the key words of its reason.
 */
final class StepRow {
    /** Delivers the one event of a row. */
    interface Deliver extends Function<StepDriver, Transition> {
    }

    /**
     * What a row expects.
     *
     * @param commands every command sent, rendered and joined with ", " (empty: none)
     * @param phase the phase afterwards
     * @param plan the plan afterwards as {@link StepDriver#render(java.util.Optional)} writes it ("-": none)
     * @param reason words the reason must contain, in any order
     * @param more further checks of the state afterwards
     */
    record Expect(String commands, Phase phase, String plan, List<String> reason, Consumer<ClusterState> more) {
        Expect and(Consumer<ClusterState> check) {
            return new Expect(commands, phase, plan, reason, more.andThen(check));
        }

        @Override
        public String toString() {
            return (commands.isEmpty() ? "(nothing)" : commands) + " / " + phase + " / " + plan;
        }
    }

    private final Supplier<StepDriver> before;
    private final Deliver deliver;
    private final Expect expect;

    private StepRow(Supplier<StepDriver> before, Deliver deliver, Expect expect) {
        this.before = before;
        this.deliver = deliver;
        this.expect = expect;
    }

    static Expect expect(String commands, Phase phase, String plan, String... reason) {
        return new Expect(commands, phase, plan, List.of(reason), s -> { });
    }

    /** A row: the step (with the plan kind when it matters), the answer, and the rest. */
    static Arguments row(String step, String answer, Supplier<StepDriver> before, Deliver deliver, Expect expect) {
        return Arguments.of(step, answer, expect, new StepRow(before, deliver, expect));
    }

    /** Delivers {@code a} as the answer to the pending command. */
    static Deliver answer(StepDriver.Answer a) {
        return d -> d.answer(a);
    }

    /** Reaches the state, delivers the event and checks everything the row expects. */
    void check() {
        StepDriver d = before.get();
        ClusterState was = d.state;
        Transition t = deliver.apply(d);
        assertThat(StepDriver.render(t.commands(), d.now)).as("commands (reason: %s)", t.reason())
                .isEqualTo(expect.commands());
        assertThat(t.state().phase()).as("phase (reason: %s)", t.reason()).isEqualTo(expect.phase());
        assertThat(StepDriver.render(t.state().plan())).as("plan (reason: %s; before: %s)", t.reason(),
                StepDriver.render(was.plan())).isEqualTo(expect.plan());
        assertThat(t.reason()).as("reason").contains(expect.reason());
        expect.more().accept(t.state());
    }
}
