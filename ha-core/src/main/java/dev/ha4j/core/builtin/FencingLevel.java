package dev.ha4j.core.builtin;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Outcome;
import dev.ha4j.core.PowerState;
import dev.ha4j.core.spi.Fencer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fencing level made of several devices that must all act for the node to be off: the two power supplies
 * of a server on two PDUs, or a BMC and a PDU. The level is itself a {@link Fencer}.
 *
 * <ul>
 *   <li><b>OFF</b> succeeds only when every device, in the order added, reads back OFF; the first device that
 *       does not stops the level and its result (named) is returned, since the node may still be on.</li>
 *   <li><b>ON</b> turns every device on and succeeds only when every one reads back ON.</li>
 *   <li><b>REBOOT</b> is every device OFF (all verified) and then every device ON: rebooting the devices one
 *       by one would never cut the power of a node fed by several.</li>
 *   <li><b>status</b> is OFF only when every device reads OFF, ON when any device reads ON (one live feed
 *       keeps the node running), UNKNOWN otherwise.</li>
 * </ul>
 *
 * <p>All devices share the caller's deadline, measured on a monotonic ticker; a device whose turn comes after
 * it is not asked and the level fails as timed out. A device that returns {@code null} or throws counts as a
 * failed device. Device results are named by position ({@code ipmi#2}), never by anything a device's
 * {@code toString()} might reveal.
 *
 * <pre>{@code
 * Fencer psu = FencingLevel.builder().name("pdu").device(pduA).device(pduB).build();
 * }</pre>
 *
 * <p>Thread-safe when its devices are; it holds no mutable state.
 */
public final class FencingLevel implements Fencer {
    private static final Logger LOG = LoggerFactory.getLogger(FencingLevel.class);
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}\\s][^\\p{Cntrl}]{0,63}");

    private final String name;
    private final List<Fencer> devices;
    private final LongSupplier ticker;

    private FencingLevel(Builder b) {
        this.name = b.name;
        this.devices = List.copyOf(b.devices);
        this.ticker = b.ticker;
    }

    /** @return a builder; a name and at least one device are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the level's name */
    public String name() {
        return name;
    }

    /** @return the devices, in the order they are used */
    public List<Fencer> devices() {
        return devices;
    }

    @Override
    public FenceResult fence(NodeId node, FenceAction action, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        return switch (action) {
            case OFF -> all(node, FenceAction.OFF, PowerState.OFF, deadline, "");
            case ON -> all(node, FenceAction.ON, PowerState.ON, deadline, "");
            case REBOOT -> {
                FenceResult off = all(node, FenceAction.OFF, PowerState.OFF, deadline, "reboot: ");
                yield off.isVerifiedOff() ? all(node, FenceAction.ON, PowerState.ON, deadline, "reboot, every device off, then: ")
                        : off;
            }
        };
    }

    private FenceResult all(NodeId node, FenceAction action, PowerState wanted, long deadline, String prefix) {
        StringBuilder done = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            String device = deviceName(i);
            long left = deadline - ticker.getAsLong();
            if (left <= 0) {
                return FenceResult.failed(Outcome.TIMED_OUT, PowerState.UNKNOWN, prefix + name + " ran out of time"
                        + " before " + device + " was asked" + done(done));
            }
            FenceResult r;
            try {
                r = devices.get(i).fence(node, action, Duration.ofNanos(left));
            } catch (RuntimeException ex) {
                LOG.warn("{}: {} of {} threw {}", device, action, node, ex.toString());
                r = FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "threw " + ex);
            }
            if (r == null) {
                r = FenceResult.failed(Outcome.FAILED, PowerState.UNKNOWN, "returned null");
            }
            if (!r.outcome().isOk() || r.powerState() != wanted) {
                Outcome o = r.outcome().isOk() ? Outcome.FAILED : r.outcome();
                // The level's power state is only what all devices say together; one device's OFF is not the node's.
                PowerState level = wanted == PowerState.OFF && r.powerState() == PowerState.ON ? PowerState.ON
                        : PowerState.UNKNOWN;
                return FenceResult.failed(o, level, prefix + device + " did not read back " + wanted + ": " + r
                        + done(done));
            }
            done.append(done.length() == 0 ? "" : ", ").append(device);
        }
        return FenceResult.ok(wanted, prefix + "every device of " + name + " read back " + wanted + " (" + done + ")");
    }

    private static String done(StringBuilder done) {
        return done.length() == 0 ? "" : "; already " + "done: " + done;
    }

    @Override
    public PowerState status(NodeId node, Duration timeout) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = ticker.getAsLong() + Math.max(0, timeout.toNanos());
        boolean allOff = true;
        for (int i = 0; i < devices.size(); i++) {
            long left = deadline - ticker.getAsLong();
            if (left <= 0) {
                return PowerState.UNKNOWN;
            }
            PowerState s;
            try {
                s = devices.get(i).status(node, Duration.ofNanos(left));
            } catch (RuntimeException ex) {
                LOG.warn("{}: status of {} threw {}", deviceName(i), node, ex.toString());
                s = PowerState.UNKNOWN;
            }
            if (s == PowerState.ON) {
                return PowerState.ON;
            }
            allOff &= s == PowerState.OFF;
        }
        return allOff ? PowerState.OFF : PowerState.UNKNOWN;
    }

    private String deviceName(int i) {
        return name + "#" + (i + 1);
    }

    @Override
    public String toString() {
        return "FencingLevel[" + name + ", " + devices.size() + " device(s)]";
    }

    /**
     * Builds a {@link FencingLevel}. Not thread-safe.
     */
    public static final class Builder {
        private String name;
        private final List<Fencer> devices = new ArrayList<>();
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /**
         * Names the level, as in the policy's fencing levels.
         *
         * @param name letters, digits and {@code . _ : @ / -}, at most 64 characters, starting with a letter or
         *     digit
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Adds a device; devices are used in the order they are added.
         *
         * @param fencer the device
         * @return this builder
         */
        public Builder device(Fencer fencer) {
            devices.add(Objects.requireNonNull(fencer, "device"));
            return this;
        }

        /**
         * Sets the monotonic time source the shared deadline is measured on; the default is
         * {@link System#nanoTime()}.
         *
         * @param nanos returns a monotonic time in nanoseconds
         * @return this builder
         */
        public Builder ticker(LongSupplier nanos) {
            this.ticker = Objects.requireNonNull(nanos, "ticker");
            return this;
        }

        /**
         * Builds the level.
         *
         * @return the fencing level
         * @throws IllegalArgumentException naming the field when the name is missing or malformed, or no
         *     device was added
         */
        public FencingLevel build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name '" + name + "' must be 1 to 64 printable characters"
                        + " not starting with a blank");
            }
            if (devices.isEmpty()) {
                throw new IllegalArgumentException("device: a fencing level needs at least one device, has 0");
            }
            return new FencingLevel(this);
        }
    }
}
