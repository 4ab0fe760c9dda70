package dev.ha4j.testkit;

import dev.ha4j.core.Notification;
import dev.ha4j.core.engine.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one simulated run: the schedule it ran, the violations found (the run stops at the first),
 * how many engine events it took, how far virtual time went, the final phase, how many notifications of each
 * kind were sent, and the timeline when it was recorded.
 *
 * <p>Immutable and thread-safe.
 *
 * @param schedule the schedule
 * @param violations the violations, empty when every invariant held
 * @param events engine events fed
 * @param virtualTime how long the run lasted in virtual time
 * @param finalPhase the engine's phase at the end
 * @param notifications notifications sent, per kind
 * @param timeline the timeline, when recorded
 */
public record RunResult(FaultSchedule schedule, List<Violation> violations, long events, Duration virtualTime,
        Phase finalPhase, Map<Notification.Kind, Integer> notifications, Optional<Timeline> timeline) {
    /** @throws NullPointerException if an argument is null */
    public RunResult {
        Objects.requireNonNull(schedule, "schedule");
        violations = List.copyOf(violations);
        Objects.requireNonNull(virtualTime, "virtualTime");
        Objects.requireNonNull(finalPhase, "finalPhase");
        notifications = Map.copyOf(notifications);
        Objects.requireNonNull(timeline, "timeline");
    }

    /** @return whether an invariant broke */
    public boolean failed() {
        return !violations.isEmpty();
    }

    /** @return the first violation, if any */
    public Optional<Violation> firstViolation() {
        return violations.isEmpty() ? Optional.empty() : Optional.of(violations.get(0));
    }

    /**
     * @param kind a notification kind
     * @return how many were sent
     */
    public int notified(Notification.Kind kind) {
        return notifications.getOrDefault(kind, 0);
    }
}
