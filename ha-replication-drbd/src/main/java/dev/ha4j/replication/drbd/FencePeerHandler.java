package dev.ha4j.replication.drbd;

import dev.ha4j.core.FenceAction;
import dev.ha4j.core.FenceResult;
import dev.ha4j.core.NodeId;
import dev.ha4j.core.spi.Fencer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The entry point for DRBD's {@code fence-peer} handler, so that DRBD's own protection and ha4j's fencing are
 * one mechanism. DRBD runs it when it loses its peer while {@code fencing} is {@code resource-only} or
 * {@code resource-and-stonith}, freezes I/O, and acts on the exit code:
 *
 * <table>
 *   <caption>exit codes (LINBIT drbd_nl.c, crm-fence-peer.9.sh)</caption>
 *   <tr><th>code</th><th>meaning</th><th>when this handler returns it</th></tr>
 *   <tr><td>3</td><td>peer is inconsistent</td><td>{@code drbdadm outdate} on the peer exited 5</td></tr>
 *   <tr><td>4</td><td>peer was outdated</td><td>{@code drbdadm outdate} on the peer exited 0</td></tr>
 *   <tr><td>5</td><td>peer unreachable, assumed dead</td><td>only with {@code resource-only} and no fencer</td></tr>
 *   <tr><td>6</td><td>peer is primary</td><td>{@code drbdadm outdate} on the peer exited 17 (it is Primary)</td></tr>
 *   <tr><td>7</td><td>peer was STONITHed</td><td>the peer could not be reached and the fencer read back OFF</td></tr>
 *   <tr><td>1</td><td>handler broken: I/O stays frozen</td><td>anything else; never a guess</td></tr>
 * </table>
 *
 * <p>Resource fencing first (outdate the peer over its {@link CommandRunner}, like {@code outdate-peer.sh}),
 * node fencing when the peer does not answer (a ha4j {@link Fencer}, verified off). With
 * {@code resource-and-stonith} an unreachable peer that cannot be fenced gives 1, so DRBD keeps I/O frozen
 * instead of writing next to a peer that may be alive.
 *
 * <p>Command line: {@code java -cp ... dev.ha4j.replication.drbd.FencePeerHandler [--resource R] [--peer HOST]
 * [--fencing resource-only|resource-and-stonith] [--timeout SECONDS] [--provider CLASS]}. The resource comes
 * from {@code DRBD_RESOURCE} and the peer from {@code DRBD_NODE_ID_<DRBD_PEER_NODE_ID>} (DRBD 9) or
 * {@code DRBD_PEER} unless given. {@code --provider} names a {@link Provider} (public no-argument constructor;
 * else one found by {@link ServiceLoader}) that supplies the fencer and the peer's runner; without one the peer
 * is reached by {@code ssh -o BatchMode=yes PEER} and there is no fencer.
 *
 * <p>Stateless and thread-safe; {@link #main} exits the JVM.
 */
public final class FencePeerHandler {
    /** The exit codes DRBD understands, and the generic failure. */
    public enum Exit {
        /** 1: the handler failed; DRBD keeps I/O frozen (with resource-and-stonith). */
        BROKEN(1),
        /** 3: the peer's disk is Inconsistent or worse. */
        PEER_INCONSISTENT(3),
        /** 4: the peer was outdated. */
        PEER_OUTDATED(4),
        /** 5: the peer is unreachable and assumed dead. */
        PEER_DOWN(5),
        /** 6: the peer is Primary; DRBD outdates this node. */
        PEER_PRIMARY(6),
        /** 7: the peer was fenced (STONITH), read back off. */
        PEER_FENCED(7);

        private final int code;

        Exit(int code) {
            this.code = code;
        }

        /** @return the process exit code */
        public int code() {
            return code;
        }
    }

    /** DRBD's fencing policy, as in {@code net { fencing ...; }}. */
    public enum Fencing {
        /** Resource fencing only: an unreachable peer may be assumed dead (exit 5). */
        RESOURCE_ONLY,
        /** Resource fencing, and node fencing when the peer cannot be reached; never assumed dead. */
        RESOURCE_AND_STONITH
    }

    /**
     * Supplies the handler with what it needs for one resource and peer. Implementations need a public
     * no-argument constructor; they are created once per handler run.
     */
    public interface Provider {
        /**
         * Supplies the fencer for a peer, if node fencing is configured.
         *
         * @param resource the DRBD resource
         * @param peer the peer's node
         * @return the fencer, or empty
         */
        Optional<Fencer> fencer(String resource, NodeId peer);

        /**
         * Supplies how to run {@code drbdadm} on the peer; the default is SSH in batch mode to the peer's name.
         *
         * @param resource the DRBD resource
         * @param peer the peer's node
         * @return the runner
         */
        default CommandRunner peerRunner(String resource, NodeId peer) {
            return SshCommandRunner.builder().host(peer.name()).build();
        }
    }

    private FencePeerHandler() {
    }

    /**
     * Decides the exit code: outdate the peer, and fence it when it cannot be reached.
     *
     * @param resource the resource, validated
     * @param peer the peer
     * @param peerRunner runs {@code drbdadm} on the peer
     * @param fencer the peer's fencer, if any
     * @param fencing the configured fencing policy
     * @param timeout the deadline for the outdate, and again for the fence
     * @param log where to write what was done (DRBD logs the handler's output)
     * @return the exit
     */
    public static Exit decide(String resource, NodeId peer, CommandRunner peerRunner, Optional<Fencer> fencer,
            Fencing fencing, Duration timeout, PrintStream log) {
        DrbdNames.resource("resource", resource);
        Objects.requireNonNull(peer, "peer");
        CommandResult c = peerRunner.run(List.of("drbdadm", "outdate", resource), timeout);
        log.println("ha4j fence-peer " + resource + " " + peer + ": " + c.describe());
        if (!c.timedOut() && c.exitCode() == 0) {
            return Exit.PEER_OUTDATED;
        }
        if (!c.timedOut() && c.exitCode() == 5) {
            return Exit.PEER_INCONSISTENT;
        }
        if (!c.timedOut() && c.exitCode() == 17) {
            return Exit.PEER_PRIMARY;
        }
        boolean unreachable = c.timedOut() || c.exitCode() == CommandResult.NO_EXIT
                || c.exitCode() == SshCommandRunner.SSH_ERROR;
        if (!unreachable) {
            // The peer answered and refused for another reason (connected again, meta data busy): nothing proven.
            log.println("ha4j fence-peer: the peer answered but was not outdated; keeping I/O frozen");
            return Exit.BROKEN;
        }
        if (fencer.isPresent()) {
            FenceResult f;
            try {
                f = fencer.get().fence(peer, FenceAction.OFF, timeout);
            } catch (RuntimeException e) {
                f = null;
                log.println("ha4j fence-peer: the fencer threw " + e);
            }
            log.println("ha4j fence-peer: fence " + peer + " OFF: " + f);
            if (f != null && f.isVerifiedOff()) {
                return Exit.PEER_FENCED;
            }
            return Exit.BROKEN;
        }
        if (fencing == Fencing.RESOURCE_ONLY) {
            return Exit.PEER_DOWN;
        }
        log.println("ha4j fence-peer: " + peer + " cannot be reached and no fencer is configured; keeping I/O frozen");
        return Exit.BROKEN;
    }

    /**
     * Runs the handler with explicit arguments and environment, for tests and embedding.
     *
     * @param args the command-line arguments
     * @param env the environment (DRBD_RESOURCE, DRBD_PEER_NODE_ID, DRBD_NODE_ID_n, DRBD_PEER)
     * @param log where to write what was done
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream log) {
        try {
            String resource = env.get("DRBD_RESOURCE");
            String peer = null;
            String peerId = env.get("DRBD_PEER_NODE_ID");
            if (peerId != null) {
                peer = env.get("DRBD_NODE_ID_" + peerId);
            }
            if (peer == null) {
                peer = env.get("DRBD_PEER");
            }
            Fencing fencing = Fencing.RESOURCE_AND_STONITH;
            Duration timeout = Duration.ofSeconds(6);
            String providerClass = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--resource" -> resource = value(a, v);
                    case "--peer" -> peer = value(a, v);
                    case "--fencing" -> fencing = switch (value(a, v)) {
                        case "resource-only" -> Fencing.RESOURCE_ONLY;
                        case "resource-and-stonith" -> Fencing.RESOURCE_AND_STONITH;
                        default -> throw new IllegalArgumentException("--fencing must be resource-only or"
                                + " resource-and-stonith, was " + v);
                    };
                    case "--timeout" -> {
                        long s = Long.parseLong(value(a, v));
                        if (s < 1 || s > 600) {
                            throw new IllegalArgumentException("--timeout " + s + " must be 1 to 600 seconds");
                        }
                        timeout = Duration.ofSeconds(s);
                    }
                    case "--provider" -> providerClass = value(a, v);
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
                i++;
            }
            if (resource == null) {
                throw new IllegalArgumentException("no resource: DRBD_RESOURCE is not set and --resource not given");
            }
            if (peer == null) {
                throw new IllegalArgumentException("no peer: DRBD_NODE_ID_<DRBD_PEER_NODE_ID> and DRBD_PEER are not"
                        + " set and --peer not given");
            }
            DrbdNames.resource("resource", resource);
            DrbdNames.host("peer", peer);
            Provider provider = provider(providerClass);
            NodeId p = NodeId.of(peer);
            Optional<Fencer> fencer = provider == null ? Optional.empty() : provider.fencer(resource, p);
            CommandRunner runner = provider == null ? SshCommandRunner.builder().host(peer).build()
                    : provider.peerRunner(resource, p);
            return decide(resource, p, runner, fencer, fencing, timeout, log).code();
        } catch (RuntimeException | ReflectiveOperationException e) {
            log.println("ha4j fence-peer: " + e.getMessage() + "; keeping I/O frozen");
            return Exit.BROKEN.code();
        }
    }

    private static String value(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }

    private static Provider provider(String className) throws ReflectiveOperationException {
        if (className != null) {
            Class<?> c = Class.forName(className);
            if (!Provider.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException("--provider " + className + " does not implement "
                        + Provider.class.getName());
            }
            return (Provider) c.getConstructor().newInstance();
        }
        return ServiceLoader.load(Provider.class).findFirst().orElse(null);
    }

    /**
     * Runs the handler as DRBD calls it and exits with the code DRBD expects.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), err));
    }
}
