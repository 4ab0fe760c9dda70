package dev.ha4j.replication.drbd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-only parser of DRBD 8.4 (and 8.3) {@code /proc/drbd}: one entry per minor with its connection state
 * ({@code cs:}), roles ({@code ro:}, or {@code st:} on 8.0), disk states ({@code ds:}), resync progress
 * ({@code sync'ed: 42.4%}) and whether the resync is stalled. DRBD 9 no longer prints states there; use
 * {@link Events2Parser}. Lines it does not know are ignored; a minor line without {@code cs:} is a
 * {@link DrbdFormatException}.
 *
 * <p>A pure function; thread-safe.
 */
public final class ProcDrbd {
    private static final Pattern MINOR = Pattern.compile("^\\s*(\\d{1,7}):\\s+(.*)$");
    private static final Pattern SYNCED = Pattern.compile("sync'ed:\\s*([0-9]{1,3}(?:\\.[0-9]{1,6})?)%");

    private ProcDrbd() {
    }

    /**
     * One minor of {@code /proc/drbd}.
     *
     * @param minor the minor number
     * @param connection the {@code cs:} state (Connected, WFConnection, StandAlone, SyncSource, Unconfigured, ...)
     * @param role the local role, "Unknown" when not printed
     * @param peerRole the peer's role, "Unknown" when not printed
     * @param disk the local disk state, "DUnknown" when not printed
     * @param peerDisk the peer's disk state, "DUnknown" when not printed
     * @param synced the resync progress in percent, when printed
     * @param stalled whether the resync is reported stalled
     */
    public record Minor(int minor, String connection, String role, String peerRole, String disk, String peerDisk,
            OptionalDouble synced, boolean stalled) {
        /**
         * @throws NullPointerException if an argument is null
         */
        public Minor {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(peerRole, "peerRole");
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(peerDisk, "peerDisk");
            Objects.requireNonNull(synced, "synced");
        }

        /**
         * Reads this minor as the SPI's status, read-only (8.4 is not driven by this module): role from
         * {@code ro:}, consistency from {@code ds:} (UpToDate, Outdated/Consistent, Inconsistent/Diskless,
         * otherwise unknown), with the connection state and resync progress in the detail.
         *
         * @return the status
         */
        public dev.ha4j.core.ReplicaStatus status() {
            dev.ha4j.core.ReplicaRole r = switch (role) {
                case "Primary" -> dev.ha4j.core.ReplicaRole.PRIMARY;
                case "Secondary" -> dev.ha4j.core.ReplicaRole.SECONDARY;
                default -> unconfigured() ? dev.ha4j.core.ReplicaRole.SECONDARY : dev.ha4j.core.ReplicaRole.UNKNOWN;
            };
            dev.ha4j.core.Consistency c = switch (disk) {
                case "UpToDate" -> dev.ha4j.core.Consistency.UP_TO_DATE;
                case "Outdated", "Consistent" -> dev.ha4j.core.Consistency.OUTDATED;
                case "Inconsistent", "Diskless", "Failed", "Attaching", "Negotiating" -> dev.ha4j.core.Consistency.INCONSISTENT;
                default -> dev.ha4j.core.Consistency.UNKNOWN;
            };
            String detail = "minor " + minor + " cs:" + connection + " ro:" + role + "/" + peerRole + " ds:" + disk + "/"
                    + peerDisk + (synced.isPresent() ? String.format(java.util.Locale.ROOT, " sync'ed %.1f%%",
                    synced.getAsDouble()) : "") + (stalled ? " stalled" : "");
            return new dev.ha4j.core.ReplicaStatus(r, c, detail);
        }

        /** @return whether the minor is not configured */
        public boolean unconfigured() {
            return "Unconfigured".equals(connection);
        }
    }

    /**
     * Parses the file's text.
     *
     * @param text the contents of {@code /proc/drbd}
     * @return the minors, in order
     * @throws DrbdFormatException naming the line when a minor line lacks {@code cs:}
     */
    public static List<Minor> parse(String text) {
        List<Minor> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = MINOR.matcher(line);
            if (m.matches() && !line.strip().startsWith("version")) {
                int minor;
                try {
                    minor = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    throw new DrbdFormatException("/proc/drbd line " + (i + 1) + ": minor is not a number");
                }
                String cs = null;
                String[] ro = {"Unknown", "Unknown"};
                String[] ds = {"DUnknown", "DUnknown"};
                for (String tok : m.group(2).trim().split("\\s+")) {
                    if (tok.startsWith("cs:")) {
                        cs = tok.substring(3);
                    } else if (tok.startsWith("ro:") || tok.startsWith("st:")) {
                        ro = pair(tok.substring(3), "Unknown");
                    } else if (tok.startsWith("ds:")) {
                        ds = pair(tok.substring(3), "DUnknown");
                    }
                }
                if (cs == null || cs.isEmpty()) {
                    throw new DrbdFormatException("/proc/drbd line " + (i + 1) + " (minor " + minor
                            + ") lacks the required field cs:");
                }
                out.add(new Minor(minor, cs, ro[0], ro[1], ds[0], ds[1], OptionalDouble.empty(), false));
                continue;
            }
            if (out.isEmpty()) {
                continue;
            }
            Minor last = out.get(out.size() - 1);
            Matcher s = SYNCED.matcher(line);
            if (s.find()) {
                double v = Double.parseDouble(s.group(1));
                if (v <= 100) {
                    out.set(out.size() - 1, new Minor(last.minor(), last.connection(), last.role(), last.peerRole(),
                            last.disk(), last.peerDisk(), OptionalDouble.of(v), last.stalled()));
                }
            } else if (line.strip().equals("stalled")) {
                out.set(out.size() - 1, new Minor(last.minor(), last.connection(), last.role(), last.peerRole(),
                        last.disk(), last.peerDisk(), last.synced(), true));
            }
        }
        return out;
    }

    private static String[] pair(String v, String dflt) {
        int slash = v.indexOf('/');
        if (slash < 0) {
            return new String[] {v.isEmpty() ? dflt : v, dflt};
        }
        String a = v.substring(0, slash);
        String b = v.substring(slash + 1);
        return new String[] {a.isEmpty() ? dflt : a, b.isEmpty() ? dflt : b};
    }
}
