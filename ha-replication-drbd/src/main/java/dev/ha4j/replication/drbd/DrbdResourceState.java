package dev.ha4j.replication.drbd;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The state of one DRBD 9 resource on one node as {@code drbdsetup events2 --now} or {@code drbdsetup status
 * --json} report it: the local role, every volume's disk, every peer connection and every peer volume. State
 * names are kept as DRBD prints them ("UpToDate", "StandAlone", ...); unknown ones are kept too, and the
 * helpers below treat them as "cannot tell".
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the resource name
 * @param role the local role: Primary, Secondary or Unknown
 * @param suspended whether I/O is suspended (by the user, no data, fencing or quorum)
 * @param mayPromote DRBD's own verdict on whether a promotion would succeed, when printed
 * @param promotionScore DRBD's promotion score, when printed
 * @param devices the local volumes
 * @param connections the peers
 * @param helpers the helpers called while the output was read (events2 {@code call helper} lines), e.g.
 *     "split-brain"
 */
public record DrbdResourceState(String name, String role, boolean suspended, Optional<Boolean> mayPromote,
        Optional<Long> promotionScore, List<Device> devices, List<Connection> connections, List<String> helpers) {
    /**
     * @throws NullPointerException if an argument is null
     */
    public DrbdResourceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(mayPromote, "mayPromote");
        Objects.requireNonNull(promotionScore, "promotionScore");
        devices = List.copyOf(devices);
        connections = List.copyOf(connections);
        helpers = List.copyOf(helpers);
    }

    /**
     * One local volume.
     *
     * @param volume the volume number
     * @param minor the device minor, or -1 when not printed
     * @param disk the disk state (UpToDate, Consistent, Outdated, Inconsistent, Diskless, DUnknown, ...)
     * @param quorum whether this volume has quorum, when printed
     * @param open whether the device is held open (mounted), when printed
     * @param client whether this is a diskless client
     */
    public record Device(int volume, int minor, String disk, Optional<Boolean> quorum, Optional<Boolean> open,
            boolean client) {
        /**
         * @throws NullPointerException if an argument is null
         */
        public Device {
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(quorum, "quorum");
            Objects.requireNonNull(open, "open");
        }
    }

    /**
     * One peer.
     *
     * @param peerNodeId the peer's node id
     * @param name the connection name (the peer's host name by default)
     * @param state the connection state (Connected, StandAlone, Connecting, ...)
     * @param peerRole the peer's role as seen from here (Unknown while not connected)
     * @param peerDevices the peer's volumes as seen from here
     */
    public record Connection(int peerNodeId, String name, String state, String peerRole, List<PeerDevice> peerDevices) {
        /**
         * @throws NullPointerException if an argument is null
         */
        public Connection {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(peerRole, "peerRole");
            peerDevices = List.copyOf(peerDevices);
        }
    }

    /**
     * One of a peer's volumes.
     *
     * @param volume the volume number
     * @param replication the replication state (Established, SyncSource, SyncTarget, Off, ...)
     * @param peerDisk the peer's disk state
     * @param done the resync progress in percent while syncing, when printed
     */
    public record PeerDevice(int volume, String replication, String peerDisk, OptionalDouble done) {
        /**
         * @throws NullPointerException if an argument is null
         */
        public PeerDevice {
            Objects.requireNonNull(replication, "replication");
            Objects.requireNonNull(peerDisk, "peerDisk");
            Objects.requireNonNull(done, "done");
        }
    }

    /** @return whether the local role is Primary */
    public boolean isPrimary() {
        return "Primary".equals(role);
    }

    /** @return whether the local role is Secondary */
    public boolean isSecondary() {
        return "Secondary".equals(role);
    }

    /** @return whether a connected peer is Primary */
    public boolean peerIsPrimary() {
        return connections.stream().anyMatch(c -> "Primary".equals(c.peerRole()));
    }

    /** @return whether every volume has a disk that is UpToDate */
    public boolean allUpToDate() {
        return !devices.isEmpty() && devices.stream().allMatch(d -> "UpToDate".equals(d.disk()));
    }

    /**
     * @return whether every volume is UpToDate, or Consistent while every peer's copy of it is proven Outdated
     *     (or worse): the rule for a promotion without force
     */
    public boolean promotable() {
        if (devices.isEmpty()) {
            return false;
        }
        for (Device d : devices) {
            if ("UpToDate".equals(d.disk())) {
                continue;
            }
            if (!"Consistent".equals(d.disk()) || connections.isEmpty()) {
                return false;
            }
            for (Connection c : connections) {
                boolean outdated = c.peerDevices().stream().anyMatch(p -> p.volume() == d.volume()
                        && ("Outdated".equals(p.peerDisk()) || "Inconsistent".equals(p.peerDisk())));
                if (!outdated) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return whether any volume reports no quorum */
    public boolean quorumLost() {
        return devices.stream().anyMatch(d -> d.quorum().equals(Optional.of(false)));
    }

    /** @return whether any local device is held open */
    public boolean heldOpen() {
        return devices.stream().anyMatch(d -> d.open().equals(Optional.of(true)));
    }

    /** @return whether any connection is StandAlone */
    public boolean standAlone() {
        return connections.stream().anyMatch(c -> "StandAlone".equals(c.state()));
    }

    /** @return whether a split-brain helper was called while the output was read */
    public boolean splitBrainHelperCalled() {
        return helpers.contains("split-brain");
    }

    /** @return the lowest resync progress of any syncing peer volume, when one is syncing */
    public OptionalDouble syncProgress() {
        return connections.stream().flatMap(c -> c.peerDevices().stream()).filter(p -> p.done().isPresent())
                .mapToDouble(p -> p.done().getAsDouble()).min();
    }

    /** @return a one-line summary for results and the timeline */
    public String summary() {
        StringBuilder b = new StringBuilder(name).append(' ').append(role);
        if (suspended) {
            b.append(" suspended");
        }
        for (Device d : devices) {
            b.append(" vol").append(d.volume()).append('=').append(d.disk());
            if (d.quorum().equals(Optional.of(false))) {
                b.append("(no quorum)");
            }
        }
        for (Connection c : connections) {
            b.append(", peer ").append(c.name()).append(' ').append(c.state()).append('/').append(c.peerRole());
            for (PeerDevice p : c.peerDevices()) {
                b.append(" vol").append(p.volume()).append('=').append(p.peerDisk());
                if (!"Established".equals(p.replication()) && !"Off".equals(p.replication())) {
                    b.append(' ').append(p.replication());
                }
                p.done().ifPresent(x -> b.append(String.format(java.util.Locale.ROOT, " %.2f%%", x)));
            }
        }
        return b.toString();
    }
}
