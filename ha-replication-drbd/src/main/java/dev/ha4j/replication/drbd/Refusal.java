package dev.ha4j.replication.drbd;

/**
 * Why DRBD (or the replicator on its behalf) refused an operation, typed so that callers need not read
 * messages. The first group is checked by the replicator before any command runs; the second comes from
 * {@code drbdsetup}'s exit code and message.
 */
public enum Refusal {
    /** The request carried an epoch older than one this replicator has already seen. */
    STALE_EPOCH,
    /** A volume is not UpToDate (nor Consistent with every peer proven Outdated) and no force was given. */
    NOT_UP_TO_DATE,
    /** A peer is Primary: DRBD would refuse, and it would be two primaries. */
    PEER_PRIMARY,
    /** A volume has no quorum. */
    NO_QUORUM,
    /** Split brain was detected: an operator must choose the survivor. */
    SPLIT_BRAIN,
    /** Exit code 17, "Need access to UpToDate data" (SS_NO_UP_TO_DATE_DISK); the LINBIT agent stops retrying. */
    NO_UP_TO_DATE_DISK,
    /** Exit code 11 with "Device is held open by someone": the file system is still mounted or in use. */
    DEVICE_HELD_OPEN,
    /** Exit code 11, any other "State change failed" refusal (multiple primaries, no quorum, peer not outdated). */
    STATE_CHANGE_REFUSED,
    /** Exit code 5, "Disk state is lower than outdated": the disk was inconsistent anyway. */
    LOWER_THAN_OUTDATED,
    /** Exit code 10 or "not defined in your config": DRBD does not know the resource. */
    UNKNOWN_RESOURCE,
    /** Exit code 20 with "Failed to modprobe drbd", or 121: the kernel module is missing. */
    MODULE_MISSING;

    /**
     * Reads a refusal from a failed command's exit code and stderr, as {@code drbdsetup} (and {@code drbdadm},
     * which mostly propagates its exit code) report them.
     *
     * @param result the command's result
     * @return the refusal, or null when the failure is not a refusal (a timeout, an unknown exit code)
     */
    public static Refusal of(CommandResult result) {
        if (result.timedOut() || result.exitCode() <= 0) {
            return null;
        }
        String err = result.stderr();
        if (err.contains("Failed to modprobe drbd") || result.exitCode() == 121) {
            return MODULE_MISSING;
        }
        if (err.contains("not defined in your config")) {
            return UNKNOWN_RESOURCE;
        }
        return switch (result.exitCode()) {
            case 17 -> NO_UP_TO_DATE_DISK;
            case 11 -> err.contains("held open") ? DEVICE_HELD_OPEN : STATE_CHANGE_REFUSED;
            case 5 -> LOWER_THAN_OUTDATED;
            case 10 -> UNKNOWN_RESOURCE;
            default -> null;
        };
    }
}
