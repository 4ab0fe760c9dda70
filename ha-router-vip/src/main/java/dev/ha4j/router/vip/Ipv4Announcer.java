package dev.ha4j.router.vip;

import java.util.Locale;
import java.util.Objects;

/**
 * Which program announces an IPv4 virtual IP after a claim (gratuitous ARP). IPv6 addresses are always announced
 * with resource-agents' {@code send_ua}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Ipv4Announcer {
    /**
     * {@code send_arp} where it is installed, {@code arping -U} on nodes where it is not (found out once per node,
     * by {@link VipRouter#verify} or at the first announcement). The default.
     */
    AUTO,
    /**
     * resource-agents' {@code send_arp}, the sender Pacemaker's {@code IPaddr2} uses: each announcement is an ARP
     * request and an ARP reply, spaced by half the {@linkplain VipRouterConfig#announceInterval() interval} in
     * milliseconds. A node without it is a configuration error.
     */
    SEND_ARP,
    /** iputils' {@code arping -U}: requests only, spaced by whole seconds. */
    ARPING;

    /**
     * Reads a configuration value.
     *
     * @param value {@code auto}, {@code send_arp} or {@code arping}, in any case
     * @return the announcer
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Ipv4Announcer parse(String value) {
        Objects.requireNonNull(value, "ipv4Announcer");
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "send_arp" -> SEND_ARP;
            case "arping" -> ARPING;
            default -> throw new IllegalArgumentException("ipv4Announcer '" + value.replaceAll("\\p{Cntrl}", "?")
                    + "' is not one of auto, send_arp, arping");
        };
    }

    /** @return the configuration spelling: {@code auto}, {@code send_arp} or {@code arping} */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
