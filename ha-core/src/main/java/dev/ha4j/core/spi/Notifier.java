package dev.ha4j.core.spi;

import dev.ha4j.core.Notification;

/**
 * Tells the operator: a mail, a chat message, a pager. Called on a worker thread; a slow notifier never
 * delays a failover. Implementations must be thread-safe and must not throw for delivery failures.
 */
@FunctionalInterface
public interface Notifier {
    /**
     * @param notification what to tell
     */
    void notify(Notification notification);
}
