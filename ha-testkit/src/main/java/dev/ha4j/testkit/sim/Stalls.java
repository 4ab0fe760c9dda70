package dev.ha4j.testkit.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * How the simulated SPIs of the {@link RuntimeSimulator} make their calls: at once, taking the latency the
 * world draws, or, when the endpoint {@link SimulatedWorld#holdsBack holds calls back} (a
 * {@link dev.ha4j.testkit.Fault.Stall}), queued at the endpoint and {@link VirtualScheduler#block blocked} in
 * virtual time until the stall ends and the world carries the call out. Meanwhile the runtime's watchdog for
 * the call fires and answers it as timed out; the real answer comes afterwards and the runtime must ignore it.
 *
 * <p>Confined to the {@link VirtualScheduler}'s driving thread.
 */
final class Stalls {
    /** Told of every call that was held back, when the world carries it out or loses it. */
    interface Listener {
        /**
         * @param call what was called, on what
         * @param queued the call, carried out or lost
         * @param timeoutMs the call's own deadline
         * @param at now
         */
        void done(String call, SimulatedWorld.Queued<?> queued, long timeoutMs, long at);
    }

    final SimulatedWorld world;
    final VirtualScheduler scheduler;
    /** A blocked call gives up (answering as unanswered) when the run is over: no task after this instant. */
    Instant notAfter = Instant.MAX;
    /** A blocked call gives up when this holds (an invariant broke: the run stops). */
    BooleanSupplier abandon = () -> false;
    Listener listener;

    Stalls(SimulatedWorld world, VirtualScheduler scheduler) {
        this.world = world;
        this.scheduler = scheduler;
    }

    /**
     * Makes one call.
     *
     * @param endpoint the world endpoint it goes to
     * @param timeoutMs its deadline
     * @param what its name, for the timeline
     * @param target what it concerns, for the timeline
     * @param op the world operation, given the instant it is carried out
     * @param unanswered the answer of a call that is lost (or still held back when the run ends)
     * @return the answer
     */
    <T> T call(int endpoint, long timeoutMs, String what, Object target, LongFunction<T> op,
            Supplier<T> unanswered) {
        long now = scheduler.nowMillis();
        if (!world.holdsBack(endpoint, now)) {
            T r = op.apply(now);
            scheduler.sleep(Duration.ofMillis(world.lastLatencyMillis()));
            return r;
        }
        SimulatedWorld.Queued<T> q = world.queue(endpoint, now, op, unanswered, listener == null ? null
                : done -> listener.done(target.toString().isEmpty() ? what : what + " " + target, done, timeoutMs,
                        scheduler.nowMillis()));
        scheduler.block(() -> q.done || abandon.getAsBoolean(), notAfter);
        if (!q.done) {
            return unanswered.get();
        }
        scheduler.sleep(Duration.ofMillis(q.latency));
        return q.result;
    }
}
