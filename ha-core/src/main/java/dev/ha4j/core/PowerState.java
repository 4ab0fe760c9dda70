package dev.ha4j.core;

/** A node's power state as read back from its fencing device. */
public enum PowerState {
    /** Powered on. */
    ON,
    /** Powered off: read back from the device, not assumed. */
    OFF,
    /** The device did not tell. */
    UNKNOWN
}
