package dev.ha4j.core.builtin;

import dev.ha4j.core.NodeId;
import dev.ha4j.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An external command as an argument list (never a shell string), with an optional working directory and
 * environment. Used by {@link ProcessServiceControl} and {@link CommandProbe}.
 *
 * <p>Any argument may contain the placeholder {@value #NODE_PLACEHOLDER}, replaced by the node's name when the
 * command runs; node names are validated by {@link NodeId}, so the substitution cannot inject anything. Put
 * passwords into {@link Builder#secretEnvironment(String, Secret)} rather than into an argument: arguments are
 * visible to every user of the host in {@code ps}. {@link #toString()} shows the executable and the number of
 * arguments, never argument or environment values.
 *
 * <pre>{@code
 * CommandSpec check = CommandSpec.builder("/usr/lib/ocf/resource.d/heartbeat/pgsql", "monitor")
 *         .environment("OCF_RESKEY_node", "{node}")
 *         .secretEnvironment("PGPASSWORD", Secret.fromEnvironment("PGPASSWORD"))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CommandSpec {
    /** The placeholder replaced by the node's name in arguments and environment values. */
    public static final String NODE_PLACEHOLDER = "{node}";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<String> command;
    private final Optional<Path> directory;
    private final Map<String, String> environment;
    private final Map<String, Secret> secretEnvironment;
    private final boolean inheritEnvironment;

    private CommandSpec(Builder b) {
        this.command = List.copyOf(b.command);
        this.directory = Optional.ofNullable(b.directory);
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.secretEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(b.secretEnvironment));
        this.inheritEnvironment = b.inheritEnvironment;
    }

    /**
     * @param command the executable and its arguments
     * @return a spec that runs {@code command} in the current directory with the inherited environment
     * @throws IllegalArgumentException if the command is empty or holds a null, blank executable or NUL
     */
    public static CommandSpec of(String... command) {
        return builder(command).build();
    }

    /**
     * @param command the executable and its arguments
     * @return a spec that runs {@code command} in the current directory with the inherited environment
     * @throws IllegalArgumentException if the command is empty or holds a null, blank executable or NUL
     * @throws NullPointerException if {@code command} is null
     */
    public static CommandSpec of(List<String> command) {
        return builder(command.toArray(new String[0])).build();
    }

    /**
     * @param command the executable and its arguments
     * @return a builder for a spec running {@code command}
     * @throws NullPointerException if {@code command} is null
     */
    public static Builder builder(String... command) {
        return new Builder(command);
    }

    /** @return the executable and its arguments, placeholders not yet replaced */
    public List<String> command() {
        return command;
    }

    /** @return the working directory, empty for the JVM's current directory */
    public Optional<Path> directory() {
        return directory;
    }

    /** @return the extra environment variables (secret ones not included) */
    public Map<String, String> environment() {
        return environment;
    }

    /** @return whether the child starts from the JVM's environment (true) or from an empty one */
    public boolean inheritsEnvironment() {
        return inheritEnvironment;
    }

    /**
     * @param node the node to substitute for {@value #NODE_PLACEHOLDER}
     * @return the argument list for {@code node}
     */
    List<String> commandFor(NodeId node) {
        List<String> out = new ArrayList<>(command.size());
        for (String a : command) {
            out.add(a.replace(NODE_PLACEHOLDER, node.name()));
        }
        return out;
    }

    /**
     * @param node the node to substitute for {@value #NODE_PLACEHOLDER}
     * @return a process builder with command, directory and environment set; redirections are the caller's
     */
    ProcessBuilder processBuilder(NodeId node) {
        ProcessBuilder pb = new ProcessBuilder(commandFor(node));
        directory.ifPresent(d -> pb.directory(d.toFile()));
        Map<String, String> env = pb.environment();
        if (!inheritEnvironment) {
            env.clear();
        }
        environment.forEach((k, v) -> env.put(k, v.replace(NODE_PLACEHOLDER, node.name())));
        secretEnvironment.forEach((k, v) -> env.put(k, v.revealAsString()));
        return pb;
    }

    /** @return the executable's file name, for detail messages */
    String executableName() {
        String exe = command.get(0);
        int slash = exe.lastIndexOf('/');
        return slash >= 0 && slash < exe.length() - 1 ? exe.substring(slash + 1) : exe;
    }

    @Override
    public String toString() {
        return "CommandSpec[" + command.get(0) + " +" + (command.size() - 1) + " args"
                + directory.map(d -> ", dir=" + d).orElse("")
                + (environment.isEmpty() && secretEnvironment.isEmpty() ? ""
                        : ", env=" + environment.keySet() + (secretEnvironment.isEmpty() ? ""
                                : ", secretEnv=" + secretEnvironment.keySet()))
                + (inheritEnvironment ? "" : ", clean env") + "]";
    }

    /**
     * Builds a {@link CommandSpec}.
     *
     * <p>Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private final List<String> command;
        private Path directory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, Secret> secretEnvironment = new LinkedHashMap<>();
        private boolean inheritEnvironment = true;

        private Builder(String... command) {
            Objects.requireNonNull(command, "command");
            this.command = new ArrayList<>(command.length);
            Collections.addAll(this.command, command);
        }

        /**
         * @param directory the working directory; it must exist when {@link #build()} is called
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * @param name a variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
         * @param value its value; {@value CommandSpec#NODE_PLACEHOLDER} is replaced by the node's name
         * @return this builder
         */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /**
         * @param name a variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
         * @param value the secret, revealed only into the child's environment
         * @return this builder
         */
        public Builder secretEnvironment(String name, Secret value) {
            secretEnvironment.put(name, value);
            return this;
        }

        /**
         * @param inherit whether the child starts from the JVM's environment (default true)
         * @return this builder
         */
        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        /**
         * @return the spec
         * @throws IllegalArgumentException if the command is empty, holds a null or a NUL character, the
         *     executable is blank, the directory does not exist or is not a directory, or an environment name
         *     or value is invalid
         */
        public CommandSpec build() {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command is empty: give the executable and its arguments");
            }
            for (int i = 0; i < command.size(); i++) {
                String a = command.get(i);
                if (a == null) {
                    throw new IllegalArgumentException("command argument " + i + " is null");
                }
                if (a.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("command argument " + i + " contains a NUL character");
                }
            }
            if (command.get(0).isBlank()) {
                throw new IllegalArgumentException("command executable '" + command.get(0) + "' is blank");
            }
            if (directory != null && !Files.isDirectory(directory)) {
                throw new IllegalArgumentException("directory '" + directory + "' is invalid: it must exist and "
                        + "be a directory");
            }
            for (Map.Entry<String, String> e : environment.entrySet()) {
                checkEnvName(e.getKey());
                if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("environment value of '" + e.getKey()
                            + "' is invalid: it must be non-null and free of NUL characters");
                }
            }
            for (Map.Entry<String, Secret> e : secretEnvironment.entrySet()) {
                checkEnvName(e.getKey());
                if (e.getValue() == null) {
                    throw new IllegalArgumentException("secret environment value of '" + e.getKey() + "' is null");
                }
                if (environment.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("environment variable '" + e.getKey()
                            + "' is set both as plain and as secret value");
                }
            }
            return new CommandSpec(this);
        }

        private static void checkEnvName(String name) {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("environment name '" + name
                        + "' is invalid: use [A-Za-z_][A-Za-z0-9_]*");
            }
        }
    }
}
