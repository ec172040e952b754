package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Conversions between raw files and qcow2 images, like {@code qemu-img convert}: zero ranges are
 * skipped (the raw output is sparse, the qcow2 output leaves them unallocated). Internal
 * snapshots are never copied (as with qemu-img); export one explicitly with
 * {@link #snapshotToRaw}. Memory use is one 1 MiB buffer.
 */
public final class Qcow2Convert {

    private static final int CHUNK_BYTES = 1 << 20;

    private Qcow2Convert() {
    }

    /**
     * Creates {@code target} as qcow2 with the content of the raw file {@code source}. The
     * virtual size is the raw file's size (rounded up to 512); other options apply as given.
     */
    public static void rawToQcow2(Path source, Path target, Qcow2CreateOptions options) throws IOException {
        rawToQcow2(source, target, options, false);
    }

    /**
     * As {@link #rawToQcow2(Path, Path, Qcow2CreateOptions)}; with {@code compress} every
     * non-zero cluster is stored deflate-compressed ({@code qemu-img convert -c}).
     */
    public static void rawToQcow2(Path source, Path target, Qcow2CreateOptions options, boolean compress)
            throws IOException {
        rawToQcow2(source, target, options, compress, WriteOrdering.DEFERRED_TO_CLOSE);
    }

    /**
     * As {@link #rawToQcow2(Path, Path, Qcow2CreateOptions, boolean)}, writing the target with
     * {@code targetOrdering}: {@link WriteOrdering#DEFERRED_TO_CLOSE} (durable when this returns) or
     * {@link WriteOrdering#UNSYNCED} (never forced, as qemu-img's default cache mode).
     */
    public static void rawToQcow2(Path source, Path target, Qcow2CreateOptions options, boolean compress,
            WriteOrdering targetOrdering) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long sizeBytes = in.size();
            Qcow2CreateOptions sized = new Qcow2CreateOptions(sizeBytes, options.clusterBits(),
                    options.refcountOrder(), options.lazyRefcounts(), options.backingFile(), options.backingFormat(),
                    options.compat());
            // A new file nothing reads before it is closed: ordering barriers would only cost time
            // (WriteOrdering.DEFERRED_TO_CLOSE); on any failure the half-written target is removed.
            try (Qcow2Image image = Qcow2Image.create(target, sized, targetOrdering)) {
                copyRaw(in, sizeBytes, image, compress);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        }
    }

    private static void copyRaw(FileChannel in, long sizeBytes, Qcow2Image image, boolean compress)
            throws IOException {
        int clusterSize = image.clusterSize();
        int chunk = Math.max(CHUNK_BYTES, clusterSize);
        byte[] buffer = new byte[chunk];
        for (long offset = 0; offset < sizeBytes; offset += chunk) {
            int len = (int) Math.min(chunk, sizeBytes - offset);
            readFully(in, offset, buffer, len);
            java.util.Arrays.fill(buffer, len, buffer.length, (byte) 0);
            if (compress) {
                writeCompressedClusters(image, offset, buffer, len, clusterSize);
            } else {
                writeNonZeroClusters(image, offset, buffer, len, clusterSize);
            }
        }
    }

    private static void writeNonZeroClusters(Qcow2Image image, long offset, byte[] buffer, int len, int clusterSize)
            throws IOException {
        int runStart = -1;
        for (int at = 0; at <= len; at += clusterSize) {
            boolean zero = at == len || ZeroBytes.isZero(buffer, at, Math.min(clusterSize, len - at));
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                image.write(offset + runStart, buffer, runStart, Math.min(at, len) - runStart);
                runStart = -1;
            }
        }
    }

    private static void writeCompressedClusters(Qcow2Image image, long offset, byte[] buffer, int len,
            int clusterSize) throws IOException {
        for (int at = 0; at < len; at += clusterSize) {
            int size = (int) Math.min(clusterSize, image.capacityBytes() - offset - at);
            if (!ZeroBytes.isZero(buffer, at, Math.min(size, len - at))) {
                image.writeCompressed(offset + at, buffer, at, size);
            }
        }
    }

    /**
     * Writes the active content of a qcow2 image (with its backing chain) to a sparse raw file,
     * durable when this returns.
     */
    public static void toRaw(Path source, Path target) throws IOException {
        toRaw(source, target, WriteOrdering.DEFERRED_TO_CLOSE);
    }

    /** As {@link #toRaw(Path, Path)}; {@link WriteOrdering#UNSYNCED} skips the final force. */
    public static void toRaw(Path source, Path target, WriteOrdering targetOrdering) throws IOException {
        try (Qcow2Image image = Qcow2Image.open(source, false)) {
            writeRaw(image.capacityBytes(), image::read, target, targetOrdering);
        }
    }

    /** Writes the content an internal snapshot (ID first, then name) captured to a raw file. */
    public static void snapshotToRaw(Path source, String snapshotIdOrName, Path target) throws IOException {
        snapshotToRaw(source, snapshotIdOrName, target, WriteOrdering.DEFERRED_TO_CLOSE);
    }

    /** As {@link #snapshotToRaw(Path, String, Path)}; {@link WriteOrdering#UNSYNCED} skips the final force. */
    public static void snapshotToRaw(Path source, String snapshotIdOrName, Path target, WriteOrdering targetOrdering)
            throws IOException {
        try (Qcow2Image image = Qcow2Image.open(source, false)) {
            SnapshotReader reader = image.snapshotReader(snapshotIdOrName);
            writeRaw(reader.capacityBytes(), reader::read, target, targetOrdering);
        }
    }

    private static void writeRaw(long sizeBytes, SnapshotReader.Source source, Path target,
            WriteOrdering targetOrdering) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[CHUNK_BYTES];
            for (long offset = 0; offset < sizeBytes; offset += CHUNK_BYTES) {
                int len = (int) Math.min(CHUNK_BYTES, sizeBytes - offset);
                source.read(offset, buffer, 0, len);
                if (!ZeroBytes.isZero(buffer, 0, len)) {
                    ByteBuffer data = ByteBuffer.wrap(buffer, 0, len);
                    long position = offset;
                    while (data.hasRemaining()) {
                        position += out.write(data, position);
                    }
                }
            }
            out.truncate(sizeBytes);
            if (out.size() < sizeBytes) {
                out.write(ByteBuffer.allocate(1), sizeBytes - 1);
            }
            if (targetOrdering != WriteOrdering.UNSYNCED) {
                out.force(false);
            }
        }
    }

    private static void readFully(FileChannel in, long offset, byte[] buffer, int len) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, len);
        long position = offset;
        while (target.hasRemaining()) {
            int count = in.read(target, position);
            if (count < 0) {
                throw new IOException("raw file shrank while converting");
            }
            position += count;
        }
    }
}
