package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ha4j.core.Epoch;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Notification;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;

class LoggingNotifierTest {
    private static final Notification BLOCKED = new Notification(Instant.EPOCH, Notification.Kind.BLOCKED,
            Optional.of(NodeId.of("alice")), Epoch.of(7), "fence failed, start nothing");

    // slf4j-simple has no MDC; a real adapter shows what the notifier puts there
    private final BasicMDCAdapter mdc = new BasicMDCAdapter();

    @AfterEach
    void clearMdc() {
        mdc.clear();
    }

    @Test
    void logsWithMdcKeysAndRestoresThem() {
        Logger logger = mock(Logger.class);
        when(logger.getName()).thenReturn("test");
        AtomicReference<Map<String, String>> mdcDuringLog = new AtomicReference<>();
        doAnswer(inv -> {
            mdcDuringLog.set(new HashMap<>(mdc.getCopyOfContextMap()));
            return null;
        }).when(logger).error(anyString(), any(Object.class));
        mdc.put("node", "outer");
        LoggingNotifier n = LoggingNotifier.builder().cluster("prod").logger(logger).mdcAdapter(mdc).build();
        n.notify(BLOCKED);
        verify(logger).error("{}", BLOCKED);
        assertThat(mdcDuringLog.get()).containsEntry("cluster", "prod").containsEntry("node", "alice")
                .containsEntry("epoch", "7");
        assertThat(mdc.get("node")).isEqualTo("outer");
        assertThat(mdc.get("cluster")).isNull();
        assertThat(mdc.get("epoch")).isNull();
        assertThat(n.toString()).contains("test", "prod");
    }

    @Test
    void levelsFollowTheKind() {
        Logger logger = mock(Logger.class);
        LoggingNotifier n = LoggingNotifier.builder().logger(logger).build();
        Notification failover = new Notification(Instant.EPOCH, Notification.Kind.FAILOVER_STARTED,
                Optional.empty(), Epoch.NONE, "x");
        Notification restarted = new Notification(Instant.EPOCH, Notification.Kind.RESTARTED, Optional.empty(),
                Epoch.NONE, "y");
        n.notify(failover);
        n.notify(restarted);
        verify(logger).warn("{}", failover);
        verify(logger).info("{}", restarted);
    }

    @Test
    void neverThrows() {
        Logger logger = mock(Logger.class);
        doThrow(new IllegalStateException("appender broken")).when(logger).error(anyString(), any(Object.class));
        LoggingNotifier n = LoggingNotifier.builder().logger(logger).mdcAdapter(mdc).build();
        assertThatCode(() -> n.notify(BLOCKED)).doesNotThrowAnyException();
        assertThatCode(() -> n.notify(null)).doesNotThrowAnyException();
        assertThat(mdc.get("cluster")).isNull();
        assertThatCode(() -> LoggingNotifier.builder().build().notify(BLOCKED)).doesNotThrowAnyException();
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> LoggingNotifier.builder().cluster("a\nb").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster");
        assertThatThrownBy(() -> LoggingNotifier.builder().cluster(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster");
    }
}
