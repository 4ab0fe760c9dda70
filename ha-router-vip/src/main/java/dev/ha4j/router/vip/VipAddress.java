package dev.ha4j.router.vip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A virtual IP address with its prefix length, such as {@code 10.200.0.50/24} or {@code fd00:200::50/64}.
 * Parsing accepts address literals only (never a host name, so no name lookup), and refuses addresses that
 * cannot serve as a virtual IP: unspecified, loopback, multicast, link-local, and for IPv4 a /24..30 network's
 * network or broadcast address.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the address
 * @param prefixLength the prefix length, 1-32 for IPv4 and 1-128 for IPv6
 */
public record VipAddress(InetAddress address, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /**
     * Validates the address and its prefix length.
     *
     * @throws NullPointerException if the address is null
     * @throws IllegalArgumentException if the prefix length is out of range or the address cannot be a VIP
     */
    public VipAddress {
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 1 || prefixLength > max) {
            throw new IllegalArgumentException("vip prefix length " + prefixLength + " is out of range 1-" + max
                    + " for " + address.getHostAddress());
        }
        String why = null;
        if (address.isAnyLocalAddress()) {
            why = "the unspecified address";
        } else if (address.isLoopbackAddress()) {
            why = "a loopback address";
        } else if (address.isMulticastAddress()) {
            why = "a multicast address";
        } else if (address.isLinkLocalAddress()) {
            why = "a link-local address";
        } else if (address instanceof Inet4Address && prefixLength <= 30) {
            int a = java.nio.ByteBuffer.wrap(address.getAddress()).getInt();
            int hostMask = (int) ((1L << (32 - prefixLength)) - 1);
            if ((a & hostMask) == 0) {
                why = "the network address of its /" + prefixLength;
            } else if ((a & hostMask) == hostMask) {
                why = "the broadcast address of its /" + prefixLength;
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("vip " + address.getHostAddress() + "/" + prefixLength + " is " + why
                    + ", which cannot be a virtual IP");
        }
    }

    /**
     * Parses {@code ADDRESS/PREFIX}, an IPv4 or IPv6 literal with its prefix length.
     *
     * @param text for example {@code 10.200.0.50/24} or {@code fd00:200::50/64}
     * @return the address
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if it is not a literal address with a prefix length, or cannot be a VIP
     */
    public static VipAddress parse(String text) {
        Objects.requireNonNull(text, "vip");
        String shown = text.replaceAll("\\p{Cntrl}", "?");
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("vip '" + shown + "' must be ADDRESS/PREFIX, such as 10.0.0.50/24");
        }
        String addr = text.substring(0, slash);
        String len = text.substring(slash + 1);
        if (!len.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("vip '" + shown + "': prefix length '" + len + "' is not a number 1-128");
        }
        return new VipAddress(literal("vip", addr), Integer.parseInt(len));
    }

    /**
     * Parses an IPv4 or IPv6 literal (never a host name).
     *
     * @param field the configuration field, for the error message
     * @param text the literal
     * @return the address
     * @throws IllegalArgumentException if it is not a literal address
     */
    static InetAddress literal(String field, String text) {
        String shown = text.replaceAll("\\p{Cntrl}", "?");
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = !v4 && text.indexOf(':') >= 0 && IPV6.matcher(text).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException(field + " '" + shown + "' is not an IPv4 or IPv6 address literal");
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (v6 && !(a instanceof Inet6Address)) {
                // an IPv4-mapped IPv6 literal would come back as IPv4 and confuse the family checks
                throw new IllegalArgumentException(field + " '" + shown + "' is an IPv4-mapped IPv6 address; write it"
                        + " as IPv4");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + " '" + shown + "' is not a valid address literal", e);
        }
    }

    /** @return whether it is an IPv6 address */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** @return the address in the form {@code ip} prints it (IPv6 compressed), without the prefix length */
    public String host() {
        if (address instanceof Inet6Address) {
            return compress(address.getHostAddress());
        }
        return address.getHostAddress();
    }

    /** @return {@code ADDRESS/PREFIX} */
    public String cidr() {
        return host() + "/" + prefixLength;
    }

    /** Compresses the longest run of zero groups the way RFC 5952 and {@code ip} do. */
    private static String compress(String full) {
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; i++) {
            int j = i;
            while (j < g.length && g[j].matches("0+")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            if (j > i) {
                i = j - 1;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < g.length; i++) {
            if (i == bestStart) {
                b.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                if (i == g.length - 1) {
                    // the run reaches the end: "::" already written
                    continue;
                }
                continue;
            }
            b.append(g[i].replaceFirst("^0+(?=.)", ""));
            if (i < g.length - 1) {
                b.append(':');
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return cidr();
    }
}
