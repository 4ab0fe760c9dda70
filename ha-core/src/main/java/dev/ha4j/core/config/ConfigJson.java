package dev.ha4j.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
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
    private static final Pattern SIMPLE = Pattern.compile("([+-]?)(\\d+)\\s*(ms|s|m|h|d)");
    private static final ObjectReader READER = Json.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
        if (json == null) {
            throw new IllegalArgumentException("configuration is missing (null)");
        }
        JsonNode root;
        try {
            // Duplicate keys would silently resolve to the last one, and a second document after the first would
            // be ignored: both mean the file is not what its author thinks, so both are refused.
            root = READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("configuration is not valid JSON: "
                    + printable(e.getOriginalMessage()) + location(e), e);
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
            throw new IllegalArgumentException("nodes must be an array of node names, not " + shown(nodes));
        }
        for (int i = 0; i < nodes.size(); i++) {
            b.node(node(text(nodes.get(i), "nodes[" + i + "]"), "nodes[" + i + "]"));
        }
        if (root.has("policy")) {
            b.policy(policy(root.get("policy")));
        }
        return b.build();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static NodeId node(String name, String field) {
        try {
            return NodeId.of(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static Policy policy(JsonNode p) {
        if (!p.isObject()) {
            throw new IllegalArgumentException("policy must be a JSON object, not " + shown(p));
        }
        Policy.Builder b = Policy.custom().fieldPrefix("policy.");
        Map<String, BiConsumer<JsonNode, String>> fields = new java.util.LinkedHashMap<>();
        fields.put("restartLimit", (v, f) -> b.restartLimit(integer(v, f)));
        fields.put("restartWindow", (v, f) -> b.restartWindow(duration(b, v, f)));
        fields.put("failuresBeforeAction", (v, f) -> b.failuresBeforeAction(integer(v, f)));
        fields.put("probeInterval", (v, f) -> b.probeInterval(duration(b, v, f)));
        fields.put("probeTimeout", (v, f) -> b.probeTimeout(duration(b, v, f)));
        fields.put("firstProbeTimeout", (v, f) -> b.firstProbeTimeout(duration(b, v, f)));
        fields.put("recheckInterval", (v, f) -> b.recheckInterval(duration(b, v, f)));
        fields.put("standbyProbeInterval", (v, f) -> b.standbyProbeInterval(duration(b, v, f)));
        fields.put("maxFailovers", (v, f) -> b.maxFailovers(integer(v, f)));
        fields.put("failoverWindow", (v, f) -> b.failoverWindow(duration(b, v, f)));
        fields.put("startupGrace", (v, f) -> b.startupGrace(duration(b, v, f)));
        fields.put("startTimeout", (v, f) -> b.startTimeout(duration(b, v, f)));
        fields.put("stopTimeout", (v, f) -> b.stopTimeout(duration(b, v, f)));
        fields.put("killTimeout", (v, f) -> b.killTimeout(duration(b, v, f)));
        fields.put("confirmTimeout", (v, f) -> b.confirmTimeout(duration(b, v, f)));
        fields.put("fenceTimeout", (v, f) -> b.fenceTimeout(duration(b, v, f)));
        fields.put("leaseTimeout", (v, f) -> b.leaseTimeout(duration(b, v, f)));
        fields.put("replicaTimeout", (v, f) -> b.replicaTimeout(duration(b, v, f)));
        fields.put("routeTimeout", (v, f) -> b.routeTimeout(duration(b, v, f)));
        fields.put("maxMaintenance", (v, f) -> b.maxMaintenance(duration(b, v, f)));
        fields.put("failoverBudget", (v, f) -> b.failoverBudget(duration(b, v, f)));
        fields.put("fencingRequired", (v, f) -> {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(f + " must be true or false, not " + shown(v));
            }
            b.fencingRequired(v.booleanValue());
        });
        fields.put("fencingLevels", (v, f) -> {
            if (!v.isArray()) {
                throw new IllegalArgumentException(f + " must be an array of level names, not " + shown(v));
            }
            List<String> levels = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                levels.add(text(v.get(i), f + "[" + i + "]"));
            }
            b.fencingLevels(levels);
        });
        fields.put("fencingDelays", (v, f) -> {
            if (!v.isObject()) {
                throw new IllegalArgumentException(f + " must be an object of node name to duration, not " + shown(v));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = f + "." + e.getKey();
                b.fencingDelay(node(e.getKey(), field + " key"), duration(b, e.getValue(), field));
            }
        });
        fields.put("failureTable", (v, f) -> {
            if (!v.isObject()) {
                throw new IllegalArgumentException(f + " must be an object of failure kind to reaction, not "
                        + shown(v));
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
                throw new IllegalArgumentException("unknown field '" + prefix + printable(name) + "'; known fields: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String text(JsonNode v, String field) {
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string, not " + shown(v));
        }
        return v.textValue();
    }

    private static int integer(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be a whole number, not " + shown(v));
        }
        return v.intValue();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + printable(value) + "' is not one of "
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
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        String t = text.trim();
        String shown = field + " '" + printable(text) + "'";
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            String digits = m.group(2);
            // 13 digits of days already exceed any bound; refusing them here keeps every multiplication in range.
            if (digits.replaceFirst("^0+(?=.)", "").length() > 12) {
                throw new IllegalArgumentException(shown + " is too long: at most " + Policy.MAX_WINDOW);
            }
            long n = Long.parseLong(digits);
            Duration d = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return bounded("-".equals(m.group(1)) ? d.negated() : d, shown);
        }
        Duration d;
        try {
            d = Duration.parse(t);
        } catch (DateTimeParseException e) {
            if (e.getCause() instanceof ArithmeticException) {
                throw new IllegalArgumentException(shown + " is too long: at most " + Policy.MAX_WINDOW, e);
            }
            throw new IllegalArgumentException(shown + " is not a duration: use ISO-8601 (PT15S) or"
                    + " a number with ms, s, m, h or d (15s)", e);
        }
        return bounded(d, shown);
    }

    private static Duration bounded(Duration d, String shown) {
        if (d.abs().compareTo(Policy.MAX_WINDOW) > 0) {
            throw new IllegalArgumentException(shown + " is too long: at most " + Policy.MAX_WINDOW);
        }
        return d;
    }

    private static Duration duration(Policy.Builder b, JsonNode v, String field) {
        String text = text(v, field);
        b.written(field.substring("policy.".length()), text);
        return parseDuration(text, field);
    }

    /** A JSON value for an error message: short and printable, whatever the document held. */
    private static String shown(JsonNode v) {
        return v == null ? "nothing" : printable(v.toString());
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return s.length() > 80 ? b + "..." : b.toString();
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
