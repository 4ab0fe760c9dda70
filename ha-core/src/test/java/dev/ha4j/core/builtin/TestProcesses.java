package dev.ha4j.core.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers every pid a test learns of and kills it (by pid) at the end, even when the test fails.
 *
 * <p>Not thread-safe; one per test.
 */
final class TestProcesses implements AutoCloseable {
    // handles, not bare pids: a handle carries the start time, so a reused pid is never killed by mistake
    private final List<ProcessHandle> handles = new ArrayList<>();

    /** Remembers {@code pid} for clean-up; returns it. */
    long track(long pid) {
        ProcessHandle.of(pid).ifPresent(handles::add);
        return pid;
    }

    /** Remembers {@code pid} and its current descendants for clean-up; returns the descendants' pids. */
    List<Long> trackTree(long pid) {
        track(pid);
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> out.add(track(d.pid()))));
        return out;
    }

    /** Waits up to 5 s for a file written by a child to hold a pid, and tracks it. */
    long pidFrom(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                    return track(Long.parseLong(s));
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no pid in " + file);
    }

    /** Whether the process can never run again (gone, or a zombie). */
    static boolean gone(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isEmpty() || ProcessTree.isGone(h.get());
    }

    /** Asserts that {@code pid} is gone within {@code max}. */
    static void assertGoneWithin(long pid, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!gone(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(gone(pid)).as("process %d gone within %s", pid, max).isTrue();
    }

    /** Waits until {@code pid} is a zombie; false if it did not become one within {@code max}. */
    static boolean becomesZombie(long pid, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessTree.stateLetter(pid) == 'Z') {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Override
    public void close() {
        for (ProcessHandle h : handles) {
            h.destroyForcibly();
        }
        handles.clear();
    }
}
