package dev.ha4j.router.vip;

import dev.ha4j.core.NodeId;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One node that may hold the virtual IP: its id, the interface the address goes on, the runner through which
 * commands reach it, and optionally the node's own address on that interface (so that a VIP equal to it, or of
 * the other family, is refused when the configuration is built).
 *
 * <p>Immutable and thread-safe if its runner is.
 *
 * @param id the node's id, as the engine names it
 * @param interfaceName the network interface, validated by the kernel's rules (1-15 characters, no {@code /},
 *     {@code :} or white space, not {@code .} or {@code ..}; this class also refuses a leading {@code -} and non-ASCII characters)
 * @param runner how commands reach the node
 * @param ownAddress the node's own address on the interface, if known
 */
public record VipNode(NodeId id, String interfaceName, CommandRunner runner, Optional<InetAddress> ownAddress) {
    /**
     * Validates the fields.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the interface name is invalid
     */
    public VipNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(ownAddress, "ownAddress");
        checkInterfaceName("node " + id + " interfaceName", interfaceName);
    }

    /**
     * A node whose own address is not given.
     *
     * @param id the node's id
     * @param interfaceName the interface
     * @param runner how commands reach it
     * @return the node
     * @throws IllegalArgumentException if the interface name is invalid
     */
    public static VipNode of(NodeId id, String interfaceName, CommandRunner runner) {
        return new VipNode(id, interfaceName, runner, Optional.empty());
    }

    /**
     * The same node with its own address on the interface.
     *
     * @param address an IPv4 or IPv6 literal
     * @return a new node
     * @throws IllegalArgumentException if it is not an address literal
     */
    public VipNode withOwnAddress(String address) {
        return new VipNode(id, interfaceName, runner,
                Optional.of(VipAddress.literal("node " + id + " ownAddress", address)));
    }

    /**
     * Checks an interface name by the kernel's rules ({@code dev_valid_name}), and refuses a leading {@code -}
     * that a command would read as an option.
     *
     * @param field the configuration field, for the message
     * @param name the name
     * @throws IllegalArgumentException if it is invalid
     */
    static void checkInterfaceName(String field, String name) {
        Objects.requireNonNull(name, field);
        String rule = "1-15 characters, no '/', ':', white space or control character, not '.' or '..', not starting"
                + " with '-'";
        boolean ok = !name.isEmpty() && name.length() <= 15 && !name.equals(".") && !name.equals("..")
                && !name.startsWith("-") && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != ':');
        if (!ok) {
            throw new IllegalArgumentException(field + " '" + name.replaceAll("\\p{Cntrl}", "?") + "' is invalid: "
                    + rule);
        }
    }

    @Override
    public String toString() {
        return id + "(" + interfaceName + " via " + runner + ownAddress.map(a -> ", own " + a.getHostAddress()).orElse("")
                + ")";
    }
}
