package dev.ha4j.router.vip.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads the output of {@code ip -o -4|-6 addr show dev IF}: one line per address, such as
 * {@code 2: eth0    inet 10.9.0.50/24 scope global secondary eth0:vip\ valid_lft forever ...}.
 *
 * <p>Stateless and thread-safe.
 */
public final class IpAddrs {
    private IpAddrs() {
    }

    /** What an interface says about one address. */
    public enum Holding {
        /** The address is on the interface and usable. */
        HOLDS,
        /** The address is on the interface but the kernel found a duplicate ({@code dadfailed}). */
        DAD_FAILED,
        /** The address is not on the interface. */
        ABSENT
    }

    /**
     * @param output the command's standard output
     * @param address the address looked for
     * @return whether the interface holds it
     */
    public static Holding find(String output, InetAddress address) {
        for (String line : output.split("\n")) {
            String[] w = line.trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i++) {
                if (!w[i].equals("inet") && !w[i].equals("inet6")) {
                    continue;
                }
                String a = w[i + 1];
                int slash = a.indexOf('/');
                if (slash > 0) {
                    a = a.substring(0, slash);
                }
                if (same(a, address)) {
                    return line.contains(" dadfailed") ? Holding.DAD_FAILED : Holding.HOLDS;
                }
            }
        }
        return Holding.ABSENT;
    }

    /**
     * @param output the command's standard output
     * @param family {@code inet} or {@code inet6}
     * @return whether any address of that family is listed
     */
    public static boolean hasFamily(String output, String family) {
        for (String line : output.split("\n")) {
            for (String w : line.trim().split("\\s+")) {
                if (w.equals(family)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean same(String literal, InetAddress address) {
        if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).equals(address);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
