package dev.ha4j.fencing.ipmi.internal;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal BMC for cipher suite 17 written from the specification's formulas with plain {@code javax.crypto}
 * (none of the production codec or crypto classes): Get Channel Authentication Capabilities, Open Session,
 * RAKP 1/3, and in session Set Session Privilege Level, Get Chassis Status, Chassis Control and Close Session.
 * Knobs make it misbehave the way real BMCs do: accept a power command without acting on it, go silent after
 * the handshake, or answer with garbage. One session at a time, one thread; knobs are volatile.
 */
final class MiniBmc implements AutoCloseable {
    /** How the BMC treats in-session commands after the handshake. */
    enum Mode {
        /** Answer everything. */
        NORMAL,
        /** Answer nothing after Set Session Privilege Level, Close Session included. */
        SILENT,
        /** Answer nothing about the chassis (status, control), but Close Session. */
        SILENT_CHASSIS,
        /** Answer chassis commands with random bytes. */
        GARBAGE_CHASSIS
    }

    volatile Mode mode = Mode.NORMAL;
    /** Chassis Control answers success but the power does not change (a BMC whose node ignores it). */
    volatile boolean ignorePower;
    /** Every in-session command received, in order: privilege, status, control, close, other. */
    final List<String> commands = new CopyOnWriteArrayList<>();

    private final byte[] user;
    private final byte[] kuid;
    private final DatagramSocket socket;
    private final SecureRandom random = new SecureRandom();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger badPackets = new AtomicInteger();
    private final byte[] guid = new byte[16];
    volatile boolean powerOn = true;
    private Thread thread;
    private int consoleSid;
    private final int bmcSid = 0x4d424d43;
    private byte[] rm;
    private byte[] rc;
    private int role;
    private byte[] k1;
    private byte[] k2;
    private int seq;

    MiniBmc(String user, String password) throws SocketException {
        this.user = user.getBytes(StandardCharsets.US_ASCII);
        this.kuid = Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), 20);
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        random.nextBytes(guid);
    }

    int port() {
        return socket.getLocalPort();
    }

    void start() {
        thread = new Thread(this::serve, "mini-bmc-17");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        socket.close();
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void serve() {
        byte[] buf = new byte[1024];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] reply = handle(Arrays.copyOf(p.getData(), p.getLength()));
                if (reply != null) {
                    send(reply, p.getSocketAddress());
                }
            } catch (Exception e) {
                if (socket.isClosed()) {
                    return;
                }
                badPackets.incrementAndGet();
            }
        }
    }

    private void send(byte[] d, SocketAddress to) throws Exception {
        socket.send(new DatagramPacket(d, d.length, to));
    }

    private byte[] handle(byte[] d) throws Exception {
        if (d[4] == 0x00) {
            // IPMI 1.5 Get Channel Authentication Capabilities: channel 1, v2.0 extended data, IPMI 2.0
            byte[] msg = response(Arrays.copyOfRange(d, 14, d.length), 0,
                    new byte[] {1, (byte) 0x80, 0x04, 0x02, 0, 0, 0, 0});
            return cat(new byte[] {6, 0, (byte) 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) msg.length}, msg);
        }
        int type = d[5] & 0x3f;
        int len = (d[14] & 0xff) | (d[15] & 0xff) << 8;
        byte[] body = Arrays.copyOfRange(d, 16, 16 + len);
        if (type != 0x00 && Arrays.equals(d, lastPreSessionRequest)) {
            // a retransmitted handshake message gets the same answer, as from a real BMC: answering a
            // retransmitted RAKP 1 with a fresh random number would break the session being set up
            return lastPreSessionReply;
        }
        byte[] reply = preSessionReply(type, body, d);
        if (type != 0x00) {
            lastPreSessionRequest = d;
            lastPreSessionReply = reply;
        }
        return reply;
    }

    private byte[] lastPreSessionRequest;
    private byte[] lastPreSessionReply;

    private byte[] preSessionReply(int type, byte[] body, byte[] d) throws Exception {
        switch (type) {
            case 0x10 -> {
                consoleSid = ByteBuffer.wrap(body, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                boolean suite17 = body[12] == 3 && body[20] == 4 && body[28] == 1;
                if (!suite17) {
                    return preSession(0x11, new byte[] {body[0], 0x11});
                }
                return preSession(0x11, cat(new byte[] {body[0], 0, 4, 0}, le(consoleSid), le(bmcSid),
                        Arrays.copyOfRange(body, 8, 32)));
            }
            case 0x12 -> {
                rm = Arrays.copyOfRange(body, 8, 24);
                role = body[24] & 0xff;
                byte[] name = Arrays.copyOfRange(body, 28, 28 + body[27]);
                if (!Arrays.equals(name, user)) {
                    return preSession(0x13, cat(new byte[] {body[0], 0x0d, 0, 0}, le(consoleSid)));
                }
                rc = new byte[16];
                random.nextBytes(rc);
                byte[] code = hmac(kuid, le(consoleSid), le(bmcSid), rm, rc, guid,
                        new byte[] {(byte) role, (byte) user.length}, user);
                return preSession(0x13, cat(new byte[] {body[0], 0, 0, 0}, le(consoleSid), rc, guid, code));
            }
            case 0x14 -> {
                if (body[1] != 0) {
                    return null;
                }
                byte[] expected = hmac(kuid, rc, le(consoleSid), new byte[] {(byte) role, (byte) user.length},
                        user);
                if (!Arrays.equals(expected, Arrays.copyOfRange(body, 8, body.length))) {
                    return preSession(0x15, cat(new byte[] {body[0], 0x0f, 0, 0}, le(consoleSid)));
                }
                byte[] sik = hmac(kuid, rm, rc, new byte[] {(byte) role, (byte) user.length}, user);
                byte[] c1 = new byte[32];
                Arrays.fill(c1, (byte) 1);
                byte[] c2 = new byte[32];
                Arrays.fill(c2, (byte) 2);
                k1 = hmac(sik, c1);
                k2 = hmac(sik, c2);
                byte[] icv = Arrays.copyOf(hmac(sik, rm, le(bmcSid), guid), 16);
                return preSession(0x15, cat(new byte[] {body[0], 0, 0, 0}, le(consoleSid), icv));
            }
            case 0x00 -> {
                return inSession(d, body);
            }
            default -> {
                return null;
            }
        }
    }

    private static byte[] preSession(int type, byte[] payload) {
        return cat(new byte[] {6, 0, (byte) 0xff, 7, 6, (byte) type, 0, 0, 0, 0, 0, 0, 0, 0,
            (byte) payload.length, (byte) (payload.length >> 8)}, payload);
    }

    private byte[] inSession(byte[] d, byte[] body) throws Exception {
        byte[] signed = Arrays.copyOfRange(d, 4, d.length - 16);
        if (!Arrays.equals(Arrays.copyOf(hmac(k1, signed), 16), Arrays.copyOfRange(d, d.length - 16, d.length))
                || (d[5] & 0xc0) != 0xc0) {
            badPackets.incrementAndGet();
            return null;
        }
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k2, 0, 16, "AES"),
                new IvParameterSpec(Arrays.copyOf(body, 16)));
        byte[] plain = aes.doFinal(Arrays.copyOfRange(body, 16, body.length));
        byte[] msg = Arrays.copyOf(plain, plain.length - 1 - plain[plain.length - 1]);
        int netFn = (msg[1] & 0xff) >> 2;
        int cmd = msg[5] & 0xff;
        String name = netFn == 6 && cmd == 0x3b ? "privilege" : netFn == 0 && cmd == 0x01 ? "status"
                : netFn == 0 && cmd == 0x02 ? "control" : netFn == 6 && cmd == 0x3c ? "close" : "other";
        commands.add(name);
        Mode m = mode;
        boolean chassis = name.equals("status") || name.equals("control");
        if (m == Mode.SILENT && !name.equals("privilege") || m == Mode.SILENT_CHASSIS && chassis) {
            return null;
        }
        if (m == Mode.GARBAGE_CHASSIS && chassis) {
            byte[] junk = new byte[40];
            random.nextBytes(junk);
            return junk;
        }
        byte[] data;
        if (netFn == 6 && cmd == 0x3b) {
            data = new byte[] {msg[6]};
        } else if (netFn == 0 && cmd == 0x01) {
            data = new byte[] {(byte) (powerOn ? 1 : 0), 0, 0};
        } else if (netFn == 0 && cmd == 0x02) {
            if (!ignorePower) {
                powerOn = msg[6] == 1;
            }
            data = new byte[0];
        } else if (netFn == 6 && cmd == 0x3c) {
            closed.incrementAndGet();
            data = new byte[0];
        } else {
            return null;
        }
        return sessionPacket(response(msg, 0, data));
    }

    private static byte[] response(byte[] request, int cc, byte[] data) {
        int netFn = ((request[1] & 0xff) >> 2) + 1;
        byte[] m = cat(new byte[] {(byte) 0x81, (byte) (netFn << 2), 0, 0x20, request[4], request[5],
            (byte) cc}, data, new byte[1]);
        m[2] = (byte) -(0x81 + (netFn << 2));
        int sum = 0;
        for (int i = 3; i < m.length - 1; i++) {
            sum += m[i];
        }
        m[m.length - 1] = (byte) -sum;
        return m;
    }

    private byte[] sessionPacket(byte[] msg) throws Exception {
        int pad = (16 - (msg.length + 1) % 16) % 16;
        byte[] plain = new byte[msg.length + pad + 1];
        System.arraycopy(msg, 0, plain, 0, msg.length);
        for (int i = 0; i < pad; i++) {
            plain[msg.length + i] = (byte) (i + 1);
        }
        plain[plain.length - 1] = (byte) pad;
        byte[] iv = new byte[16];
        random.nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k2, 0, 16, "AES"), new IvParameterSpec(iv));
        byte[] body = cat(iv, aes.doFinal(plain));
        byte[] header = cat(new byte[] {6, (byte) 0xc0}, le(consoleSid), le(++seq),
                new byte[] {(byte) body.length, (byte) (body.length >> 8)});
        int ipad = (4 - (header.length + body.length + 2) % 4) % 4;
        byte[] trailer = new byte[ipad + 2];
        Arrays.fill(trailer, (byte) 0xff);
        trailer[ipad] = (byte) ipad;
        trailer[ipad + 1] = 7;
        byte[] signed = cat(header, body, trailer);
        return cat(new byte[] {6, 0, (byte) 0xff, 7}, signed, Arrays.copyOf(hmac(k1, signed), 16));
    }
}
