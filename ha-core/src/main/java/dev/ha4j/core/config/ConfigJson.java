package dev.ha4j.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link ClusterConfig} from a JSON document, for ops tools that keep configuration in files:
 *
 * <pre>{@code
 * {
 *   "cluster": "stash",
 *   "nodes": ["stash-a", "stash-b"],
 *   "policy": {
 *     "restartLimit": 2, "restartWindow": "1h", "failuresBeforeAction": 2,
 *     "probeInterval": "15s", "probeTimeout": "10s", "firstProbeTimeout": "30s", "recheckInterval": "2s",
 *     "standbyProbeInterval": "60s", "maxFailovers": 3, "failoverWindow": "1h", "startupGrace": "5m",
 *     "stopTimeout": "60s", "maxMaintenance": "4h", "failoverBudget": "10m",
 *     "fencingRequired": true, "fencingLevels": ["ipmi"], "fencingDelays": {"stash-a": "10s"},
 *     "failureTable": {"ERROR": "FAILOVER"}
 *   }
 * }
 * }</pre>
 *
 * Durations are ISO-8601 ({@code "PT15S"}) or a number with a unit ({@code ms s m h d}). Every field is
 * optional except {@code nodes}; an absent field keeps the default of {@link Policy}. Unknown fields are
 * refused, so that a misspelt setting does not silently fall back to a default.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigJson {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Set<String> TOP = Set.of("cluster", "nodes", "policy");

    private ConfigJson() {
    }

    /**
     * @param file a JSON file
     * @return the configuration
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the field and the rule if the document is invalid
     */
    public static ClusterConfig read(Path file) {
        try {
            return read(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * @param json the JSON text
     * @return the configuration
     * @throws IllegalArgumentException naming the field and the rule if the document is invalid
     */
    public static ClusterConfig read(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("configuration is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("configuration must be a JSON object");
        }
        known(root, TOP, "");
        ClusterConfig.Builder b = ClusterConfig.custom();
        if (root.has("cluster")) {
            b.name(text(root.get("cluster"), "cluster"));
        }
        JsonNode nodes = root.get("nodes");
        if (nodes == null || !nodes.isArray()) {
            throw new IllegalArgumentException("nodes must be an array of node names");
        }
        for (int i = 0; i < nodes.size(); i++) {
            b.node(NodeId.of(text(nodes.get(i), "nodes[" + i + "]")));
        }
        if (root.has("policy")) {
            b.policy(policy(root.get("policy")));
        }
        return b.build();
    }

    private static Policy policy(JsonNode p) {
        if (!p.isObject()) {
            throw new IllegalArgumentException("policy must be a JSON object");
        }
        Policy.Builder b = Policy.custom();
        Map<String, BiConsumer<JsonNode, String>> fields = new java.util.LinkedHashMap<>();
        fields.put("restartLimit", (v, f) -> b.restartLimit(integer(v, f)));
        fields.put("restartWindow", (v, f) -> b.restartWindow(duration(v, f)));
        fields.put("failuresBeforeAction", (v, f) -> b.failuresBeforeAction(integer(v, f)));
        fields.put("probeInterval", (v, f) -> b.probeInterval(duration(v, f)));
        fields.put("probeTimeout", (v, f) -> b.probeTimeout(duration(v, f)));
        fields.put("firstProbeTimeout", (v, f) -> b.firstProbeTimeout(duration(v, f)));
        fields.put("recheckInterval", (v, f) -> b.recheckInterval(duration(v, f)));
        fields.put("standbyProbeInterval", (v, f) -> b.standbyProbeInterval(duration(v, f)));
        fields.put("maxFailovers", (v, f) -> b.maxFailovers(integer(v, f)));
        fields.put("failoverWindow", (v, f) -> b.failoverWindow(duration(v, f)));
        fields.put("startupGrace", (v, f) -> b.startupGrace(duration(v, f)));
        fields.put("startTimeout", (v, f) -> b.startTimeout(duration(v, f)));
        fields.put("stopTimeout", (v, f) -> b.stopTimeout(duration(v, f)));
        fields.put("killTimeout", (v, f) -> b.killTimeout(duration(v, f)));
        fields.put("confirmTimeout", (v, f) -> b.confirmTimeout(duration(v, f)));
        fields.put("fenceTimeout", (v, f) -> b.fenceTimeout(duration(v, f)));
        fields.put("leaseTimeout", (v, f) -> b.leaseTimeout(duration(v, f)));
        fields.put("replicaTimeout", (v, f) -> b.replicaTimeout(duration(v, f)));
        fields.put("routeTimeout", (v, f) -> b.routeTimeout(duration(v, f)));
        fields.put("maxMaintenance", (v, f) -> b.maxMaintenance(duration(v, f)));
        fields.put("failoverBudget", (v, f) -> b.failoverBudget(duration(v, f)));
        fields.put("fencingRequired", (v, f) -> {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(f + " must be true or false, not " + v);
            }
            b.fencingRequired(v.booleanValue());
        });
        fields.put("fencingLevels", (v, f) -> {
            if (!v.isArray()) {
                throw new IllegalArgumentException(f + " must be an array of level names");
            }
            List<String> levels = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                levels.add(text(v.get(i), f + "[" + i + "]"));
            }
            b.fencingLevels(levels);
        });
        fields.put("fencingDelays", (v, f) -> {
            if (!v.isObject()) {
                throw new IllegalArgumentException(f + " must be an object of node name to duration");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.fencingDelay(NodeId.of(e.getKey()), duration(e.getValue(), f + "." + e.getKey()));
            }
        });
        fields.put("failureTable", (v, f) -> {
            if (!v.isObject()) {
                throw new IllegalArgumentException(f + " must be an object of failure kind to reaction");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.react(enumValue(FailureKind.class, e.getKey(), f + " key"),
                        enumValue(Reaction.class, text(e.getValue(), f + "." + e.getKey()), f + "." + e.getKey()));
            }
        });
        known(p, fields.keySet(), "policy.");
        for (String name : fields.keySet()) {
            if (p.has(name)) {
                fields.get(name).accept(p.get(name), "policy." + name);
            }
        }
        return b.build();
    }

    private static void known(JsonNode obj, Set<String> allowed, String prefix) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + prefix + name + "'; known fields: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String text(JsonNode v, String field) {
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string, not " + v);
        }
        return v.textValue();
    }

    private static int integer(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be a whole number, not " + v);
        }
        return v.intValue();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }

    /**
     * Parses a duration: ISO-8601 ({@code PT15S}) or a whole number with a unit ({@code 500ms 15s 2m 1h 1d}).
     *
     * @param text the text
     * @param field the field name for the error message
     * @return the duration
     * @throws IllegalArgumentException naming the field if the text is not a duration
     */
    public static Duration parseDuration(String text, String field) {
        String t = text.trim();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a duration: use ISO-8601 (PT15S) or"
                    + " a number with ms, s, m, h or d (15s)", e);
        }
    }

    private static Duration duration(JsonNode v, String field) {
        return parseDuration(text(v, field), field);
    }

    /**
     * Renders a configuration as JSON that {@link #read(String)} reads back to an equal configuration.
     *
     * @param config the configuration
     * @return the JSON text
     */
    public static String write(ClusterConfig config) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("cluster", config.name());
        config.nodes().forEach(n -> root.withArray("nodes").add(n.name()));
        Policy p = config.policy();
        ObjectNode o = root.putObject("policy");
        o.put("restartLimit", p.restartLimit());
        o.put("restartWindow", p.restartWindow().toString());
        o.put("failuresBeforeAction", p.failuresBeforeAction());
        o.put("probeInterval", p.probeInterval().toString());
        o.put("probeTimeout", p.probeTimeout().toString());
        o.put("firstProbeTimeout", p.firstProbeTimeout().toString());
        o.put("recheckInterval", p.recheckInterval().toString());
        o.put("standbyProbeInterval", p.standbyProbeInterval().toString());
        o.put("maxFailovers", p.maxFailovers());
        o.put("failoverWindow", p.failoverWindow().toString());
        o.put("startupGrace", p.startupGrace().toString());
        o.put("startTimeout", p.startTimeout().toString());
        o.put("stopTimeout", p.stopTimeout().toString());
        o.put("killTimeout", p.killTimeout().toString());
        o.put("confirmTimeout", p.confirmTimeout().toString());
        o.put("fenceTimeout", p.fenceTimeout().toString());
        o.put("leaseTimeout", p.leaseTimeout().toString());
        o.put("replicaTimeout", p.replicaTimeout().toString());
        o.put("routeTimeout", p.routeTimeout().toString());
        o.put("maxMaintenance", p.maxMaintenance().toString());
        o.put("failoverBudget", p.failoverBudget().toString());
        o.put("fencingRequired", p.fencingRequired());
        p.fencingLevels().forEach(l -> o.withArray("fencingLevels").add(l));
        if (p.fencingLevels().isEmpty()) {
            o.putArray("fencingLevels");
        }
        ObjectNode delays = o.putObject("fencingDelays");
        p.fencingDelays().forEach((n, d) -> delays.put(n.name(), d.toString()));
        ObjectNode table = o.putObject("failureTable");
        p.failureTable().forEach((k, r) -> table.put(k.name(), r.name()));
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
