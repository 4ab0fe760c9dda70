package dev.ha4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ha4j.core.FailureKind;
import dev.ha4j.core.Reaction;
import dev.ha4j.core.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link ConfigJson#read(String)}: every document is a valid one with one to three fields
 * replaced by random values (huge, negative, fractional, garbage, wrong types), or a valid one broken as text
 * (duplicate key, trailing document, truncated, a stray character). The reader must return a configuration that
 * writes and reads back equal, or throw an {@link IllegalArgumentException} whose message names one of the
 * fields changed (with its path); nothing else.
 *
 * <p>{@code -Dha4j.config.documents=N} sets how many documents (default 20,000); {@code -Dha4j.config.seed=S}
 * replays one; {@code -Dha4j.config.baseSeed=B} moves the whole run.
 */
class ConfigFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] DURATIONS = {"probeInterval", "probeTimeout", "firstProbeTimeout",
        "recheckInterval", "standbyProbeInterval", "failoverWindow", "startupGrace", "startTimeout", "stopTimeout",
        "killTimeout", "confirmTimeout", "fenceTimeout", "leaseTimeout", "replicaTimeout", "routeTimeout",
        "maxMaintenance", "failoverBudget", "restartWindow"};
    private static final String[] INTS = {"restartLimit", "failuresBeforeAction", "maxFailovers"};
    private static final String[] OTHERS = {"fencingRequired", "fencingLevels", "fencingDelays", "failureTable"};
    private static final String[] TOP = {"cluster", "nodes", "policy"};

    @Test
    void everyDocumentIsAValidConfigOrAnIllegalArgumentNamingAFieldItChanged() {
        String only = System.getProperty("ha4j.config.seed");
        int documents = Integer.getInteger("ha4j.config.documents", 20_000);
        long base = Long.getLong("ha4j.config.baseSeed", 20261202L);
        int valid = 0;
        if (only != null && !only.isBlank()) {
            valid += run(Long.parseLong(only.trim())) ? 1 : 0;
        } else {
            for (int i = 0; i < documents; i++) {
                valid += run(base + i) ? 1 : 0;
            }
        }
        System.out.println("config documents: " + (only != null ? 1 : documents) + ", valid: " + valid);
        // The mutations must exercise both outcomes, or the test proves little.
        if (only == null) {
            assertThat(valid).isBetween(documents / 50, documents - documents / 50);
        }
    }

    /** Reads one document; returns whether it was valid. */
    private static boolean run(long seed) {
        Random rnd = new Random(seed);
        ObjectNode doc = base(rnd);
        List<String> changed = new ArrayList<>();
        String text;
        int shape = rnd.nextInt(20);
        if (shape == 0) {
            text = duplicateKey(rnd, doc, changed);
        } else if (shape == 1) {
            text = doc + (rnd.nextBoolean() ? " {\"nodes\":[\"x\"]}" : " 1");
            changed.add("JSON");
        } else if (shape == 2) {
            String s = doc.toString();
            text = s.substring(0, rnd.nextInt(s.length()));
            changed.add("JSON");
        } else if (shape == 3) {
            String s = doc.toString();
            int at = rnd.nextInt(s.length());
            String stray = "{}[],:\"\\x0 \u0000\u00e9";
            text = s.substring(0, at) + stray.charAt(rnd.nextInt(stray.length())) + s.substring(at);
            // A stray character may land inside a value or a name, or break the syntax.
            changed.add("*");
        } else {
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                mutate(rnd, doc, changed);
            }
            text = doc.toString();
        }
        ClusterConfig c;
        try {
            c = ConfigJson.read(text);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) {
                fail(report(seed, text, changed, "an IllegalArgumentException without a message"), e);
            }
            if (!changed.contains("*") && changed.stream().noneMatch(m::contains)) {
                fail(report(seed, text, changed, "the message names none of the changed fields: " + m), e);
            }
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(report(seed, text, changed, "threw " + e), e);
        }
        ClusterConfig back;
        try {
            back = ConfigJson.read(ConfigJson.write(c));
        } catch (RuntimeException e) {
            throw new AssertionError(report(seed, text, changed, "written form does not read back: " + e), e);
        }
        if (!back.policy().equals(c.policy()) || !back.nodes().equals(c.nodes()) || !back.name().equals(c.name())) {
            fail(report(seed, text, changed, "written form reads back different"));
        }
        return true;
    }

    private static String report(long seed, String doc, List<String> changed, String what) {
        return "config fuzz seed " + seed + " (replay with -Dha4j.config.seed=" + seed + "): " + what
                + "\nchanged: " + changed + "\ndocument: " + doc;
    }

    private static ObjectNode base(Random rnd) {
        ObjectNode doc = F.objectNode();
        doc.put("cluster", "c" + rnd.nextInt(100));
        doc.putArray("nodes").add("a").add("b").add("c");
        ObjectNode p = doc.putObject("policy");
        if (rnd.nextBoolean()) {
            p.put("probeInterval", "15s").put("probeTimeout", "PT10S").put("firstProbeTimeout", "30s");
        }
        if (rnd.nextBoolean()) {
            p.put("recheckInterval", "2s").put("standbyProbeInterval", "1m").put("maxFailovers", 3)
                    .put("failoverWindow", "1h");
        }
        if (rnd.nextBoolean()) {
            p.put("restartLimit", 2).put("restartWindow", "1h").put("failuresBeforeAction", 2);
        }
        if (rnd.nextBoolean()) {
            p.put("startupGrace", "5m").put("stopTimeout", "60s").put("maxMaintenance", "4h")
                    .put("failoverBudget", "10m");
        }
        if (rnd.nextBoolean()) {
            p.put("fencingRequired", true);
            p.putArray("fencingLevels").add("ipmi");
            p.putObject("fencingDelays").put("a", "10s");
            p.putObject("failureTable").put("ERROR", "FAILOVER");
        }
        return doc;
    }

    private static void mutate(Random rnd, ObjectNode doc, List<String> changed) {
        // Once an earlier mutation replaced the policy with junk, later policy mutations go nowhere.
        ObjectNode p = doc.get("policy") instanceof ObjectNode ? (ObjectNode) doc.get("policy") : F.objectNode();
        int which = rnd.nextInt(10);
        if (which < 5) {
            String f = DURATIONS[rnd.nextInt(DURATIONS.length)];
            p.set(f, rnd.nextInt(8) == 0 ? junk(rnd) : F.textNode(duration(rnd)));
            changed.add("policy." + f);
        } else if (which == 5) {
            String f = INTS[rnd.nextInt(INTS.length)];
            p.set(f, integer(rnd));
            changed.add("policy." + f);
        } else if (which == 6) {
            String f = OTHERS[rnd.nextInt(OTHERS.length)];
            p.set(f, other(rnd, f));
            changed.add("policy." + f);
        } else if (which == 7) {
            String f = TOP[rnd.nextInt(TOP.length)];
            JsonNode v = switch (f) {
                case "cluster" -> rnd.nextBoolean() ? F.textNode(name(rnd)) : junk(rnd);
                case "nodes" -> rnd.nextBoolean() ? names(rnd) : junk(rnd);
                default -> junk(rnd);
            };
            doc.set(f, v);
            changed.add(f);
        } else if (which == 8) {
            String f = "x" + Integer.toString(rnd.nextInt(1 << 20), 36);
            (rnd.nextBoolean() ? doc : p).put(f, "1s");
            changed.add(f);
        } else {
            // A value cut to a sub-millisecond, zero or negative one.
            String f = DURATIONS[rnd.nextInt(DURATIONS.length)];
            String[] small = {"0s", "-0s", "0ms", "PT0S", "PT0.0001S", "PT-0.001S", "-5s", "-PT5S", "+5s", "1ms"};
            p.put(f, small[rnd.nextInt(small.length)]);
            changed.add("policy." + f);
        }
    }

    private static String duplicateKey(Random rnd, ObjectNode doc, List<String> changed) {
        String f = DURATIONS[rnd.nextInt(DURATIONS.length)];
        String s = doc.toString();
        changed.add(f);
        String extra = "\"" + f + "\":" + F.textNode(duration(rnd)) + ",\"" + f + "\":\"20s\",";
        return s.replace("\"policy\":{", "\"policy\":{" + extra);
    }

    private static String duration(Random rnd) {
        long n = switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(10);
            case 1 -> rnd.nextInt(100_000);
            case 2 -> Math.abs(rnd.nextLong());
            case 3 -> Long.MAX_VALUE;
            case 4 -> rnd.nextInt(1000) * 1000L;
            default -> 1 + rnd.nextInt(120);
        };
        String digits = rnd.nextInt(10) == 0 ? n + "99999999999" : Long.toString(n);
        String sign = switch (rnd.nextInt(10)) {
            case 0 -> "-";
            case 1 -> "+";
            default -> "";
        };
        return switch (rnd.nextInt(9)) {
            case 0 -> sign + "PT" + digits + "S";
            case 1 -> sign + "PT" + digits + "H";
            case 2 -> sign + "P" + digits + "D";
            case 3 -> "PT" + digits + "." + rnd.nextInt(1_000_000_000) + "S";
            case 4 -> sign + digits + " ms";
            case 5 -> sign + digits + new String[] {"ms", "s", "m", "h", "d"}[rnd.nextInt(5)];
            case 6 -> digits + new String[] {"", "x", "sec", "µs", "S", " "}[rnd.nextInt(6)];
            case 7 -> new String[] {"", " ", "soon", "PT", "P1Y", "1.5s", "1e3s", "\u0000", "\u202e5s", "٣s",
                "PT1H-30M", "-PT-5S"}[rnd.nextInt(12)];
            default -> sign + (1 + rnd.nextInt(60)) + "s";
        };
    }

    private static JsonNode integer(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> F.numberNode(rnd.nextLong());
            case 1 -> F.numberNode(-1 - rnd.nextInt(5));
            case 2 -> F.numberNode(new java.math.BigInteger("99999999999999999999999"));
            case 3 -> F.numberNode(1.5);
            case 4 -> F.textNode("2");
            case 5 -> F.numberNode(Integer.MAX_VALUE);
            case 6 -> junk(rnd);
            default -> F.numberNode(rnd.nextInt(5));
        };
    }

    private static JsonNode other(Random rnd, String field) {
        if (rnd.nextInt(4) == 0) {
            return junk(rnd);
        }
        switch (field) {
            case "fencingRequired":
                return F.booleanNode(rnd.nextBoolean());
            case "fencingLevels": {
                ArrayNode a = F.arrayNode();
                int n = rnd.nextInt(20);
                for (int i = 0; i < n; i++) {
                    a.add(rnd.nextInt(10) == 0 ? name(rnd) : "l" + rnd.nextInt(25));
                }
                return a;
            }
            case "fencingDelays": {
                ObjectNode o = F.objectNode();
                int n = rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    o.put(rnd.nextInt(4) == 0 ? name(rnd) : new String[] {"a", "b", "c", "z"}[rnd.nextInt(4)],
                            duration(rnd));
                }
                return o;
            }
            default: {
                ObjectNode o = F.objectNode();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    FailureKind[] kinds = FailureKind.values();
                    Reaction[] reactions = Reaction.values();
                    String k = rnd.nextInt(8) == 0 ? name(rnd) : kinds[rnd.nextInt(kinds.length)].name();
                    String r = rnd.nextInt(8) == 0 ? name(rnd) : reactions[rnd.nextInt(reactions.length)].name();
                    o.put(rnd.nextBoolean() ? k : k.toLowerCase(java.util.Locale.ROOT), r);
                }
                return o;
            }
        }
    }

    private static ArrayNode names(Random rnd) {
        ArrayNode a = F.arrayNode();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            a.add(rnd.nextInt(5) == 0 ? name(rnd) : new String[] {"a", "b", "c", "d"}[rnd.nextInt(4)]);
        }
        return a;
    }

    private static String name(Random rnd) {
        String chars = "ab-_.Z9 /\u00e9\u0000\n'\"";
        int n = rnd.nextInt(70);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(rnd.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static JsonNode junk(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(true);
            case 2 -> F.numberNode(rnd.nextLong());
            case 3 -> F.arrayNode().add(1).add("x");
            case 4 -> F.objectNode().put("k", "v");
            case 5 -> F.textNode(name(rnd));
            default -> Json.mapper().getNodeFactory().numberNode(-0.0);
        };
    }
}
