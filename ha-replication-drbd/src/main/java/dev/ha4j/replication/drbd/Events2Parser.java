package dev.ha4j.replication.drbd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Parses {@code drbdsetup events2} output (DRBD 9), the primary source of state, as the LINBIT resource agent
 * does: {@code exists}/{@code create}/{@code change}/{@code destroy} lines (an {@code exists -} line ends the
 * initial dump) for resources, devices, connections
 * and peer devices, and {@code call helper} lines (split-brain, fence-peer, ...), with or without a
 * {@code --timestamps} prefix. Fields are {@code key:value} (values may contain colons); unknown keys, unknown
 * objects (such as {@code path}) and lines that are not events are ignored; a missing or malformed required
 * field is a {@link DrbdFormatException} naming it and the line.
 *
 * <p>Use {@link #parse(String)} for {@code events2 --now}, or an instance to follow a running
 * {@code events2} line by line. Instances are not thread-safe; {@link #parse} is a pure function.
 */
public final class Events2Parser {
    private static final Set<String> VERBS = Set.of("exists", "create", "change", "destroy", "call", "response");

    private final Map<String, Res> resources = new LinkedHashMap<>();
    private int lineNo;
    private boolean initialDumpDone;

    /** Mutable state of one resource while lines arrive. */
    private static final class Res {
        final String name;
        String role = "Unknown";
        boolean suspended;
        Optional<Boolean> mayPromote = Optional.empty();
        Optional<Long> score = Optional.empty();
        final Map<Integer, DrbdResourceState.Device> devices = new LinkedHashMap<>();
        final Map<Integer, Conn> conns = new LinkedHashMap<>();
        final List<String> helpers = new ArrayList<>();

        Res(String name) {
            this.name = name;
        }
    }

    /** Mutable state of one connection. */
    private static final class Conn {
        final int peer;
        String name = "";
        String state = "Unknown";
        String role = "Unknown";
        final Map<Integer, DrbdResourceState.PeerDevice> devices = new LinkedHashMap<>();

        Conn(int peer) {
            this.peer = peer;
        }
    }

    /** Creates a parser with no state. */
    public Events2Parser() {
    }

    /**
     * Parses a whole output, such as that of {@code drbdsetup events2 --now}.
     *
     * @param text the output
     * @return every resource it describes, in order of appearance
     * @throws DrbdFormatException naming the field and line when a required field is missing or malformed
     */
    public static List<DrbdResourceState> parse(String text) {
        Events2Parser p = new Events2Parser();
        for (String line : text.split("\n", -1)) {
            p.accept(line);
        }
        return p.snapshot();
    }

    /** @return whether the {@code exists -} line that ends the initial state dump has been seen */
    public boolean initialDumpDone() {
        return initialDumpDone;
    }

    /**
     * Applies one line.
     *
     * @param line one line of events2 output
     * @throws DrbdFormatException naming the field and line when a required field is missing or malformed
     */
    public void accept(String line) {
        lineNo++;
        String[] tok = line.strip().split("\\s+");
        int i = 0;
        if (tok.length > 1 && !VERBS.contains(tok[0]) && VERBS.contains(tok[1])) {
            i = 1; // a --timestamps prefix
        }
        if (tok.length <= i || !VERBS.contains(tok[i])) {
            return;
        }
        String verb = tok[i];
        if (tok.length <= i + 1) {
            return;
        }
        String object = tok[i + 1];
        if (verb.equals("exists") && object.equals("-")) {
            // the end of the initial state dump; "exists OBJECT ..." lines before it describe the state
            initialDumpDone = true;
            return;
        }
        if (verb.equals("exists")) {
            verb = "create";
        }
        Map<String, String> f = new HashMap<>();
        for (int k = i + 2; k < tok.length; k++) {
            int c = tok[k].indexOf(':');
            if (c > 0) {
                f.putIfAbsent(tok[k].substring(0, c), tok[k].substring(c + 1));
            }
        }
        if (verb.equals("call") || verb.equals("response")) {
            if (object.equals("helper") && verb.equals("call")) {
                res(f, verb, object).helpers.add(required(f, "helper", verb, object));
            }
            return;
        }
        switch (object) {
            case "resource" -> resource(verb, f);
            case "device" -> device(verb, f);
            case "connection" -> connection(verb, f);
            case "peer-device" -> peerDevice(verb, f);
            default -> {
                // path, and objects of later versions: not needed for a replicator's decisions
            }
        }
    }

    private void resource(String verb, Map<String, String> f) {
        String name = required(f, "name", verb, "resource");
        if (verb.equals("destroy")) {
            resources.remove(name);
            return;
        }
        Res r = resources.computeIfAbsent(name, Res::new);
        if (f.containsKey("role")) {
            r.role = f.get("role");
        }
        if (f.containsKey("suspended")) {
            r.suspended = !"no".equals(f.get("suspended"));
        }
        if (f.containsKey("may_promote")) {
            r.mayPromote = Optional.of(yesNo(f, "may_promote", verb, "resource"));
        }
        if (f.containsKey("promotion_score")) {
            r.score = Optional.of(number(f, "promotion_score", verb, "resource"));
        }
    }

    private void device(String verb, Map<String, String> f) {
        Res r = res(f, verb, "device");
        int volume = volume(f, verb, "device");
        if (verb.equals("destroy")) {
            r.devices.remove(volume);
            return;
        }
        DrbdResourceState.Device old = r.devices.get(volume);
        int minor = f.containsKey("minor") ? (int) bounded(f, "minor", verb, "device", Integer.MAX_VALUE)
                : old == null ? -1 : old.minor();
        String disk = f.getOrDefault("disk", old == null ? "DUnknown" : old.disk());
        Optional<Boolean> quorum = f.containsKey("quorum") ? Optional.of(yesNo(f, "quorum", verb, "device"))
                : old == null ? Optional.empty() : old.quorum();
        Optional<Boolean> open = f.containsKey("open") ? Optional.of(yesNo(f, "open", verb, "device"))
                : old == null ? Optional.empty() : old.open();
        boolean client = f.containsKey("client") ? yesNo(f, "client", verb, "device") : old != null && old.client();
        r.devices.put(volume, new DrbdResourceState.Device(volume, minor, disk, quorum, open, client));
    }

    private void connection(String verb, Map<String, String> f) {
        Res r = res(f, verb, "connection");
        int peer = peer(f, verb, "connection");
        if (verb.equals("destroy")) {
            r.conns.remove(peer);
            return;
        }
        Conn c = r.conns.computeIfAbsent(peer, Conn::new);
        if (f.containsKey("conn-name")) {
            c.name = f.get("conn-name");
        }
        if (f.containsKey("connection")) {
            c.state = f.get("connection");
        }
        if (f.containsKey("role")) {
            c.role = f.get("role");
        }
    }

    private void peerDevice(String verb, Map<String, String> f) {
        Res r = res(f, verb, "peer-device");
        int peer = peer(f, verb, "peer-device");
        int volume = volume(f, verb, "peer-device");
        Conn c = r.conns.computeIfAbsent(peer, Conn::new);
        if (f.containsKey("conn-name") && c.name.isEmpty()) {
            c.name = f.get("conn-name");
        }
        if (verb.equals("destroy")) {
            c.devices.remove(volume);
            return;
        }
        DrbdResourceState.PeerDevice old = c.devices.get(volume);
        String replication = f.getOrDefault("replication", old == null ? "Off" : old.replication());
        String peerDisk = f.getOrDefault("peer-disk", old == null ? "DUnknown" : old.peerDisk());
        OptionalDouble done = OptionalDouble.empty();
        if (f.containsKey("done")) {
            done = OptionalDouble.of(percent(f, "done", verb));
        } else if (old != null && replication.startsWith("Sync") && replication.equals(old.replication())) {
            done = old.done();
        }
        c.devices.put(volume, new DrbdResourceState.PeerDevice(volume, replication, peerDisk, done));
    }

    private Res res(Map<String, String> f, String verb, String object) {
        return resources.computeIfAbsent(required(f, "name", verb, object), Res::new);
    }

    private String where(String verb, String object) {
        return "events2 line " + lineNo + " ('" + verb + " " + object + "')";
    }

    private String required(Map<String, String> f, String key, String verb, String object) {
        String v = f.get(key);
        if (v == null || v.isEmpty()) {
            throw new DrbdFormatException(where(verb, object) + " lacks the required field " + key);
        }
        return v;
    }

    private int volume(Map<String, String> f, String verb, String object) {
        required(f, "volume", verb, object);
        return (int) bounded(f, "volume", verb, object, 65535);
    }

    private int peer(Map<String, String> f, String verb, String object) {
        required(f, "peer-node-id", verb, object);
        return (int) bounded(f, "peer-node-id", verb, object, 65535);
    }

    private long bounded(Map<String, String> f, String key, String verb, String object, long max) {
        long v = number(f, key, verb, object);
        if (v < 0 || v > max) {
            throw new DrbdFormatException(where(verb, object) + ": " + key + " " + v + " is outside 0.." + max);
        }
        return v;
    }

    private long number(Map<String, String> f, String key, String verb, String object) {
        String v = f.get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new DrbdFormatException(where(verb, object) + ": " + key + " '" + abbreviate(v) + "' is not a number");
        }
    }

    private double percent(Map<String, String> f, String key, String verb) {
        String v = f.get(key);
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0 && d <= 100)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new DrbdFormatException(where(verb, "peer-device") + ": " + key + " '" + abbreviate(v)
                    + "' is not a percentage");
        }
    }

    private boolean yesNo(Map<String, String> f, String key, String verb, String object) {
        String v = f.get(key);
        if ("yes".equals(v)) {
            return true;
        }
        if ("no".equals(v)) {
            return false;
        }
        throw new DrbdFormatException(where(verb, object) + ": " + key + " '" + abbreviate(v) + "' is not yes or no");
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** @return the state as the lines so far describe it */
    public List<DrbdResourceState> snapshot() {
        List<DrbdResourceState> out = new ArrayList<>();
        for (Res r : resources.values()) {
            List<DrbdResourceState.Connection> conns = new ArrayList<>();
            for (Conn c : r.conns.values()) {
                conns.add(new DrbdResourceState.Connection(c.peer, c.name, c.state, c.role,
                        new ArrayList<>(c.devices.values())));
            }
            out.add(new DrbdResourceState(r.name, r.role, r.suspended, r.mayPromote, r.score,
                    new ArrayList<>(r.devices.values()), conns, r.helpers));
        }
        return out;
    }
}
