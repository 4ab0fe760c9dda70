package dev.ha4j.core.config;

import dev.ha4j.core.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine needs to know about the cluster: its name, its nodes in order of preference (the first
 * healthy candidate becomes active when none is), and the {@link Policy}.
 *
 * <p>Immutable and thread-safe. Build with {@link #custom()} or read from JSON with
 * {@link ConfigJson#read(String)}.
 */
public final class ClusterConfig {
    private final String name;
    private final List<NodeId> nodes;
    private final Policy policy;

    private ClusterConfig(String name, List<NodeId> nodes, Policy policy) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.policy = policy;
    }

    /** @return a builder */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the cluster name */
    public String name() {
        return name;
    }

    /** @return the nodes in order of preference */
    public List<NodeId> nodes() {
        return nodes;
    }

    /** @return the policy */
    public Policy policy() {
        return policy;
    }

    /**
     * @param node a node
     * @return whether it belongs to this cluster
     */
    public boolean contains(NodeId node) {
        return nodes.contains(node);
    }

    @Override
    public String toString() {
        return "ClusterConfig{" + name + ", nodes=" + nodes + ", " + policy + "}";
    }

    /** Builds a {@link ClusterConfig}. Not thread-safe. */
    public static final class Builder {
        private String name = "ha4j";
        private final List<NodeId> nodes = new ArrayList<>();
        private Policy policy;

        private Builder() {
        }

        /**
         * Sets the cluster name.
         *
         * @param name the cluster name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Adds a node, appended in order of preference.
         *
         * @param node a node, appended in order of preference
         * @return this builder
         */
        public Builder node(NodeId node) {
            nodes.add(Objects.requireNonNull(node, "node"));
            return this;
        }

        /**
         * Adds nodes by name, appended in order of preference.
         *
         * @param names node names, appended in order of preference
         * @return this builder
         */
        public Builder nodes(String... names) {
            for (String n : names) {
                nodes.add(NodeId.of(n));
            }
            return this;
        }

        /**
         * Sets the policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if the name is invalid, there is no node, a node is listed twice,
         *     or a fencing delay names an unknown node
         */
        public ClusterConfig build() {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("cluster '" + printable(name)
                        + "' is invalid: use 1-63 characters of [A-Za-z0-9._-]");
            }
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("nodes is empty: a cluster needs at least one node");
            }
            Set<NodeId> seen = new LinkedHashSet<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (!seen.add(nodes.get(i))) {
                    throw new IllegalArgumentException("nodes[" + i + "] '" + nodes.get(i) + "' is listed twice");
                }
            }
            Policy p = policy == null ? Policy.ofDefaults() : policy;
            for (NodeId n : p.fencingDelays().keySet()) {
                if (!seen.contains(n)) {
                    throw new IllegalArgumentException("policy.fencingDelays." + n + " names node '" + n
                            + "', which is not in nodes " + nodes);
                }
            }
            return new ClusterConfig(name, nodes, p);
        }

        private static String printable(String s) {
            if (s == null) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length() && b.length() < 80; i++) {
                char c = s.charAt(i);
                b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
            }
            return s.length() > 80 ? b + "..." : b.toString();
        }
    }
}
