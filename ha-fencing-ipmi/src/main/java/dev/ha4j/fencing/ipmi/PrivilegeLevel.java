package dev.ha4j.fencing.ipmi;

/**
 * The IPMI privilege level a session asks for. Chassis Control (power off/on) needs {@link #OPERATOR} or
 * higher; reading the power state works at {@link #USER}.
 */
public enum PrivilegeLevel {
    /** Read-only: Get Chassis Status, no power control. */
    USER(2),
    /** Power control. */
    OPERATOR(3),
    /** Everything; the default, as with {@code ipmitool} and {@code fence_ipmilan}. */
    ADMINISTRATOR(4);

    private final int code;

    PrivilegeLevel(int code) {
        this.code = code;
    }

    /** @return the level as encoded on the wire (2, 3 or 4) */
    public int code() {
        return code;
    }
}
