package dev.ha4j.core;

/** What a fencing request asks of a {@link dev.ha4j.core.spi.Fencer}. */
public enum FenceAction {
    /** Power off and verify off. This is what a takeover requires. */
    OFF,
    /** Power on and verify on. */
    ON,
    /** Off, verified off, then on, verified on; never a blind power cycle. */
    REBOOT
}
