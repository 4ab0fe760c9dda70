package dev.ha4j.fencing.ipmi;

import dev.ha4j.core.Outcome;

/**
 * Why an IPMI action did not succeed, as a value a caller can switch on; the {@link dev.ha4j.core.FenceResult}
 * detail starts with {@link #label()} and adds the specifics.
 */
public enum IpmiFailure {
    /** The action succeeded. */
    NONE("ok", Outcome.OK),
    /** No BMC is configured for the node. */
    UNKNOWN_NODE("no BMC configured", Outcome.FAILED),
    /** The BMC did not answer: ICMP port unreachable, unresolvable host, or silence until the connect timeout. */
    BMC_UNREACHABLE("BMC unreachable", Outcome.FAILED),
    /** The BMC answers but does not speak IPMI v2.0 RMCP+. */
    RMCP_PLUS_UNSUPPORTED("IPMI v2.0 RMCP+ not supported", Outcome.FAILED),
    /** The BMC refused the configured cipher suite, or answered with other algorithms than asked for. */
    CIPHER_SUITE_UNSUPPORTED("unsupported cipher suite", Outcome.REFUSED),
    /** Wrong user name, password or BMC key (detected from RAKP 2's HMAC or the BMC's status code). */
    AUTHENTICATION_FAILED("authentication failed", Outcome.REFUSED),
    /** The session's privilege is too low for the command (completion code 0xD4) or could not be raised. */
    PRIVILEGE_TOO_LOW("privilege too low", Outcome.REFUSED),
    /** The BMC refused to open a session (for example no free session slot). */
    SESSION_REFUSED("session refused", Outcome.REFUSED),
    /** The BMC answered a command with an error completion code. */
    BMC_ERROR("BMC error", Outcome.FAILED),
    /** The BMC sent something this client cannot accept. */
    PROTOCOL_ERROR("protocol error", Outcome.FAILED),
    /** The BMC had answered but stopped answering before the deadline (for example a stalled BMC). */
    TIMED_OUT("timed out", Outcome.TIMED_OUT),
    /** The calling thread was interrupted; its interrupt status is kept. */
    INTERRUPTED("interrupted", Outcome.TIMED_OUT),
    /** The power command was accepted but the state did not read back as asked before the deadline. */
    VERIFICATION_TIMED_OUT("verification timed out", Outcome.TIMED_OUT);

    private final String label;
    private final Outcome outcome;

    IpmiFailure(String label, Outcome outcome) {
        this.label = label;
        this.outcome = outcome;
    }

    /** @return the short text every detail of this cause starts with */
    public String label() {
        return label;
    }

    /** @return the outcome a {@link dev.ha4j.core.FenceResult} with this cause carries */
    public Outcome outcome() {
        return outcome;
    }
}
