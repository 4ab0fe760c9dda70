package dev.ha4j.core.runtime;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed listener registration for a runtime's {@link RuntimeEvent}s, in the style of Resilience4j's event
 * publishers. Listeners run on the runtime's event loop: they must be quick and must not block; an exception
 * from a listener is logged and does not affect the runtime or other listeners.
 *
 * <p>Thread-safe.
 */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private final List<Consumer<RuntimeEvent>> listeners = new CopyOnWriteArrayList<>();

    EventPublisher() {
    }

    /**
     * Registers a listener told of every event.
     *
     * @param listener told of every event
     * @return this publisher
     */
    public EventPublisher onEvent(Consumer<RuntimeEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Registers a listener told of every decision.
     *
     * @param listener told of every decision
     * @return this publisher
     */
    public EventPublisher onDecision(Consumer<RuntimeEvent.DecisionMade> listener) {
        return on(RuntimeEvent.DecisionMade.class, listener);
    }

    /**
     * Registers a listener told of every finished command.
     *
     * @param listener told of every finished command
     * @return this publisher
     */
    public EventPublisher onCommandFinished(Consumer<RuntimeEvent.CommandFinished> listener) {
        return on(RuntimeEvent.CommandFinished.class, listener);
    }

    /**
     * Registers a listener told of every notification.
     *
     * @param listener told of every notification
     * @return this publisher
     */
    public EventPublisher onNotification(Consumer<RuntimeEvent.NotificationSent> listener) {
        return on(RuntimeEvent.NotificationSent.class, listener);
    }

    private <T extends RuntimeEvent> EventPublisher on(Class<T> type, Consumer<T> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(e -> {
            if (type.isInstance(e)) {
                listener.accept(type.cast(e));
            }
        });
        return this;
    }

    void publish(RuntimeEvent e) {
        for (Consumer<RuntimeEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (Throwable ex) {
                // A listener runs on the event loop: whatever it throws, even an Error, must not stop the loop.
                LOG.warn("a runtime listener failed on {}", e.getClass().getSimpleName(), ex);
            }
        }
    }
}
