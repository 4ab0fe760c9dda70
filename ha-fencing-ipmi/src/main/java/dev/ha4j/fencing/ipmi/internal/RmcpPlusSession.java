package dev.ha4j.fencing.ipmi.internal;

import dev.ha4j.core.Secret;
import dev.ha4j.fencing.ipmi.CipherSuite;
import dev.ha4j.fencing.ipmi.IpmiFailure;
import dev.ha4j.fencing.ipmi.PrivilegeLevel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import dev.ha4j.core.builtin.HostResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IPMI v2.0 RMCP+ session with a BMC: Get Channel Authentication Capabilities, Open Session, RAKP 1-4,
 * Set Session Privilege Level, then authenticated (and, with AES, encrypted) commands, and Close Session.
 * Unanswered requests are retransmitted with a fresh session sequence number and the same rqSeq, the
 * interval doubling up to 1 s, until the deadline.
 *
 * <p>Not thread-safe: one caller uses a session from one thread. {@link #close()} must always be called;
 * it sends Close Session whenever the BMC may hold the session, also after errors and deadlines.
 */
public final class RmcpPlusSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RmcpPlusSession.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration MAX_RETRANSMIT_INTERVAL = Duration.ofSeconds(1);
    private static final int NAME_ONLY_LOOKUP = 0x10;
    private static final int RAKP_STATUS_INVALID_ICV = 0x0f;

    /**
     * What a session needs. Holds the password as a {@link Secret}; {@link #toString()} masks it.
     *
     * @param host the BMC's host
     * @param port the BMC's port
     * @param user the user name
     * @param password the password
     * @param bmcKey the BMC key K_G, or null to use the password
     * @param suite the cipher suite
     * @param privilege the privilege level
     * @param connectTimeout how long the BMC may stay silent at first before it counts as unreachable
     * @param retransmitInterval the first retransmission wait
     * @param closeTimeout the budget for Close Session, spent inside the action's deadline
     * @param ticker the monotonic nanosecond ticker deadlines are measured on
     * @param resolver how the host name becomes an address
     */
    public record Params(String host, int port, String user, Secret password, Secret bmcKey, CipherSuite suite,
            PrivilegeLevel privilege, Duration connectTimeout, Duration retransmitInterval, Duration closeTimeout,
            LongSupplier ticker, HostResolver resolver) {
        /** @throws NullPointerException if a required argument is null */
        public Params {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(suite, "suite");
            Objects.requireNonNull(privilege, "privilege");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(retransmitInterval, "retransmitInterval");
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            Objects.requireNonNull(ticker, "ticker");
            Objects.requireNonNull(resolver, "resolver");
        }
    }

    @FunctionalInterface
    private interface Matcher<T> {
        /** @return the answer, or null if {@code in} is not the awaited answer */
        T match(PacketCodec.Inbound in) throws IpmiException;
    }

    private final Params params;
    private final UdpTransport transport;
    private final byte[] user;
    private final Crypto.Auth auth;
    private final Crypto.Integrity integrity;
    private final Crypto.Confidentiality confidentiality;
    private SessionKeys keys = SessionKeys.NONE;
    private SessionKeys pendingKeys;
    private int consoleSid;
    private int bmcSid;
    private int outSeq;
    private int rqSeq;
    private int tag;
    private boolean answered;
    private boolean bmcMayHoldSession;
    private boolean closed;
    private final Deadline closeBy;

    private RmcpPlusSession(Params params, UdpTransport transport, Deadline closeBy) {
        this.params = params;
        this.transport = transport;
        this.closeBy = closeBy;
        this.user = params.user().getBytes(StandardCharsets.US_ASCII);
        this.auth = Crypto.Auth.of(params.suite().authenticationAlgorithm());
        this.integrity = Crypto.Integrity.of(params.suite().integrityAlgorithm());
        this.confidentiality = Crypto.Confidentiality.of(params.suite().confidentialityAlgorithm());
    }

    /**
     * Opens and activates a session at the configured privilege level.
     *
     * @param params what the session needs
     * @param deadline the deadline for the session's work (name lookup and handshake included)
     * @param closeBy the deadline {@link #close()} keeps: the action's own deadline, so that closing the
     *     session never makes the action late
     * @return the active session; close it
     * @throws IpmiException naming the cause (unreachable, authentication, privilege, cipher suite ...); the
     *     half-open session is closed before it is thrown
     */
    public static RmcpPlusSession open(Params params, Deadline deadline, Deadline closeBy) throws IpmiException {
        UdpTransport transport = UdpTransport.connect(params.host(), params.port(), params.resolver(), deadline);
        RmcpPlusSession s = new RmcpPlusSession(params, transport, closeBy);
        try {
            s.handshake(deadline);
            return s;
        } catch (IpmiException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Sends an ASF presence ping and waits for the pong.
     *
     * @param host the BMC's host
     * @param port the BMC's port
     * @param deadline when to give up, name lookup included
     * @param retransmitInterval the first retransmission wait
     * @return whether the BMC answered and announced IPMI support
     * @throws IpmiException BMC_UNREACHABLE on ICMP port unreachable or a name that does not resolve in time;
     *     INTERRUPTED if the thread is interrupted
     */
    public static boolean presencePing(String host, int port, Deadline deadline, Duration retransmitInterval)
            throws IpmiException {
        return presencePing(host, port, HostResolver.system(), deadline, retransmitInterval);
    }

    /**
     * Sends an ASF presence ping and waits for the pong, looking the host up with {@code resolver}.
     *
     * @param host the BMC's host
     * @param port the BMC's port
     * @param resolver how the host name becomes an address
     * @param deadline when to give up, name lookup included
     * @param retransmitInterval the first retransmission wait
     * @return whether the BMC answered and announced IPMI support
     * @throws IpmiException BMC_UNREACHABLE on ICMP port unreachable or a name that does not resolve in time;
     *     INTERRUPTED if the thread is interrupted
     */
    public static boolean presencePing(String host, int port, HostResolver resolver, Deadline deadline,
            Duration retransmitInterval) throws IpmiException {
        try (UdpTransport t = UdpTransport.connect(host, port, resolver, deadline)) {
            int tag = RANDOM.nextInt(255);
            Duration interval = retransmitInterval;
            while (!deadline.expired()) {
                t.send(PacketCodec.presencePing(tag));
                Deadline attempt = deadline.atMost(interval);
                while (!attempt.expired()) {
                    byte[] d = t.receive(attempt);
                    if (d == null) {
                        break;
                    }
                    try {
                        PacketCodec.Inbound in = PacketCodec.decode(d, SessionKeys.NONE);
                        if (in.format() == PacketCodec.Format.ASF) {
                            return PacketCodec.isPongWithIpmi(in.payload(), tag);
                        }
                    } catch (IllegalArgumentException ignored) {
                        // not for us
                    }
                }
                interval = longer(interval);
            }
            return false;
        }
    }

    private void handshake(Deadline deadline) throws IpmiException {
        long started = System.nanoTime();
        int priv = params.privilege().code();

        // Get Channel Authentication Capabilities (IPMI v1.5 framing, which every BMC understands): tells
        // whether the BMC is there at all and speaks RMCP+.
        int capsSeq = nextRqSeq();
        byte[] capsRequest = IpmiMessage.request(IpmiMessage.NETFN_APP,
                IpmiMessage.CMD_GET_CHANNEL_AUTH_CAPABILITIES, capsSeq, new byte[] {(byte) 0x8e, (byte) priv});
        IpmiMessage.Response caps = exchange(() -> PacketCodec.v15OutOfSession(capsRequest),
                in -> ipmiResponse(in, IpmiMessage.NETFN_APP, IpmiMessage.CMD_GET_CHANNEL_AUTH_CAPABILITIES, capsSeq,
                        false),
                deadline.atMost(params.connectTimeout()), "Get Channel Authentication Capabilities");
        if (caps.completionCode() != 0) {
            throw new IpmiException(caps.completionCode() == 0xcc ? IpmiFailure.RMCP_PLUS_UNSUPPORTED
                    : IpmiFailure.BMC_ERROR, "Get Channel Authentication Capabilities failed: "
                    + IpmiMessage.describe(caps.completionCode()) + " at " + transport.target(),
                    caps.completionCode());
        }
        byte[] c = caps.data();
        if (c.length < 4 || (c[1] & 0x80) == 0 || (c[3] & 0x02) == 0) {
            throw new IpmiException(IpmiFailure.RMCP_PLUS_UNSUPPORTED, "the BMC at " + transport.target()
                    + " does not announce IPMI v2.0 RMCP+ support");
        }

        // Open Session
        int openTag = nextTag();
        consoleSid = 0;
        while (consoleSid == 0) {
            consoleSid = RANDOM.nextInt();
        }
        byte[] openRequest = RakpCodec.openSessionRequest(openTag, priv, consoleSid, auth.code(), integrity.code(),
                confidentiality.code());
        RakpCodec.OpenSessionResponse open = exchange(
                () -> PacketCodec.v20(SessionKeys.NONE, PacketCodec.PAYLOAD_OPEN_SESSION_REQUEST, 0, 0, openRequest,
                        null),
                in -> {
                    if (in.format() != PacketCodec.Format.V20
                            || in.payloadType() != PacketCodec.PAYLOAD_OPEN_SESSION_RESPONSE) {
                        return null;
                    }
                    RakpCodec.OpenSessionResponse r = RakpCodec.openSessionResponse(in.payload());
                    return r.tag() == openTag && (r.consoleSid() == consoleSid || r.status() != 0) ? r : null;
                }, deadline, "Open Session Request");
        if (open.status() != 0) {
            throw rmcpStatus("Open Session", open.status());
        }
        if (open.auth() != auth.code() || open.integrity() != integrity.code()
                || open.confidentiality() != confidentiality.code()) {
            throw new IpmiException(IpmiFailure.CIPHER_SUITE_UNSUPPORTED, "asked for cipher suite "
                    + params.suite() + " (" + auth.code() + "/" + integrity.code() + "/" + confidentiality.code()
                    + "), the BMC at " + transport.target() + " offered algorithms " + open.auth() + "/"
                    + open.integrity() + "/" + open.confidentiality());
        }
        bmcSid = open.bmcSid();

        // RAKP 1 and 2
        byte[] rm = new byte[16];
        RANDOM.nextBytes(rm);
        int role = priv | NAME_ONLY_LOOKUP;
        int rakpTag = nextTag();
        byte[] rakp1 = RakpCodec.rakp1(rakpTag, bmcSid, rm, role, user);
        RakpCodec.Rakp2 rakp2 = exchange(
                () -> PacketCodec.v20(SessionKeys.NONE, PacketCodec.PAYLOAD_RAKP1, 0, 0, rakp1, null),
                in -> in.format() == PacketCodec.Format.V20 && in.payloadType() == PacketCodec.PAYLOAD_RAKP2
                        ? matchTag(RakpCodec.rakp2(in.payload(), auth.length()), rakpTag) : null,
                deadline, "RAKP Message 1");
        if (rakp2.status() != 0) {
            throw rmcpStatus("RAKP 2", rakp2.status());
        }
        byte[] kuid = params.password().reveal();
        byte[] kg = params.bmcKey() == null ? kuid : params.bmcKey().reveal();
        byte[] sik = null;
        try {
            byte[] rakp3Code = new byte[0];
            if (auth != Crypto.Auth.NONE) {
                byte[] expected = Crypto.rakp2Code(auth, kuid, consoleSid, bmcSid, rm, rakp2.rc(), rakp2.guid(),
                        role, user);
                if (!Crypto.same(expected, rakp2.code())) {
                    // Tell the BMC to drop the half-open session; it will not answer.
                    transport.send(PacketCodec.v20(SessionKeys.NONE, PacketCodec.PAYLOAD_RAKP3, 0, 0,
                            RakpCodec.rakp3(nextTag(), RAKP_STATUS_INVALID_ICV, bmcSid, new byte[0]), null));
                    throw new IpmiException(IpmiFailure.AUTHENTICATION_FAILED, "wrong user name or password for user '"
                            + params.user() + "' at " + transport.target() + " (RAKP 2 HMAC does not match)");
                }
                rakp3Code = Crypto.rakp3Code(auth, kuid, rakp2.rc(), consoleSid, role, user);
                sik = Crypto.sik(auth, kg, rm, rakp2.rc(), role, user);
                pendingKeys = new SessionKeys(integrity, Crypto.additionalKey(auth, sik, 1), confidentiality,
                        Crypto.additionalKey(auth, sik, 2));
            } else {
                pendingKeys = SessionKeys.NONE;
            }

            // RAKP 3 and 4
            int rakp3Tag = nextTag();
            byte[] rakp3 = RakpCodec.rakp3(rakp3Tag, 0, bmcSid, rakp3Code);
            bmcMayHoldSession = true;
            RakpCodec.Rakp4 rakp4 = exchange(
                    () -> PacketCodec.v20(SessionKeys.NONE, PacketCodec.PAYLOAD_RAKP3, 0, 0, rakp3, null),
                    in -> in.format() == PacketCodec.Format.V20 && in.payloadType() == PacketCodec.PAYLOAD_RAKP4
                            ? matchTag(RakpCodec.rakp4(in.payload(), auth.icvLength()), rakp3Tag) : null,
                    deadline, "RAKP Message 3");
            if (rakp4.status() != 0) {
                bmcMayHoldSession = false;
                throw rmcpStatus("RAKP 4", rakp4.status());
            }
            if (auth != Crypto.Auth.NONE
                    && !Crypto.same(Crypto.rakp4Icv(auth, sik, rm, bmcSid, rakp2.guid()), rakp4.icv())) {
                throw new IpmiException(IpmiFailure.AUTHENTICATION_FAILED, "RAKP 4 integrity check value from "
                        + transport.target() + " does not match (wrong BMC key K_G?)");
            }
        } finally {
            Arrays.fill(kuid, (byte) 0);
            Arrays.fill(kg, (byte) 0);
            if (sik != null) {
                Arrays.fill(sik, (byte) 0);
            }
        }
        keys = pendingKeys;

        // Sessions start at USER level; raise to the configured one.
        if (params.privilege().code() > PrivilegeLevel.USER.code()) {
            IpmiMessage.Response r = command(IpmiMessage.NETFN_APP, IpmiMessage.CMD_SET_SESSION_PRIVILEGE,
                    new byte[] {(byte) priv}, deadline, "Set Session Privilege Level");
            if (r.completionCode() != 0) {
                int cc = r.completionCode();
                boolean privilege = cc == 0x80 || cc == 0x81 || cc == 0xd4;
                throw new IpmiException(privilege ? IpmiFailure.PRIVILEGE_TOO_LOW : IpmiFailure.BMC_ERROR,
                        "Set Session Privilege Level " + params.privilege() + " for user '" + params.user()
                                + "' failed: " + IpmiMessage.describe(cc), cc);
            }
        }
        LOG.debug("opened RMCP+ session {} to {} as '{}' (cipher suite {}, {}) in {} us",
                Integer.toHexString(bmcSid), transport.target(), params.user(), params.suite(), params.privilege(),
                (System.nanoTime() - started) / 1000);
    }

    private <T> T matchTag(T message, int tag) {
        int t;
        int status;
        int sid;
        if (message instanceof RakpCodec.Rakp2 r2) {
            t = r2.tag();
            status = r2.status();
            sid = r2.consoleSid();
        } else {
            RakpCodec.Rakp4 r4 = (RakpCodec.Rakp4) message;
            t = r4.tag();
            status = r4.status();
            sid = r4.consoleSid();
        }
        return t == tag && (sid == consoleSid || status != 0) ? message : null;
    }

    private IpmiException rmcpStatus(String step, int status) {
        IpmiFailure f = switch (status) {
            case 0x04, 0x05, 0x06, 0x07, 0x10, 0x11 -> IpmiFailure.CIPHER_SUITE_UNSUPPORTED;
            case 0x09, 0x0a -> IpmiFailure.PRIVILEGE_TOO_LOW;
            case 0x0c, 0x0d, 0x0e, 0x0f -> IpmiFailure.AUTHENTICATION_FAILED;
            case 0x01, 0x0b -> IpmiFailure.SESSION_REFUSED;
            default -> IpmiFailure.PROTOCOL_ERROR;
        };
        String hint = switch (f) {
            case CIPHER_SUITE_UNSUPPORTED -> "; cipher suite " + params.suite() + " is not accepted";
            case AUTHENTICATION_FAILED -> "; check user '" + params.user() + "' and its password";
            case PRIVILEGE_TOO_LOW -> "; user '" + params.user() + "' may not have " + params.privilege();
            default -> "";
        };
        return new IpmiException(f, step + " from " + transport.target() + ": " + RakpCodec.describe(status) + hint);
    }

    /**
     * Sends an IPMI command in the session and waits for its response.
     *
     * @param netFn the NetFn
     * @param command the command
     * @param data the request data
     * @param deadline when to give up
     * @param what the command's name for messages
     * @return the response, whatever its completion code
     * @throws IpmiException BMC_UNREACHABLE or TIMED_OUT
     */
    public IpmiMessage.Response command(int netFn, int command, byte[] data, Deadline deadline, String what)
            throws IpmiException {
        int seq = nextRqSeq();
        byte[] message = IpmiMessage.request(netFn, command, seq, data);
        return exchange(() -> PacketCodec.v20(keys, PacketCodec.PAYLOAD_IPMI, bmcSid, nextOutSeq(), message, iv()),
                in -> ipmiResponse(in, netFn, command, seq, true), deadline, what);
    }

    /**
     * Waits, reading and dropping stray datagrams, so that a verification loop pauses without sleeping and
     * still notices a BMC that went away.
     *
     * @param duration how long
     * @throws IpmiException BMC_UNREACHABLE on ICMP port unreachable
     */
    public void idle(Duration duration) throws IpmiException {
        Deadline until = Deadline.after(params.ticker(), duration);
        while (!until.expired()) {
            transport.receive(until);
        }
    }

    private IpmiMessage.Response ipmiResponse(PacketCodec.Inbound in, int netFn, int command, int seq,
            boolean inSession) {
        if (inSession && (in.format() != PacketCodec.Format.V20 || in.payloadType() != PacketCodec.PAYLOAD_IPMI
                || in.sessionId() != consoleSid)) {
            return null;
        }
        if (!inSession && in.format() == PacketCodec.Format.ASF) {
            return null;
        }
        IpmiMessage.Response r = IpmiMessage.parseResponse(in.payload());
        return r.answers(netFn, command, seq) ? r : null;
    }

    private <T> T exchange(Supplier<byte[]> request, Matcher<T> matcher, Deadline deadline,
            String what) throws IpmiException {
        return exchange(request, matcher, deadline, what, false);
    }

    /**
     * Sends {@code request} and waits for the answer {@code matcher} accepts, retransmitting until the
     * deadline. {@code atLeastOnce} sends once even past the deadline (a send does not wait): Close Session
     * must reach the BMC whatever time is left.
     */
    private <T> T exchange(Supplier<byte[]> request, Matcher<T> matcher, Deadline deadline,
            String what, boolean atLeastOnce) throws IpmiException {
        Duration interval = params.retransmitInterval();
        int attempts = 0;
        int garbage = 0;
        int strays = 0;
        String lastGarbage = "";
        long started = params.ticker().getAsLong();
        while (!deadline.expired() || (atLeastOnce && attempts == 0)) {
            if (attempts++ > 0) {
                LOG.trace("retransmitting {} to {} (attempt {})", what, transport.target(), attempts);
            }
            transport.send(request.get());
            Deadline attempt = deadline.atMost(interval);
            while (!attempt.expired()) {
                byte[] datagram = transport.receive(attempt);
                if (datagram == null) {
                    break;
                }
                try {
                    T answer = matcher.match(PacketCodec.decode(datagram, keys));
                    if (answer != null) {
                        answered = true;
                        return answer;
                    }
                    strays++;
                } catch (IllegalArgumentException e) {
                    garbage++;
                    lastGarbage = e.getMessage();
                    LOG.trace("dropped a datagram from {} while awaiting {}: {}", transport.target(), what,
                            e.getMessage());
                }
            }
            interval = longer(interval);
        }
        long waited = (params.ticker().getAsLong() - started) / 1_000_000;
        if (attempts == 0) {
            throw new IpmiException(IpmiFailure.TIMED_OUT, "the deadline had passed before " + what + " could be "
                    + "sent to " + transport.target());
        }
        String counts = attempts + " attempt" + (attempts == 1 ? "" : "s") + " in " + waited + " ms"
                + (strays > 0 ? ", " + strays + " unrelated answer" + (strays == 1 ? "" : "s") : "");
        if (garbage > 0) {
            // Something answers, but not with IPMI we can accept: that is not an unreachable BMC.
            throw new IpmiException(IpmiFailure.PROTOCOL_ERROR, transport.target() + " sent " + garbage
                    + " datagram" + (garbage == 1 ? "" : "s") + " that are not valid answers to " + what + " ("
                    + counts + "; last: " + lastGarbage + ")");
        }
        if (!answered) {
            throw new IpmiException(IpmiFailure.BMC_UNREACHABLE, "no answer from " + transport.target() + " to "
                    + what + " (" + counts + ")");
        }
        throw new IpmiException(IpmiFailure.TIMED_OUT, "no answer from " + transport.target() + " to " + what
                + " before the deadline (" + counts + ")");
    }

    private static Duration longer(Duration interval) {
        // compared before doubling: a configured interval near Duration's limit must not overflow
        if (interval.compareTo(MAX_RETRANSMIT_INTERVAL) >= 0) {
            return MAX_RETRANSMIT_INTERVAL;
        }
        Duration next = interval.multipliedBy(2);
        return next.compareTo(MAX_RETRANSMIT_INTERVAL) > 0 ? MAX_RETRANSMIT_INTERVAL : next;
    }

    private byte[] iv() {
        if (confidentiality == Crypto.Confidentiality.NONE) {
            return null;
        }
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        return iv;
    }

    private int nextRqSeq() {
        rqSeq = (rqSeq + 1) & 0x3f;
        return rqSeq;
    }

    private int nextOutSeq() {
        outSeq++;
        if (outSeq == 0) {
            outSeq = 1;
        }
        return outSeq;
    }

    private int nextTag() {
        tag = (tag + 1) & 0xff;
        return tag;
    }

    /** @return the BMC's session ID, 0 before Open Session succeeded */
    public int bmcSessionId() {
        return bmcSid;
    }

    /** @return host:port of the BMC */
    public String target() {
        return transport.target();
    }

    /**
     * Sends Close Session if the BMC may hold this session and waits for its answer within the close budget but
     * never past the action's deadline (past it, the request is sent once without waiting: the BMC has few
     * session slots), then releases the socket. Never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // An interrupted caller still frees the BMC's session slot; the interrupt status is restored below.
        boolean interrupted = Thread.interrupted();
        try {
            if (bmcMayHoldSession) {
                if (keys == SessionKeys.NONE && pendingKeys != null) {
                    keys = pendingKeys;
                }
                // Inside the action's deadline: a late close would make the whole action late. Past it, the
                // request is still sent once (sending does not wait), so the BMC can free its slot.
                Deadline d = closeBy.atMost(params.closeTimeout());
                int seq = nextRqSeq();
                byte[] message = IpmiMessage.request(IpmiMessage.NETFN_APP, IpmiMessage.CMD_CLOSE_SESSION, seq,
                        Bytes.le32(bmcSid));
                IpmiMessage.Response r = exchange(
                        () -> PacketCodec.v20(keys, PacketCodec.PAYLOAD_IPMI, bmcSid, nextOutSeq(), message, iv()),
                        in -> ipmiResponse(in, IpmiMessage.NETFN_APP, IpmiMessage.CMD_CLOSE_SESSION, seq, true), d,
                        "Close Session", true);
                LOG.debug("closed RMCP+ session {} at {}: {}", Integer.toHexString(bmcSid), transport.target(),
                        IpmiMessage.describe(r.completionCode()));
            }
        } catch (IpmiException e) {
            LOG.debug("could not close RMCP+ session {} at {}: {} {}", Integer.toHexString(bmcSid),
                    transport.target(), e.failure().label(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("could not close RMCP+ session {} at {}", Integer.toHexString(bmcSid), transport.target(), e);
        } finally {
            keys = SessionKeys.NONE;
            pendingKeys = null;
            transport.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
