package com.example.stash;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ha4j.core.engine.Transition;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the README promises a user's project gets from its POM snippet and its tour. */
class StashHaTest {
    @Test
    void theToursPolicyTestNeedsNoThreadsAndNoClock() {
        Transition t = StashHa.testYourPolicy(StashHa.describe());
        // A restarted manager assumes nothing: its first decision observes, and says why.
        assertFalse(t.reason().isBlank());
        assertFalse(t.commands().isEmpty(), t.commands().toString());
    }

    @Test
    void theSnippetsBindingReceivesHa4jsLogs() {
        // Without a binding SLF4J 2 falls back to its NOP factory and LoggingNotifier writes nowhere.
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        assertFalse(factory.contains("NOP"), factory);
    }
}
