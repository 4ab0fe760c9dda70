package dev.ha4j.router.vip.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The last epoch a router has seen, kept in a small text file so that it survives a restart of the process:
 *
 * <pre>
 * ha4j-vip-epoch 1
 * epoch=42
 * crc32=1a2b3c4d
 * </pre>
 *
 * The checksum covers the first two lines, so a truncated or damaged file is told apart from a valid one, and is
 * refused rather than read as epoch 0. Writes go to a temporary file in the same directory, are forced to disk,
 * renamed over the old file atomically, and the directory is forced too, so a crash leaves either the old or the
 * new file, never a mix.
 *
 * <p>Not thread-safe: the router serialises its calls.
 */
public final class EpochFile {
    private static final String MAGIC = "ha4j-vip-epoch 1";
    private final Path path;

    /**
     * @param path the file
     */
    public EpochFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /**
     * Reads the epoch.
     *
     * @return the epoch, 0 when the file does not exist yet
     * @throws IllegalStateException naming the path if it cannot be read or is corrupt
     */
    public long read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the vip epoch state file " + path + ": " + e, e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (lines.length != 4 || !lines[3].isEmpty() || !lines[0].equals(MAGIC) || !lines[1].startsWith("epoch=")
                || !lines[2].startsWith("crc32=")) {
            throw corrupt("it is not in the format '" + MAGIC + "\\nepoch=N\\ncrc32=HEX\\n' (" + bytes.length
                    + " bytes)");
        }
        String crc = crc(lines[0] + "\n" + lines[1] + "\n");
        if (!lines[2].substring(6).equals(crc)) {
            throw corrupt("its checksum " + lines[2].substring(6) + " does not match its content (" + crc + ")");
        }
        try {
            long e = Long.parseLong(lines[1].substring(6));
            if (e < 0) {
                throw corrupt("its epoch " + e + " is negative");
            }
            return e;
        } catch (NumberFormatException e) {
            throw corrupt("its epoch '" + lines[1].substring(6) + "' is not a number");
        }
    }

    private IllegalStateException corrupt(String why) {
        return new IllegalStateException("the vip epoch state file " + path + " is corrupt: " + why + ". Refusing to"
                + " start from epoch 0, which would accept stale claims; check the coordinator's current epoch, then"
                + " delete or repair the file");
    }

    /**
     * Writes the epoch atomically and durably.
     *
     * @param epoch the epoch
     * @throws IOException if it cannot be written; the old file is then unchanged
     */
    public void write(long epoch) throws IOException {
        String body = MAGIC + "\n" + "epoch=" + epoch + "\n";
        byte[] bytes = (body + "crc32=" + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
        Path dir = path.getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems refuse to open a directory; the rename itself is atomic
        }
    }

    private static String crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", c.getValue());
    }
}
