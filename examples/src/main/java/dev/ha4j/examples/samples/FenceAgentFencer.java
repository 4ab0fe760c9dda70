package dev.ha4j.examples.samples;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.Secret;
import dev.ha4j.core.spi.Fencer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Sample {@link Fencer} over a fence agent of the fence-agents project ({@code fence_ipmilan}, {@code fence_apc},
 * …) or anything that speaks its protocol: options as {@code key=value} lines on standard input (so the password
 * never appears on a command line), {@code action=off|on|reboot|status}, {@code plug=<node>}; for
 * {@code status} exit code 0 means on and 2 means off. An agent's "off" is trusted only after {@code status}
 * reads back off. An agent that overruns the deadline is killed with its process tree.
 *
 * <p>Thread-safe: every call runs its own agent process.
 */
public final class FenceAgentFencer implements Fencer {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:@-]{1,255}");

    private final Path agent;
    private final Map<String, String> options;
    private final Secret password;

    /**
     * Creates a fencer.
     *
     * @param agent the fence agent's executable
     * @param options the agent's other options, e.g. {@code ip} and {@code username}
     * @param password the agent's password, passed on standard input only
     * @throws IllegalArgumentException if an option name or value contains anything but letters, digits and
     *     {@code _./:@-}
     */
    public FenceAgentFencer(Path agent, Map<String, String> options, Secret password) {
        options.forEach((k, v) -> {
            if (!SAFE.matcher(k).matches() || !SAFE.matcher(v).matches()) {
                throw new IllegalArgumentException("option " + k + "=" + v + " must match " + SAFE.pattern());
            }
        });
        this.agent = agent;
        this.options = Map.copyOf(options);
        this.password = password;
    }

    /** The agent's exit code, or -1 when it did not finish in time. */
    private int run(String action, NodeId node, long deadline) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(agent.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            StringBuilder b = new StringBuilder("action=" + action + "\nplug=" + node.name() + "\n");
            options.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
            in.write(b.toString().getBytes(StandardCharsets.UTF_8));
            in.write(("password=" + password.revealAsString() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // an agent that exits without reading its input: its exit code tells
        }
        try {
            if (p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return p.exitValue();
            }
            return -1;
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            String verb = switch (action) {
                case OFF -> "off";
                case ON -> "on";
                case REBOOT -> "reboot";
            };
            int rc = run(verb, node, deadline);
            if (rc != 0) {
                return FenceResult.failed(rc < 0 ? Outcome.TIMED_OUT : Outcome.FAILED, PowerState.UNKNOWN,
                        "fence agent " + agent.getFileName() + " " + verb + (rc < 0 ? " did not finish" : " exited " + rc));
            }
            PowerState state = status(node, deadline);
            PowerState wanted = action == FenceAction.OFF ? PowerState.OFF : PowerState.ON;
            if (state != wanted) {
                return FenceResult.failed(state == PowerState.UNKNOWN ? Outcome.TIMED_OUT : Outcome.FAILED, state,
                        verb + " reported done, but status reads " + state);
            }
            return FenceResult.ok(state, verb + " verified: status reads " + state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, "interrupted");
        } catch (IOException e) {
            return FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "cannot run " + agent + ": " + e.getMessage());
        }
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        try {
            return status(node, System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PowerState.UNKNOWN;
        } catch (IOException e) {
            return PowerState.UNKNOWN;
        }
    }

    private PowerState status(NodeId node, long deadline) throws IOException, InterruptedException {
        int rc = run("status", node, deadline);
        return rc == 0 ? PowerState.ON : rc == 2 ? PowerState.OFF : PowerState.UNKNOWN;
    }

    @Override
    public String toString() {
        return "FenceAgentFencer{" + agent.getFileName() + ", " + options.keySet() + ", password " + password + "}";
    }
}
