package dev.ha4j.replication.drbd;

import java.util.regex.Pattern;

/**
 * Validates what reaches a {@code drbdadm}/{@code drbdsetup} command line: resource names, volume numbers,
 * device paths, host and namespace names. Every check throws {@link IllegalArgumentException} naming the field,
 * the value and the rule, so a bad name is refused before any process starts.
 *
 * <p>Stateless and thread-safe.
 */
public final class DrbdNames {
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");
    private static final Pattern DEVICE = Pattern.compile("/dev/drbd[0-9]{1,7}|/dev/drbd/by-res/[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}/[0-9]{1,5}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private DrbdNames() {
    }

    /**
     * Checks a DRBD resource name.
     *
     * @param field the name of the field, for the message
     * @param name the resource name
     * @return the name
     * @throws IllegalArgumentException if it is not 1 to 64 of letters, digits and {@code _ . + -}, starting with
     *     a letter or digit
     */
    public static String resource(String field, String name) {
        if (name == null || !RESOURCE.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " '" + name + "' is not a valid DRBD resource name: 1 to 64"
                    + " of letters, digits and _ . + -, starting with a letter or digit");
        }
        return name;
    }

    /**
     * Checks a volume number.
     *
     * @param field the name of the field
     * @param volume the volume number
     * @return the volume
     * @throws IllegalArgumentException if it is outside 0..65535
     */
    public static int volume(String field, int volume) {
        if (volume < 0 || volume > 65535) {
            throw new IllegalArgumentException(field + " " + volume + " is not a DRBD volume number: 0 to 65535");
        }
        return volume;
    }

    /**
     * Checks a DRBD device path.
     *
     * @param field the name of the field
     * @param path the path
     * @return the path
     * @throws IllegalArgumentException if it is not {@code /dev/drbdN} or {@code /dev/drbd/by-res/RES/VOL}
     */
    public static String device(String field, String path) {
        if (path == null || !DEVICE.matcher(path).matches()) {
            throw new IllegalArgumentException(field + " '" + path + "' is not a DRBD device path: /dev/drbdN or"
                    + " /dev/drbd/by-res/RESOURCE/VOLUME");
        }
        return path;
    }

    /**
     * Checks a host name or address for SSH.
     *
     * @param field the name of the field
     * @param host the host
     * @return the host
     * @throws IllegalArgumentException if it has characters outside letters, digits and {@code . : _ -}, or
     *     starts with one of them
     */
    public static String host(String field, String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(field + " '" + host + "' is not a host name or address: letters,"
                    + " digits and . : _ -, starting with a letter or digit");
        }
        return host;
    }

    /**
     * Checks a user name for SSH.
     *
     * @param field the name of the field
     * @param user the user
     * @return the user
     * @throws IllegalArgumentException if it is not a POSIX-style login name
     */
    public static String user(String field, String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException(field + " '" + user + "' is not a login name: [a-z_][a-z0-9_-]{0,31}");
        }
        return user;
    }

    /**
     * Checks a network namespace name.
     *
     * @param field the name of the field
     * @param name the namespace
     * @return the name
     * @throws IllegalArgumentException if it is not 1 to 64 of letters, digits and {@code _ . -}
     */
    public static String namespace(String field, String name) {
        if (name == null || !NAMESPACE.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " '" + name + "' is not a namespace name: 1 to 64 of letters,"
                    + " digits and _ . -, starting with a letter or digit");
        }
        return name;
    }
}
