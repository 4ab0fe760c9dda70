package dev.ha4j.replication.drbd;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Parses {@code drbdsetup status --json} (DRBD 9), the second source of state. Keys differ between versions
 * (newer ones add {@code open}, {@code tls}, {@code paths}); unknown keys are ignored and values are trimmed
 * (9.22.0 prints {@code "connection-state"} with a trailing blank). A missing or mistyped required key is a
 * {@link DrbdFormatException} naming it. It reports no helper calls: only events2 shows those.
 *
 * <p>A pure function; thread-safe.
 */
public final class StatusJsonParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJsonParser() {
    }

    /**
     * Parses the output.
     *
     * @param json the output, a JSON array of resources
     * @return the resources
     * @throws DrbdFormatException naming the key when the document is not JSON or a required key is missing
     */
    public static List<DrbdResourceState> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException | RuntimeException e) {
            throw new DrbdFormatException("status --json is not JSON: " + Events2Parser.abbreviate(e.getMessage()), e);
        }
        if (root == null || !root.isArray()) {
            throw new DrbdFormatException("status --json: the document must be an array of resources");
        }
        List<DrbdResourceState> out = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root) {
            String at = "status --json resource[" + i++ + "]";
            if (!r.isObject()) {
                throw new DrbdFormatException(at + " is not an object");
            }
            String name = text(r, "name", at, true);
            List<DrbdResourceState.Device> devices = new ArrayList<>();
            int d = 0;
            for (JsonNode dev : array(r, "devices", at)) {
                String dat = at + ".devices[" + d++ + "]";
                devices.add(new DrbdResourceState.Device(integer(dev, "volume", dat, true, 65535),
                        integer(dev, "minor", dat, false, Integer.MAX_VALUE), orElse(text(dev, "disk-state", dat, false), "DUnknown"),
                        bool(dev, "quorum", dat), bool(dev, "open", dat), bool(dev, "client", dat).orElse(false)));
            }
            List<DrbdResourceState.Connection> conns = new ArrayList<>();
            int c = 0;
            for (JsonNode con : array(r, "connections", at)) {
                String cat = at + ".connections[" + c++ + "]";
                List<DrbdResourceState.PeerDevice> pds = new ArrayList<>();
                int p = 0;
                for (JsonNode pd : array(con, "peer_devices", cat)) {
                    String pat = cat + ".peer_devices[" + p++ + "]";
                    String repl = orElse(text(pd, "replication-state", pat, false), "Off");
                    OptionalDouble done = OptionalDouble.empty();
                    if (repl.startsWith("Sync") || repl.startsWith("PausedSync")) {
                        done = percent(pd, "percent-resync-done", pat);
                        if (done.isEmpty()) {
                            done = percent(pd, "percent-in-sync", pat);
                        }
                    }
                    pds.add(new DrbdResourceState.PeerDevice(integer(pd, "volume", pat, true, 65535), repl,
                            orElse(text(pd, "peer-disk-state", pat, false), "DUnknown"), done));
                }
                conns.add(new DrbdResourceState.Connection(integer(con, "peer-node-id", cat, true, 65535),
                        orElse(text(con, "name", cat, false), ""), orElse(text(con, "connection-state", cat, false), "Unknown"),
                        orElse(text(con, "peer-role", cat, false), "Unknown"), pds));
            }
            boolean suspended = bool(r, "suspended", at).orElse(false);
            out.add(new DrbdResourceState(name, orElse(text(r, "role", at, false), "Unknown"), suspended,
                    Optional.empty(), Optional.empty(), devices, conns, List.of()));
        }
        return out;
    }

    private static String orElse(String v, String dflt) {
        return v == null ? dflt : v;
    }

    private static Iterable<JsonNode> array(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new DrbdFormatException(at + "." + key + " must be an array");
        }
        return v;
    }

    private static String text(JsonNode n, String key, String at, boolean required) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new DrbdFormatException(at + " lacks the required key " + key);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new DrbdFormatException(at + "." + key + " must be a string");
        }
        String s = v.asText().strip();
        if (required && s.isEmpty()) {
            throw new DrbdFormatException(at + "." + key + " is empty");
        }
        return s;
    }

    private static int integer(JsonNode n, String key, String at, boolean required, int max) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new DrbdFormatException(at + " lacks the required key " + key);
            }
            return -1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > max) {
            throw new DrbdFormatException(at + "." + key + " must be an integer from 0 to " + max);
        }
        return (int) v.asLong();
    }

    private static Optional<Boolean> bool(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.asBoolean());
        }
        if (v.isTextual() && (v.asText().equals("yes") || v.asText().equals("no"))) {
            return Optional.of(v.asText().equals("yes"));
        }
        throw new DrbdFormatException(at + "." + key + " must be a boolean");
    }

    private static OptionalDouble percent(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return OptionalDouble.empty();
        }
        if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 100)) {
            throw new DrbdFormatException(at + "." + key + " must be a number from 0 to 100");
        }
        return OptionalDouble.of(v.asDouble());
    }
}
