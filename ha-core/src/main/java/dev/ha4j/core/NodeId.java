package dev.ha4j.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one cluster node, validated so that it can safely reach a command line, a file name or a
 * ZooKeeper path: 1 to 63 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the node name
 */
public record NodeId(String name) implements Comparable<NodeId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /**
     * Validates the name.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9][A-Za-z0-9._-]{0,62}}
     */
    public NodeId {
        Objects.requireNonNull(name, "node name");
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("node name '" + printable(name)
                    + "' is invalid: use 1-63 characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
    }

    /**
     * Shorthand for {@code new NodeId(name)}.
     *
     * @param name the node name
     * @return the node id
     * @throws IllegalArgumentException if the name is invalid
     */
    public static NodeId of(String name) {
        return new NodeId(name);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (b.length() > 80) {
                b.append("...");
                break;
            }
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    @Override
    public int compareTo(NodeId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
