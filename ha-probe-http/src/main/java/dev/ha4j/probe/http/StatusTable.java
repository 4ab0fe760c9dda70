package dev.ha4j.probe.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.HealthStatus;
import dev.ha4j.core.ProbeResult;
import dev.ha4j.probe.http.internal.CodePattern;
import dev.ha4j.probe.http.internal.Text;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How one product answers its status endpoint: which JSON field holds the state, and for each state the HTTP
 * codes the product sends with it and the verdict it means. A verdict is keyed on the JSON state <em>and</em>
 * the code, never on the code alone — except for rules that are deliberately code-only (such as "404 means the
 * web application failed to deploy") and for tables without a state field ({@link #GENERIC_2XX}).
 *
 * <h2>How an answer is classified</h2>
 * <ol>
 *   <li>A redirect (3xx) is always {@link FailureKind#BAD_RESPONSE}: it is never followed, because any other
 *       URL may be a maintenance page. No table can map 3xx codes.</li>
 *   <li>Code rules are tried in the order they were declared; the first whose codes contain the HTTP code
 *       decides, whatever the body says.</li>
 *   <li>With a state field: the body must be a JSON object whose state field is text. The state (trimmed and
 *       compared case-insensitively) selects a state rule; if the HTTP code is one the rule lists, the rule's
 *       verdict stands. An unknown state, a code the rule does not list, an empty body or a body that is not
 *       JSON is {@link FailureKind#BAD_RESPONSE} with a detail saying which.</li>
 *   <li>Without a state field: a code that no code rule matches is {@link FailureKind#BAD_RESPONSE}.</li>
 * </ol>
 * A body larger than the probe's cap reaches the table as its first part only ({@link Answer#complete()}
 * false): the verdict stands when the state field is in that part, otherwise it is
 * {@link FailureKind#BAD_RESPONSE}.
 *
 * <h2>Built-in tables</h2>
 * <table>
 *   <caption>Shipped tables</caption>
 *   <tr><th>table</th><th>path, field</th><th>rules</th></tr>
 *   <tr><td>{@link #BITBUCKET}</td><td>{@code /status}, {@code state}</td><td>RUNNING 200 healthy, FIRST_RUN
 *   200, STARTING 503, STOPPING 503, MAINTENANCE 200 or 503, ERROR 5xx failed (ERROR); the product's own 404
 *   failed (START_FAILED: web application failed to deploy; a proxy's own 404 page is BAD_RESPONSE)</td></tr>
 *   <tr><td>{@link #JIRA}, {@link #CONFLUENCE}</td><td>{@code /status}, {@code state}</td><td>RUNNING 200,
 *   FIRST_RUN 200, STARTING 200, STOPPING 200, MAINTENANCE 503, ERROR 5xx (ERROR); the product's own 404
 *   (START_FAILED)</td></tr>
 *   <tr><td>{@link #SPRING_BOOT_ACTUATOR}</td><td>{@code /actuator/health} (or
 *   {@link #springBootActuatorGroup(String) a group}), {@code status}</td><td>UP 200 healthy, DOWN 503 and
 *   FATAL 503/500 failed (ERROR), OUT_OF_SERVICE 503/500 maintenance (starting until the node was first
 *   healthy); the application's own 404 failed (START_FAILED: endpoint or group not enabled, a configuration
 *   error)</td></tr>
 *   <tr><td>{@link #GENERIC_2XX}</td><td>{@code /status}, none</td><td>2xx healthy, 5xx failed (ERROR)</td></tr>
 * </table>
 *
 * <h2>User tables</h2>
 * Build one with {@link #builder(String)} or read one with {@link #fromJson(String)}; the JSON form is what
 * {@link #toJson()} writes:
 * <pre>{@code
 * {
 *   "name": "bitbucket",
 *   "path": "/status",
 *   "stateField": "state",
 *   "states": {
 *     "RUNNING":     {"codes": ["200"], "status": "HEALTHY"},
 *     "MAINTENANCE": {"codes": ["200", "503"], "status": "MAINTENANCE"},
 *     "ERROR":       {"codes": ["5xx"], "status": "FAILED", "failure": "ERROR"}
 *   },
 *   "codes": [
 *     {"codes": ["404"], "status": "FAILED", "failure": "START_FAILED",
 *      "detail": "web application failed to deploy"}
 *   ]
 * }
 * }</pre>
 * {@code stateField} is a top-level field name or, when it starts with {@code /}, a JSON Pointer
 * ({@code /health/state}). Code patterns are {@code 200}, {@code 2xx} or {@code 500-599}. Statuses are
 * {@link HealthStatus} names except {@code UNREACHABLE} (a server that answered is reachable); {@code failure}
 * is a {@link FailureKind} name, required exactly when the status is {@code FAILED}.
 *
 * <p>Immutable and thread-safe.
 */
public final class StatusTable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MAX_STATE_LENGTH = 64;
    private static final HttpHeaders EMPTY_HEADERS = HttpHeaders.of(Map.of(), (k, v) -> true);
    private static final int MAX_DETAIL_LENGTH = 120;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Atlassian Bitbucket (and Stash): MAINTENANCE is 200 or 503, STARTING and STOPPING 503. */
    public static final StatusTable BITBUCKET = atlassian("bitbucket", "503", "200", "503");
    /** Atlassian Jira: MAINTENANCE is 503, STARTING and STOPPING 200. */
    public static final StatusTable JIRA = atlassian("jira", "200", "503");
    /** Atlassian Confluence: MAINTENANCE is 503, STARTING and STOPPING 200. */
    public static final StatusTable CONFLUENCE = atlassian("confluence", "200", "503");
    /**
     * Spring Boot Actuator's main health endpoint, {@code /actuator/health}, with the default status-to-code
     * mapping and the documented custom one ({@code FATAL} 503, {@code OUT_OF_SERVICE} 500). Prefer a group
     * without external dependencies ({@link #springBootActuatorGroup(String)}): the main endpoint aggregates every
     * indicator, so a database outage makes it DOWN, and ha4j would restart a service for its database.
     */
    public static final StatusTable SPRING_BOOT_ACTUATOR = actuator("spring-boot-actuator", "/actuator/health");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** Any service whose health is its HTTP code alone: 2xx healthy, 5xx an error, anything else not understood. */
    public static final StatusTable GENERIC_2XX = builder("generic-2xx")
            .path("/status")
            .code("2xx", HealthStatus.HEALTHY, "")
            .code("5xx", FailureKind.ERROR, "")
            .build();

    private final String name;
    private final String path;
    private final String stateField;
    private final JsonPointer statePointer;
    private final Map<String, StateRule> states;
    private final List<CodeRule> codeRules;

    private StatusTable(Builder b, Map<String, StateRule> states, List<CodeRule> codeRules) {
        this.name = b.name;
        this.path = b.path;
        this.stateField = b.stateField;
        this.statePointer = b.stateField == null ? null
                : b.stateField.startsWith("/") ? JsonPointer.compile(b.stateField)
                : JsonPointer.compile("/" + b.stateField.replace("~", "~0").replace("/", "~1"));
        this.states = states;
        this.codeRules = codeRules;
    }

    /**
     * Spring Boot Actuator's health group {@code /actuator/health/<group>}, with the same rules as
     * {@link #SPRING_BOOT_ACTUATOR}. {@code readiness} is OUT_OF_SERVICE until the application is ready (read as
     * STARTING until the node has answered UP once) and when it refuses traffic on purpose (MAINTENANCE);
     * {@code liveness} is DOWN only when the application is broken. A 404 from the application means the group
     * is not enabled there (for {@code liveness} and {@code readiness}: {@code
     * management.endpoint.health.probes.enabled=true}): a configuration error, reported as START_FAILED so that
     * the cluster blocks with that detail instead of restarting a service that is fine.
     *
     * @param group the group's name, such as {@code readiness} or a group of your own
     * @return the table for that group
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if {@code group} is not 1-63 characters of {@code [A-Za-z0-9._-]}
     */
    public static StatusTable springBootActuatorGroup(String group) {
        Objects.requireNonNull(group, "group");
        if (!GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("health group '" + Text.printable(group, 63) + "' is invalid: use"
                    + " 1-63 characters of [A-Za-z0-9._-]");
        }
        return actuator("spring-boot-actuator-" + group, "/actuator/health/" + group);
    }

    private static StatusTable actuator(String name, String path) {
        return builder(name)
                .path(path)
                .stateField("status")
                .state("UP", HealthStatus.HEALTHY, "200")
                .state("DOWN", FailureKind.ERROR, "503")
                .state("FATAL", FailureKind.ERROR, "503", "500")
                .state("OUT_OF_SERVICE", HealthStatus.MAINTENANCE, "503", "500")
                .untilHealthy("OUT_OF_SERVICE", HealthStatus.STARTING)
                .codeFromProduct("404", FailureKind.START_FAILED, "health endpoint or group not enabled in the"
                        + " application: a configuration error (fix the path or enable the group)")
                .build();
    }

    private static StatusTable atlassian(String name, String startStopCode, String... maintenanceCodes) {
        return builder(name)
                .path("/status")
                .stateField("state")
                .state("RUNNING", HealthStatus.HEALTHY, "200")
                .state("FIRST_RUN", HealthStatus.FIRST_RUN, "200")
                .state("STARTING", HealthStatus.STARTING, startStopCode)
                .state("STOPPING", HealthStatus.STOPPING, startStopCode)
                .state("MAINTENANCE", HealthStatus.MAINTENANCE, maintenanceCodes)
                .state("ERROR", FailureKind.ERROR, "5xx")
                .codeFromProduct("404", FailureKind.START_FAILED, "web application failed to deploy")
                .build();
    }

    /**
     * Starts a table.
     *
     * @param name the table's name, shown in verdict details: 1-63 characters of {@code [A-Za-z0-9._-]}
     * @return a builder
     * @throws NullPointerException if {@code name} is null
     */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /**
     * Reads a table from its JSON form (see the class description).
     *
     * @param json the JSON text
     * @return the table
     * @throws NullPointerException if {@code json} is null
     * @throws IllegalArgumentException if the JSON is malformed or describes an invalid table; the message
     *     names the offending field, its value and the rule
     */
    public static StatusTable fromJson(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("status table JSON is malformed at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + Text.printable(e.getOriginalMessage(), 200), e);
        }
        return fromTree(root);
    }

    /**
     * Reads a table from a UTF-8 JSON file.
     *
     * @param file the file
     * @return the table
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if the file cannot be read or does not hold a valid table
     */
    public static StatusTable fromJson(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read status table file '" + file + "': " + e.getMessage(),
                    e);
        }
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static StatusTable fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("status table JSON must be an object");
        }
        onlyFields(root, "", Set.of("name", "path", "stateField", "states", "codes"));
        Builder b = builder(text(root, "name", true));
        String path = text(root, "path", false);
        if (path != null) {
            b.path(path);
        }
        String field = text(root, "stateField", false);
        if (field != null) {
            b.stateField(field);
        }
        JsonNode states = root.get("states");
        if (states != null && !states.isNull()) {
            if (!states.isObject()) {
                throw new IllegalArgumentException("status table JSON: 'states' must be an object of state → rule");
            }
            for (Map.Entry<String, JsonNode> e : states.properties()) {
                String where = "states." + Text.printable(e.getKey(), MAX_STATE_LENGTH);
                JsonNode rule = e.getValue();
                if (!rule.isObject()) {
                    throw new IllegalArgumentException("status table JSON: '" + where + "' must be an object");
                }
                onlyFields(rule, where + ".", Set.of("codes", "status", "failure", "untilHealthy"));
                b.rule(e.getKey(), codes(rule, where), status(rule, where), failure(rule, where), null, where);
                String until = text(rule, "untilHealthy", false, where + ".");
                if (until != null) {
                    b.untilHealthy(e.getKey(), status(until, where + ".untilHealthy"));
                }
            }
        }
        JsonNode codes = root.get("codes");
        if (codes != null && !codes.isNull()) {
            if (!codes.isArray()) {
                throw new IllegalArgumentException("status table JSON: 'codes' must be an array of code rules");
            }
            for (int i = 0; i < codes.size(); i++) {
                String where = "codes[" + i + "]";
                JsonNode rule = codes.get(i);
                if (!rule.isObject()) {
                    throw new IllegalArgumentException("status table JSON: '" + where + "' must be an object");
                }
                onlyFields(rule, where + ".", Set.of("codes", "status", "failure", "detail", "fromProductOnly"));
                String detail = text(rule, "detail", false, where + ".");
                b.rule(null, codes(rule, where), status(rule, where), failure(rule, where),
                        detail == null ? "" : detail, where);
                JsonNode only = rule.get("fromProductOnly");
                if (only != null && !only.isNull()) {
                    if (!only.isBoolean()) {
                        throw new IllegalArgumentException("status table JSON: field '" + where
                                + ".fromProductOnly' must be true or false, was " + only.getNodeType());
                    }
                    b.rules.get(b.rules.size() - 1).fromProductOnly = only.booleanValue();
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status table JSON: " + e.getMessage(), e);
        }
    }

    private static void onlyFields(JsonNode node, String prefix, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw new IllegalArgumentException("status table JSON: unknown field '" + prefix
                        + Text.printable(n, 40) + "': allowed are " + allowed.stream().sorted()
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    private static String text(JsonNode node, String field, boolean required) {
        return text(node, field, required, "");
    }

    private static String text(JsonNode node, String field, boolean required, String prefix) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("status table JSON: field '" + prefix + field
                        + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("status table JSON: field '" + prefix + field + "' must be text, was "
                    + v.getNodeType());
        }
        return v.asText();
    }

    private static List<String> codes(JsonNode rule, String where) {
        JsonNode c = rule.get("codes");
        if (c == null || !c.isArray()) {
            throw new IllegalArgumentException("status table JSON: '" + where
                    + ".codes' is required and must be an array such as [\"200\", \"5xx\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : c) {
            if (n.isInt()) {
                out.add(Integer.toString(n.intValue()));
            } else if (n.isTextual()) {
                out.add(n.asText());
            } else {
                throw new IllegalArgumentException("status table JSON: '" + where + ".codes' holds "
                        + n.getNodeType() + "; use codes as text (\"200\", \"2xx\", \"500-599\") or numbers");
            }
        }
        return out;
    }

    private static HealthStatus status(JsonNode rule, String where) {
        return status(text(rule, "status", true, where + "."), where + ".status");
    }

    private static HealthStatus status(String s, String where) {
        try {
            return HealthStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status table JSON: '" + where + "' is '"
                    + Text.printable(s, 40) + "': use one of HEALTHY, STARTING, STOPPING, MAINTENANCE, FIRST_RUN,"
                    + " FAILED", e);
        }
    }

    private static FailureKind failure(JsonNode rule, String where) {
        String s = text(rule, "failure", false, where + ".");
        if (s == null) {
            return null;
        }
        try {
            return FailureKind.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status table JSON: '" + where + ".failure' is '"
                    + Text.printable(s, 40) + "': use a FailureKind name such as ERROR, START_FAILED, BAD_RESPONSE",
                    e);
        }
    }

    /** @return the table's name, shown in verdict details */
    public String name() {
        return name;
    }

    /** @return the path probed when the probe's configuration does not set one, such as {@code /status} */
    public String defaultPath() {
        return path;
    }

    /** @return the JSON field (or JSON Pointer) holding the state; empty for a code-only table */
    public Optional<String> stateField() {
        return Optional.ofNullable(stateField);
    }

    /** @return the states this table knows, upper-case, in declaration order */
    public Set<String> states() {
        return states.keySet();
    }

    /**
     * Classifies one complete answer. The probe calls this with a body it has already capped; it is public so
     * that a user table can be unit-tested without a server.
     *
     * @param httpCode the HTTP status code
     * @param body the response body (at most the probe's cap)
     * @return the verdict, with zero latency
     * @throws NullPointerException if {@code body} is null
     */
    public ProbeResult classify(int httpCode, byte[] body) {
        Objects.requireNonNull(body, "body");
        return classify(new Answer(httpCode, EMPTY_HEADERS, body, true, true));
    }

    /**
     * One answer as the probe saw it: the code, the headers, the body or the first part of it, and whether the
     * node has answered healthy since it last failed to answer at all (a restart).
     *
     * @param code the HTTP status code
     * @param headers the response headers
     * @param body the body, or its first bytes when {@code complete} is false (a body larger than the cap)
     * @param complete whether {@code body} is the whole body
     * @param healthySeen whether this node has answered HEALTHY since the probe last could not reach its service;
     *     a state with an "until healthy" status (OUT_OF_SERVICE before readiness) uses it
     */
    public record Answer(int code, HttpHeaders headers, byte[] body, boolean complete, boolean healthySeen) {
        /**
         * Checks the parts.
         *
         * @throws NullPointerException if {@code headers} or {@code body} is null
         */
        public Answer {
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Classifies one answer with its headers. A body larger than the cap ({@code complete} false) is judged on
     * its first bytes when the state field is among them (Actuator's {@code status} comes first even with
     * {@code show-details=always}); otherwise it is {@link FailureKind#BAD_RESPONSE}.
     *
     * @param a the answer
     * @return the verdict, with zero latency
     * @throws NullPointerException if {@code a} is null
     */
    public ProbeResult classify(Answer a) {
        Objects.requireNonNull(a, "answer");
        int httpCode = a.code();
        byte[] body = a.body();
        if (httpCode >= 300 && httpCode <= 399) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "redirect (HTTP " + httpCode + ") not followed");
        }
        Optional<String> proxy = proxyOf(a.headers(), body);
        for (CodeRule r : codeRules) {
            if (r.matches(httpCode)) {
                if (r.fromProductOnly && proxy.isPresent()) {
                    return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + " from " + proxy.get()
                            + ": the proxy's own page, not " + name + "'s answer (" + proxyHint(httpCode) + ")");
                }
                return verdict(r.status, r.failure, "HTTP " + httpCode + (r.detail.isEmpty() ? "" : ": " + r.detail)
                        + " (" + name + ")");
            }
        }
        String auth = httpCode == 401 || httpCode == 403 ? " (authentication refused?)" : "";
        String from = proxy.map(x -> " from " + x + " (" + proxyHint(httpCode) + ")").orElse("");
        if (statePointer == null) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + from + " is not in table "
                    + name + auth);
        }
        if (body.length == 0) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + from + " with an empty body;"
                    + " expected JSON with field '" + stateField + "' (" + name + ")" + auth);
        }
        JsonNode stateNode;
        if (a.complete()) {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (IOException e) {
                return notJson(a, from, auth);
            }
            stateNode = root == null || !root.isObject() ? null : root.at(statePointer);
        } else {
            stateNode = stateInPrefix(body);
            if (stateNode == null) {
                return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + from + " body is larger"
                        + " than the " + body.length + "-byte cap and its first " + body.length + " bytes hold no"
                        + " text field '" + stateField + "' (" + name + ")" + encoding(a) + auth);
            }
        }
        if (stateNode == null || !stateNode.isTextual()) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + from + " JSON has no text field '"
                    + stateField + "' (" + name + ")" + auth);
        }
        String state = normalise(stateNode.asText());
        StateRule rule = states.get(state);
        String shown = Text.printable(state, MAX_STATE_LENGTH);
        if (rule == null) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + " with unknown state '" + shown
                    + "' (" + name + ")");
        }
        if (!rule.matches(httpCode)) {
            return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + httpCode + " with state " + shown + ", but "
                    + name + " sends " + shown + " with " + rule.codesText());
        }
        String part = a.complete() ? "" : " (read from the first " + body.length + " bytes of a larger body)";
        if (rule.untilHealthy != null && !a.healthySeen()) {
            return verdict(rule.untilHealthy, null, "HTTP " + httpCode + " state " + shown + " before the node was"
                    + " first healthy: " + rule.untilHealthy.name().toLowerCase(Locale.ROOT) + " (" + name + ")" + part);
        }
        return verdict(rule.status, rule.failure, "HTTP " + httpCode + " state " + shown + " (" + name + ")" + part);
    }

    private ProbeResult notJson(Answer a, String from, String auth) {
        return ProbeResult.failed(FailureKind.BAD_RESPONSE, "HTTP " + a.code() + from + " body is not valid JSON ("
                + a.body().length + " bytes" + encoding(a) + ") (" + name + ")" + auth);
    }

    /** Names a content coding the probe did not undo, so "not JSON" does not send an operator hunting. */
    private static String encoding(Answer a) {
        Optional<String> ce = a.headers().firstValue("content-encoding");
        if (ce.isPresent() && !ce.get().isBlank() && !"identity".equalsIgnoreCase(ce.get().trim())) {
            return ", Content-Encoding " + Text.printable(ce.get().trim(), 40) + ", which the probe does not decode";
        }
        byte[] b = a.body();
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            return ", gzip-compressed without a Content-Encoding header";
        }
        return "";
    }

    /** Reads the state field from the first bytes of a JSON body, as far as they go; null if not among them. */
    private JsonNode stateInPrefix(byte[] prefix) {
        try (JsonParser p = JSON.getFactory().createParser(prefix)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING && statePointer.equals(p.getParsingContext().pathAsPointer())) {
                    return JSON.getNodeFactory().textNode(p.getText());
                }
            }
        } catch (IOException e) {
            // The prefix ends mid-document (or is not JSON): the state was not among the bytes read.
        }
        return null;
    }

    private static final Pattern PROXY_SERVER = Pattern.compile(
            "(?i)^(nginx|openresty|apache|httpd|envoy|haproxy|caddy|traefik|varnish|squid|cloudflare|awselb|akamai"
            + "|istio-envoy|kong|lighttpd|microsoft-iis)\\b.*");

    /**
     * Who produced an answer that is not the product's own: a proxy's error page. A JSON body or Tomcat's own
     * error report ("HTTP Status 404") is the product's, even through a proxy that rewrote the Server header.
     */
    static Optional<String> proxyOf(HttpHeaders headers, byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.ISO_8859_1);
        String trimmed = head.stripLeading();
        if (trimmed.startsWith("{") || head.contains("HTTP Status ")) {
            return Optional.empty();
        }
        for (String sig : new String[] {"nginx", "openresty", "Apache", "Envoy", "HAProxy", "Varnish", "cloudflare"}) {
            if (head.contains("<center>" + sig) || head.contains("<address>" + sig) || head.contains("<hr>" + sig)) {
                return Optional.of(headers.firstValue("server").map(v -> Text.printable(v, 40)).orElse(sig));
            }
        }
        Optional<String> server = headers.firstValue("server").filter(v -> PROXY_SERVER.matcher(v).matches());
        if (server.isPresent()) {
            return Optional.of(Text.printable(server.get(), 40));
        }
        return headers.firstValue("via").map(v -> "a proxy (Via: " + Text.printable(v, 40) + ")");
    }

    private static String proxyHint(int code) {
        return switch (code) {
            case 502 -> "upstream down: the proxy cannot reach the service";
            case 503 -> "no upstream available to the proxy";
            case 504 -> "upstream slow: the proxy timed out waiting for the service";
            case 404 -> "check the proxy's route to the service";
            default -> "the answer did not come from the service";
        };
    }

    private static ProbeResult verdict(HealthStatus status, FailureKind failure, String detail) {
        return new ProbeResult(status, Optional.ofNullable(failure), detail, Duration.ZERO);
    }

    private static String normalise(String state) {
        return state.trim().toUpperCase(Locale.ROOT);
    }

    /**
     * @return this table in the JSON form {@link #fromJson(String)} reads
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name);
        root.put("path", path);
        if (stateField != null) {
            root.put("stateField", stateField);
            ObjectNode s = root.putObject("states");
            for (StateRule r : states.values()) {
                ObjectNode o = s.putObject(r.state);
                putRule(o, r.codes, r.status, r.failure);
                if (r.untilHealthy != null) {
                    o.put("untilHealthy", r.untilHealthy.name());
                }
            }
        }
        if (!codeRules.isEmpty()) {
            ArrayNode a = root.putArray("codes");
            for (CodeRule r : codeRules) {
                ObjectNode o = a.addObject();
                putRule(o, r.codes, r.status, r.failure);
                if (!r.detail.isEmpty()) {
                    o.put("detail", r.detail);
                }
                if (r.fromProductOnly) {
                    o.put("fromProductOnly", true);
                }
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private static void putRule(ObjectNode o, List<CodePattern> codes, HealthStatus status, FailureKind failure) {
        ArrayNode c = o.putArray("codes");
        codes.forEach(p -> c.add(p.toString()));
        o.put("status", status.name());
        if (failure != null) {
            o.put("failure", failure.name());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusTable && toJson().equals(((StatusTable) o).toJson());
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "StatusTable[" + name + " " + path + (stateField == null ? " code-only" : " field " + stateField)
                + ", " + states.size() + " states, " + codeRules.size() + " code rules]";
    }

    private static final class StateRule {
        final String state;
        final List<CodePattern> codes;
        final HealthStatus status;
        final FailureKind failure;
        final HealthStatus untilHealthy;

        StateRule(String state, List<CodePattern> codes, HealthStatus status, FailureKind failure,
                HealthStatus untilHealthy) {
            this.state = state;
            this.codes = codes;
            this.status = status;
            this.failure = failure;
            this.untilHealthy = untilHealthy;
        }

        boolean matches(int code) {
            for (CodePattern p : codes) {
                if (p.matches(code)) {
                    return true;
                }
            }
            return false;
        }

        String codesText() {
            return codes.stream().map(CodePattern::toString).collect(Collectors.joining(" or "));
        }
    }

    private static final class CodeRule {
        final List<CodePattern> codes;
        final HealthStatus status;
        final FailureKind failure;
        final String detail;
        final boolean fromProductOnly;

        CodeRule(List<CodePattern> codes, HealthStatus status, FailureKind failure, String detail,
                boolean fromProductOnly) {
            this.codes = codes;
            this.status = status;
            this.failure = failure;
            this.detail = detail;
            this.fromProductOnly = fromProductOnly;
        }

        boolean matches(int code) {
            for (CodePattern p : codes) {
                if (p.matches(code)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Collects the rules of a {@link StatusTable}; {@link #build()} validates them.
     *
     * <p>Not thread-safe; use one builder from one thread.
     */
    public static final class Builder {
        private final String name;
        private String path = "/status";
        private String stateField;
        private final List<RawRule> rules = new ArrayList<>();
        private final Map<String, HealthStatus> untilHealthy = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param path the path probed by default, starting with {@code /}; default {@code /status}
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param field the top-level JSON field holding the state, or a JSON Pointer starting with {@code /};
         *     leave unset for a code-only table
         * @return this builder
         * @throws NullPointerException if {@code field} is null
         */
        public Builder stateField(String field) {
            this.stateField = Objects.requireNonNull(field, "stateField");
            return this;
        }

        /**
         * Adds a state whose verdict is not a failure.
         *
         * @param state the state as the product writes it (compared case-insensitively)
         * @param status the verdict: any status but {@code FAILED} and {@code UNREACHABLE}
         * @param codes the HTTP codes the product sends with this state: {@code 200}, {@code 2xx} or
         *     {@code 500-599}
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder state(String state, HealthStatus status, String... codes) {
            return rule(Objects.requireNonNull(state, "state"), List.of(codes), Objects.requireNonNull(status,
                    "status"), null, null, "state '" + Text.printable(state, MAX_STATE_LENGTH) + "'");
        }

        /**
         * Adds a state whose verdict is {@link HealthStatus#FAILED} with the given kind.
         *
         * @param state the state as the product writes it (compared case-insensitively)
         * @param failure the failure kind
         * @param codes the HTTP codes the product sends with this state
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder state(String state, FailureKind failure, String... codes) {
            return rule(Objects.requireNonNull(state, "state"), List.of(codes), HealthStatus.FAILED,
                    Objects.requireNonNull(failure, "failure"), null,
                    "state '" + Text.printable(state, MAX_STATE_LENGTH) + "'");
        }

        /**
         * Adds a code rule with a non-failure verdict; it decides on the HTTP code alone, before any state.
         *
         * @param codes a code pattern, or several separated by commas ({@code "200,204"})
         * @param status the verdict: any status but {@code FAILED} and {@code UNREACHABLE}
         * @param detail what the code means, for the verdict's detail; may be empty
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder code(String codes, HealthStatus status, String detail) {
            return rule(null, split(codes), Objects.requireNonNull(status, "status"), null,
                    Objects.requireNonNull(detail, "detail"), "code rule '" + Text.printable(codes, 40) + "'");
        }

        /**
         * Adds a code rule whose verdict is {@link HealthStatus#FAILED}; it decides on the HTTP code alone.
         *
         * @param codes a code pattern, or several separated by commas
         * @param failure the failure kind
         * @param detail what the code means, for the verdict's detail; may be empty
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder code(String codes, FailureKind failure, String detail) {
            return rule(null, split(codes), HealthStatus.FAILED, Objects.requireNonNull(failure, "failure"),
                    Objects.requireNonNull(detail, "detail"), "code rule '" + Text.printable(codes, 40) + "'");
        }

        /**
         * Adds a code rule that applies only to the product's own answer: an error page of a proxy in front of
         * it (nginx's 404, say) is {@link FailureKind#BAD_RESPONSE} with a detail naming the proxy instead. A
         * JSON body or Tomcat's error report counts as the product's, whatever the Server header says.
         *
         * @param codes code patterns separated by commas, such as {@code "404"}
         * @param failure the failure kind when the product itself sends the code
         * @param detail text for the verdict detail, at most 120 printable characters
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder codeFromProduct(String codes, FailureKind failure, String detail) {
            code(codes, failure, detail);
            rules.get(rules.size() - 1).fromProductOnly = true;
            return this;
        }

        /**
         * Gives a declared state another status until the node has first answered healthy (since the probe last
         * could not reach its service): Actuator's OUT_OF_SERVICE before readiness is STARTING, afterwards the
         * state's own status (MAINTENANCE).
         *
         * @param state a state declared with {@code state(...)}
         * @param status the status before the first healthy answer: STARTING, MAINTENANCE, STOPPING or FIRST_RUN
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder untilHealthy(String state, HealthStatus status) {
            untilHealthy.put(normalise(Objects.requireNonNull(state, "state")), Objects.requireNonNull(status,
                    "status"));
            return this;
        }

        private static List<String> split(String codes) {
            Objects.requireNonNull(codes, "codes");
            List<String> out = new ArrayList<>();
            for (String s : codes.split(",", -1)) {
                out.add(s.trim());
            }
            return out;
        }

        Builder rule(String state, List<String> codes, HealthStatus status, FailureKind failure, String detail,
                String where) {
            rules.add(new RawRule(state, List.copyOf(codes), status, failure, detail, where));
            return this;
        }

        /**
         * Validates the rules and builds the table.
         *
         * @return the table
         * @throws IllegalArgumentException if the name, path or state field is invalid, a code pattern is
         *     invalid or covers 3xx, a state is blank or declared twice, a status is {@code UNREACHABLE}, a
         *     failure kind is missing or superfluous, a table with a state field has no states, or a table
         *     without one has state rules or no code rules
         */
        public StatusTable build() {
            String prefix = "status table '" + Text.printable(name, 63) + "': ";
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("status table name '" + Text.printable(name, 63)
                        + "' is invalid: use 1-63 characters of [A-Za-z0-9._-], starting with a letter or digit");
            }
            checkPath(prefix, path);
            if (stateField != null) {
                String f = stateField.trim();
                if (f.isEmpty() || f.length() > 200 || !f.equals(Text.printable(f, 200))) {
                    throw new IllegalArgumentException(prefix + "stateField '" + Text.printable(stateField, 60)
                            + "' is invalid: use a field name or a JSON Pointer of 1-200 printable characters");
                }
                if (f.startsWith("/")) {
                    try {
                        JsonPointer.compile(f);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(prefix + "stateField '" + Text.printable(f, 60)
                                + "' is not a valid JSON Pointer: " + e.getMessage(), e);
                    }
                }
                stateField = f;
            }
            Map<String, StateRule> states = new LinkedHashMap<>();
            List<CodeRule> codeRules = new ArrayList<>();
            for (RawRule r : rules) {
                String where = prefix + r.where;
                List<CodePattern> patterns = patterns(where, r.codes);
                if (r.status == HealthStatus.UNREACHABLE) {
                    throw new IllegalArgumentException(where + ": status UNREACHABLE is not allowed: a server that"
                            + " answered is reachable; use FAILED with a failure kind");
                }
                if ((r.status == HealthStatus.FAILED) != (r.failure != null)) {
                    throw new IllegalArgumentException(where + (r.failure == null
                            ? ": status FAILED needs a failure kind"
                            : ": failure " + r.failure + " is only allowed with status FAILED, not " + r.status));
                }
                if (r.state != null) {
                    String s = normalise(r.state);
                    if (s.isEmpty() || s.length() > MAX_STATE_LENGTH || !s.equals(Text.printable(s, MAX_STATE_LENGTH))) {
                        throw new IllegalArgumentException(where + ": a state must be 1-" + MAX_STATE_LENGTH
                                + " printable characters");
                    }
                    if (states.containsKey(s)) {
                        throw new IllegalArgumentException(where + ": state " + s + " is declared twice (states are"
                                + " compared case-insensitively)");
                    }
                    HealthStatus until = untilHealthy.get(s);
                    states.put(s, new StateRule(s, patterns, r.status, r.failure, until));
                } else {
                    String d = r.detail.trim();
                    if (d.length() > MAX_DETAIL_LENGTH || !d.equals(Text.printable(d, MAX_DETAIL_LENGTH))) {
                        throw new IllegalArgumentException(where + ": detail must be at most " + MAX_DETAIL_LENGTH
                                + " printable characters");
                    }
                    codeRules.add(new CodeRule(patterns, r.status, r.failure, d, r.fromProductOnly));
                }
            }
            for (Map.Entry<String, HealthStatus> e : untilHealthy.entrySet()) {
                if (!states.containsKey(e.getKey())) {
                    throw new IllegalArgumentException(prefix + "untilHealthy names state " + e.getKey()
                            + ", which is not declared");
                }
                if (e.getValue() == HealthStatus.FAILED || e.getValue() == HealthStatus.UNREACHABLE
                        || e.getValue() == HealthStatus.HEALTHY) {
                    throw new IllegalArgumentException(prefix + "state " + e.getKey() + ": untilHealthy "
                            + e.getValue() + " is not allowed: use STARTING, MAINTENANCE, STOPPING or FIRST_RUN");
                }
            }
            if (stateField != null && states.isEmpty()) {
                throw new IllegalArgumentException(prefix + "stateField '" + stateField + "' is set but no state is"
                        + " declared: add states, or drop stateField for a code-only table");
            }
            if (stateField == null && !states.isEmpty()) {
                throw new IllegalArgumentException(prefix + "states " + states.keySet() + " are declared but"
                        + " stateField is not set: name the JSON field that holds the state");
            }
            if (stateField == null && codeRules.isEmpty()) {
                throw new IllegalArgumentException(prefix + "the table is empty: declare a stateField with states,"
                        + " or code rules");
            }
            return new StatusTable(this, java.util.Collections.unmodifiableMap(states), List.copyOf(codeRules));
        }

        private static List<CodePattern> patterns(String where, List<String> codes) {
            if (codes.isEmpty()) {
                throw new IllegalArgumentException(where + ": no HTTP codes given: list the codes the product sends");
            }
            List<CodePattern> out = new ArrayList<>();
            for (String c : codes) {
                CodePattern p;
                try {
                    p = CodePattern.parse(c);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                if (p.overlapsRedirects()) {
                    throw new IllegalArgumentException(where + ": code pattern '" + p + "' covers 3xx: redirects are"
                            + " never followed and always fail (any other URL may be a maintenance page)");
                }
                out.add(p);
            }
            return List.copyOf(out);
        }

        static void checkPath(String prefix, String path) {
            if (!path.startsWith("/") || path.length() > 200 || path.contains("#")
                    || !path.equals(Text.printable(path, 200)) || path.contains(" ")) {
                throw new IllegalArgumentException(prefix + "path '" + Text.printable(path, 60) + "' is invalid: it"
                        + " must start with '/', hold no spaces, control characters or '#', and be at most 200"
                        + " characters");
            }
            try {
                new URI("http://h" + path);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(prefix + "path '" + Text.printable(path, 60) + "' is not a valid"
                        + " URI path: " + e.getReason(), e);
            }
        }
    }

    private static final class RawRule {
        final String state;
        final List<String> codes;
        final HealthStatus status;
        final FailureKind failure;
        final String detail;
        final String where;
        boolean fromProductOnly;

        RawRule(String state, List<String> codes, HealthStatus status, FailureKind failure, String detail,
                String where) {
            this.state = state;
            this.codes = codes;
            this.status = status;
            this.failure = failure;
            this.detail = detail;
            this.where = where;
        }
    }
}
