package dev.cairn.qcow2;

import dev.cairn.pool.spi.FileWrites;
import dev.cairn.pool.spi.Progress;
import dev.cairn.qcow2.format.ClusterType;
import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between raw files and qcow2 images (either way, qcow2 to qcow2 and raw to raw), like
 * {@code qemu-img convert}: zero ranges are skipped (the raw output is sparse, the qcow2 output
 * leaves them unallocated), and a target that is the source or one of its backing files is refused. Internal
 * snapshots are never copied (as with qemu-img); export one explicitly with
 * {@link #snapshotToRaw}. Raw to qcow2 (uncompressed) and qcow2 to raw map their sources and copy
 * on three threads ({@link WindowedCopy}, at most three 16 MiB windows in flight); the other paths
 * use one 1 MiB buffer.
 */
public final class Qcow2Convert {

    private static final int CHUNK_BYTES = 1 << 20;
    /** The unit in which a raw output is left sparse: qemu-img's default ({@code -S 4k}). */
    private static final int RAW_BLOCK_BYTES = 4096;
    /** The unit of work of a parallel copy: large enough that its fixed costs (a mapping, a turn) vanish. */
    private static final int WINDOW_BYTES = 16 << 20;

    private Qcow2Convert() {
    }

    /**
     * The size from which a raw source's holes are found from its file system ({@link DataExtents})
     * instead of read and scanned: loading the native calls for that costs about what scanning
     * 256 MiB of zeroes does (60-80 ms, measured), so smaller sources are scanned.
     */
    public static final long HOLE_SKIP_MIN_BYTES = 256L << 20;

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
        rawToQcow2(source, target, options, compress, WriteOrdering.DEFERRED_TO_CLOSE, Progress.NONE);
    }

    /**
     * As {@link #rawToQcow2(Path, Path, Qcow2CreateOptions, boolean)}, writing the target with
     * {@code targetOrdering}: {@link WriteOrdering#DEFERRED_TO_CLOSE} (durable when this returns) or
     * {@link WriteOrdering#UNSYNCED} (never forced, as qemu-img's default cache mode), and reporting
     * to {@code progress} the bytes of the source done (holes included).
     */
    public static void rawToQcow2(Path source, Path target, Qcow2CreateOptions options, boolean compress,
            WriteOrdering targetOrdering, Progress progress) throws IOException {
        refuseInputAsTarget(target, List.of(source));
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                DataExtents extents = DataExtents.open(source, in.size() >= HOLE_SKIP_MIN_BYTES)) {
            long sizeBytes = in.size();
            Qcow2CreateOptions sized = options.withCapacity(sizeBytes);
            // A new file nothing reads before it is closed: ordering barriers would only cost time
            // (WriteOrdering.DEFERRED_TO_CLOSE); on any failure the half-written target is removed.
            try (Qcow2Image image = Qcow2Image.create(target, sized, targetOrdering);
                    WriteBehind writeBehind = WriteBehind.start(targetOrdering != WriteOrdering.UNSYNCED,
                            image::forceWhileWriting)) {
                progress.advance(0, sizeBytes);
                copyRaw(in, extents, sizeBytes, image, compress, writeBehind, progress);
                writeBehind.finish();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        }
    }

    private static void copyRaw(FileChannel in, DataExtents extents, long sizeBytes, Qcow2Image image,
            boolean compress, WriteBehind writeBehind, Progress progress) throws IOException {
        int clusterSize = image.clusterSize();
        long wholeBytes = compress ? 0 : sizeBytes - sizeBytes % clusterSize;
        if (wholeBytes > 0) {
            copyWholeClusters(in, extents, wholeBytes, sizeBytes, image, writeBehind, progress);
        }
        int chunk = Math.max(CHUNK_BYTES, clusterSize);
        byte[] buffer = new byte[chunk];
        for (long offset = wholeBytes; offset < sizeBytes; offset += chunk) {
            int len = (int) Math.min(chunk, sizeBytes - offset);
            readFully(in, offset, buffer, len);
            java.util.Arrays.fill(buffer, len, buffer.length, (byte) 0);
            if (compress) {
                writeCompressedClusters(image, offset, buffer, len, clusterSize);
            } else {
                writeNonZeroClusters(image, offset, buffer, len, clusterSize);
            }
            progress.advance(offset + len, sizeBytes);
        }
    }

    /** What one window of a raw source holds: its mapping, its runs of non-zero clusters and their hosts. */
    private record RawWindow(long start, ByteBuffer data, List<int[]> runs, long[] hosts) {
    }

    /**
     * Copies the first {@code wholeBytes} (whole clusters) of a raw file into a new image: the
     * file system's holes ({@link DataExtents}) are skipped unread, the rest of the source is
     * mapped, not read (no copy into the heap), every cluster is tested for zeroes where it lies,
     * and each run of non-zero clusters goes from the mapping straight to new host clusters, laid
     * out in guest order ({@link WindowedCopy}).
     */
    private static void copyWholeClusters(FileChannel in, DataExtents extents, long wholeBytes, long sizeBytes,
            Qcow2Image image, WriteBehind writeBehind, Progress progress) throws IOException {
        int clusterSize = image.clusterSize();
        int windowBytes = Math.max(WINDOW_BYTES, clusterSize);
        WindowedCopy.run((wholeBytes + windowBytes - 1) / windowBytes, new WindowedCopy.Steps<RawWindow>() {
            /** Bytes of the windows transferred so far (transfers take turns: no race). */
            private long done;

            @Override
            public RawWindow prepare(long window) throws IOException {
                long start = window * windowBytes;
                int len = (int) Math.min(windowBytes, wholeBytes - start);
                List<long[]> dataRanges = extents.dataRanges(start, start + len);
                List<int[]> runs = new ArrayList<>();
                MappedByteBuffer data = null;
                if (!dataRanges.isEmpty()) {
                    MappedByteBuffer mapped = in.map(FileChannel.MapMode.READ_ONLY, start, len);
                    forNonZeroRuns(len, clusterSize,
                            (at, bytes) -> !overlaps(dataRanges, start + at, start + at + bytes)
                                    || ZeroBytes.isZero(mapped, at, bytes),
                            (at, bytes) -> runs.add(new int[] {at, bytes}));
                    data = mapped;
                }
                if (runs.isEmpty()) {
                    return new RawWindow(start, null, runs, new long[0]);
                }
                // Fault the runs in now, alongside another thread's writes, not in the copy out of the mapping
                // (only the runs: the rest of the window may be a hole, which would be read in as zeroes).
                for (int[] run : runs) {
                    data.slice(run[0], run[1]).load();
                }
                return new RawWindow(start, data, runs, new long[runs.size()]);
            }

            @Override
            public void inOrder(long window, RawWindow plan) throws IOException {
                for (int i = 0; i < plan.hosts.length; i++) {
                    int[] run = plan.runs.get(i);
                    plan.hosts[i] = image.mapNewClusters(plan.start + run[0], run[1] / clusterSize);
                }
            }

            @Override
            public void transfer(RawWindow plan) throws IOException {
                for (int i = 0; i < plan.hosts.length; i++) {
                    int[] run = plan.runs.get(i);
                    image.writeHost(plan.hosts[i], plan.data.slice(run[0], run[1]));
                    writeBehind.written(run[1]);
                }
                done += Math.min(windowBytes, wholeBytes - plan.start);
                progress.advance(done, sizeBytes);
            }
        });
    }

    /**
     * Creates {@code target} as qcow2 with the guest content of the qcow2 image {@code source}
     * ({@code qemu-img convert -f qcow2 -O qcow2}): its active state with the backing chain read
     * through (the copy stands alone, as qemu-img's does without {@code -B}), or the internal snapshot
     * {@code snapshotIdOrName} (ID first, then name) when that is not null. Ranges that read as
     * zeroes stay unallocated; internal snapshots are not copied. The virtual size is the source's
     * (the snapshot's); other options apply as given; {@code compress} stores every cluster
     * deflate-compressed. On any failure the half-written target is removed.
     */
    public static void toQcow2(Path source, String snapshotIdOrName, Path target, Qcow2CreateOptions options,
            boolean compress, WriteOrdering targetOrdering, Progress progress) throws IOException {
        try (Qcow2Image image = Qcow2Image.open(source, false)) {
            refuseInputAsTarget(target, chainFiles(source, image));
            List<long[]> ranges = new ArrayList<>();
            SnapshotReader.Source reader; // the guest bytes of the active state or of the snapshot
            long sizeBytes;
            if (snapshotIdOrName == null) {
                sizeBytes = image.capacityBytes();
                reader = image::read;
                for (Qcow2Map.Range range : Qcow2Map.of(image)) {
                    if (!range.zero()) {
                        ranges.add(new long[] {range.start(), range.start() + range.length()});
                    }
                }
            } else {
                SnapshotReader snapshot = image.snapshotReader(snapshotIdOrName);
                sizeBytes = snapshot.capacityBytes();
                reader = snapshot::read;
                if (image.backingLayer() == null) {
                    image.changedRanges(null, snapshotIdOrName, (offset, length, zero) -> {
                        if (!zero) {
                            ranges.add(new long[] {offset, offset + length});
                        }
                    });
                } else {
                    ranges.add(new long[] {0, sizeBytes}); // what the snapshot reads through: all of it
                }
            }
            try (Qcow2Image out = Qcow2Image.create(target, options.withCapacity(sizeBytes), targetOrdering)) {
                progress.advance(0, sizeBytes);
                copyRanges(reader, clusterAligned(ranges, out.clusterSize(), sizeBytes), out, compress, progress);
                progress.advance(sizeBytes, sizeBytes);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        }
    }

    /**
     * {@code ranges} ({start, end}, ascending) widened to whole clusters of {@code clusterSize}
     * (clipped to {@code sizeBytes}) and merged where they then touch: the source's clusters need
     * not be the target's.
     */
    private static List<long[]> clusterAligned(List<long[]> ranges, int clusterSize, long sizeBytes) {
        List<long[]> aligned = new ArrayList<>();
        for (long[] range : ranges) {
            long start = range[0] - range[0] % clusterSize;
            long end = Math.min(sizeBytes, (range[1] + clusterSize - 1) / clusterSize * clusterSize);
            long[] last = aligned.isEmpty() ? null : aligned.get(aligned.size() - 1);
            if (last != null && start <= last[1]) {
                last[1] = Math.max(last[1], end);
            } else if (start < end) {
                aligned.add(new long[] {start, end});
            }
        }
        return aligned;
    }

    /** Copies each of {@code ranges} (cluster aligned) from {@code reader} to {@code image}, skipping zero clusters. */
    private static void copyRanges(SnapshotReader.Source reader, List<long[]> ranges, Qcow2Image image,
            boolean compress, Progress progress) throws IOException {
        int clusterSize = image.clusterSize();
        int chunk = Math.max(CHUNK_BYTES, clusterSize);
        byte[] buffer = new byte[chunk];
        for (long[] range : ranges) {
            for (long offset = range[0]; offset < range[1]; offset += chunk) {
                int len = (int) Math.min(chunk, range[1] - offset);
                reader.read(offset, buffer, 0, len);
                if (compress) {
                    writeCompressedClusters(image, offset, buffer, len, clusterSize);
                } else {
                    writeNonZeroClusters(image, offset, buffer, len, clusterSize);
                }
                progress.advance(offset + len, image.capacityBytes());
            }
        }
    }

    /**
     * Copies the raw file {@code source} to a sparse raw file {@code target} ({@code qemu-img convert
     * -f raw -O raw}): the file system's holes are skipped unread, zero blocks read are left as holes.
     */
    public static void rawToRaw(Path source, Path target, WriteOrdering targetOrdering, Progress progress)
            throws IOException {
        refuseInputAsTarget(target, List.of(source));
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                DataExtents extents = DataExtents.open(source, in.size() >= HOLE_SKIP_MIN_BYTES);
                FileChannel out = openRawTarget(target)) {
            long sizeBytes = in.size();
            progress.advance(0, sizeBytes);
            byte[] buffer = new byte[CHUNK_BYTES];
            for (long[] range : extents.dataRanges(0, sizeBytes)) {
                for (long offset = range[0]; offset < range[1]; offset += CHUNK_BYTES) {
                    int len = (int) Math.min(CHUNK_BYTES, range[1] - offset);
                    long chunkStart = offset;
                    readFully(in, chunkStart, buffer, len);
                    forNonZeroRuns(len, RAW_BLOCK_BYTES, (at, bytes) -> ZeroBytes.isZero(buffer, at, bytes),
                            (at, bytes) -> FileWrites.writeFully(out, ByteBuffer.wrap(buffer, at, bytes),
                                    chunkStart + at));
                    progress.advance(chunkStart + len, sizeBytes);
                }
            }
            finishRaw(out, sizeBytes, targetOrdering);
            progress.advance(sizeBytes, sizeBytes);
        }
    }

    private static void writeNonZeroClusters(Qcow2Image image, long offset, byte[] buffer, int len, int clusterSize)
            throws IOException {
        forNonZeroRuns(len, clusterSize, (at, bytes) -> ZeroBytes.isZero(buffer, at, bytes),
                (at, bytes) -> image.write(offset + at, buffer, at, bytes));
    }

    /** Whether {@code [from, to)} overlaps one of {@code ranges} ({start, end} pairs). */
    private static boolean overlaps(List<long[]> ranges, long from, long to) {
        for (long[] range : ranges) {
            if (range[0] < to && from < range[1]) {
                return true;
            }
        }
        return false;
    }

    /** Tells whether {@code bytes} bytes at {@code at} are all zero. */
    private interface ZeroTest {
        boolean isZero(int at, int bytes);
    }

    /** Takes one run of non-zero clusters. */
    private interface RunSink {
        void accept(int at, int bytes) throws IOException;
    }

    /**
     * Passes each longest run of clusters of {@code [0, len)} that {@code test} finds not all zero
     * to {@code sink}; the last cluster may be short.
     */
    private static void forNonZeroRuns(int len, int clusterSize, ZeroTest test, RunSink sink) throws IOException {
        int runStart = -1;
        // One step past the last cluster ends the last run.
        for (int at = 0; at < len + clusterSize; at += clusterSize) {
            boolean zero = at >= len || test.isZero(at, Math.min(clusterSize, len - at));
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                sink.accept(runStart, Math.min(at, len) - runStart);
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
        toRaw(source, target, WriteOrdering.DEFERRED_TO_CLOSE, Progress.NONE);
    }

    /**
     * As {@link #toRaw(Path, Path)}; {@link WriteOrdering#UNSYNCED} skips the final force. Data
     * clusters of the image itself go from a mapping of its file straight to the output;
     * compressed clusters and what the backing chain holds are read through the engine.
     */
    public static void toRaw(Path source, Path target, WriteOrdering targetOrdering, Progress progress)
            throws IOException {
        try (Qcow2Image image = Qcow2Image.open(source, false);
                FileChannel out = openRawTarget(target, source, image);
                WriteBehind writeBehind = WriteBehind.start(targetOrdering != WriteOrdering.UNSYNCED,
                        () -> out.force(false))) {
            long sizeBytes = image.capacityBytes();
            progress.advance(0, sizeBytes);
            copyActiveToRaw(image, sizeBytes, out, writeBehind, progress);
            writeBehind.finish();
            finishRaw(out, sizeBytes, targetOrdering);
        }
    }

    /** Writes the content an internal snapshot (ID first, then name) captured to a raw file. */
    public static void snapshotToRaw(Path source, String snapshotIdOrName, Path target) throws IOException {
        snapshotToRaw(source, snapshotIdOrName, target, WriteOrdering.DEFERRED_TO_CLOSE, Progress.NONE);
    }

    /** As {@link #snapshotToRaw(Path, String, Path)}; {@link WriteOrdering#UNSYNCED} skips the final force. */
    public static void snapshotToRaw(Path source, String snapshotIdOrName, Path target, WriteOrdering targetOrdering,
            Progress progress) throws IOException {
        try (Qcow2Image image = Qcow2Image.open(source, false);
                FileChannel out = openRawTarget(target, source, image)) {
            SnapshotReader reader = image.snapshotReader(snapshotIdOrName);
            long sizeBytes = reader.capacityBytes();
            byte[] buffer = new byte[CHUNK_BYTES];
            for (long offset = 0; offset < sizeBytes; offset += CHUNK_BYTES) {
                int len = (int) Math.min(CHUNK_BYTES, sizeBytes - offset);
                reader.read(offset, buffer, 0, len);
                if (!ZeroBytes.isZero(buffer, 0, len)) {
                    FileWrites.writeFully(out, ByteBuffer.wrap(buffer, 0, len), offset);
                }
                progress.advance(offset + len, sizeBytes);
            }
            finishRaw(out, sizeBytes, targetOrdering);
        }
    }

    /**
     * One window of a raw output: runs of the image's own host clusters ({guest, host, bytes}), and
     * the non-zero pieces to write with their guest offsets: read through the engine (compressed
     * clusters, the backing chain) or mapped from those runs.
     */
    private static final class RawOutputWindow {
        private final long bytes;
        private final List<long[]> hostRuns = new ArrayList<>();
        private final List<Long> offsets = new ArrayList<>();
        private final List<ByteBuffer> pieces = new ArrayList<>();

        RawOutputWindow(long bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Copies the active content of {@code image} to a raw file ({@link WindowedCopy}): in window
     * order the mapping is walked, runs of host clusters that follow each other are noted and what
     * is not stored as plain data in the image itself is read through the engine; then, alongside
     * other windows, each run is mapped and scanned, and its non-zero clusters are written straight
     * from the mapping. Zero clusters and zero bytes are left as holes.
     */
    private static void copyActiveToRaw(Qcow2Image image, long sizeBytes, FileChannel out, WriteBehind writeBehind,
            Progress progress) throws IOException {
        int clusterSize = image.clusterSize();
        int windowBytes = Math.max(WINDOW_BYTES, clusterSize);
        long fileBytes = image.hostFileBytes();
        boolean hasBacking = image.backingLayer() != null;
        WindowedCopy.run((sizeBytes + windowBytes - 1) / windowBytes, new WindowedCopy.Steps<RawOutputWindow>() {
            /** Bytes of the windows transferred so far (transfers take turns: no race). */
            private long done;

            @Override
            public RawOutputWindow prepare(long window) {
                return new RawOutputWindow(Math.min(windowBytes, sizeBytes - window * windowBytes));
            }

            @Override
            public void inOrder(long window, RawOutputWindow plan) throws IOException {
                long end = Math.min(sizeBytes, (window + 1) * windowBytes);
                long[] run = null;
                int len;
                for (long at = window * windowBytes; at < end; at += len) {
                    len = (int) Math.min(clusterSize, end - at);
                    long entry = image.activeEntry(at);
                    ClusterType type = L2Entry.type(entry);
                    long host = L2Entry.hostOffset(entry);
                    boolean mappable = type == ClusterType.NORMAL && !L2Entry.hasReservedBits(entry)
                            && host + len <= fileBytes;
                    if (mappable && run != null && host == run[1] + run[2]) {
                        run[2] += len;
                    } else if (mappable) {
                        run = new long[] {at, host, len};
                        plan.hostRuns.add(run);
                    } else {
                        run = null;
                        if (!(type == ClusterType.ZERO_PLAIN || type == ClusterType.ZERO_ALLOC
                                || (type == ClusterType.UNALLOCATED && !hasBacking))) {
                            byte[] data = new byte[len];
                            image.read(at, data, 0, len);
                            if (!ZeroBytes.isZero(data)) {
                                plan.offsets.add(at);
                                plan.pieces.add(ByteBuffer.wrap(data));
                            }
                        }
                    }
                }
            }

            @Override
            public void stage(RawOutputWindow plan) throws IOException {
                for (long[] run : plan.hostRuns) {
                    MappedByteBuffer mapped = image.mapHost(run[1], (int) run[2]);
                    int first = plan.pieces.size();
                    forNonZeroRuns((int) run[2], clusterSize, (at, len) -> ZeroBytes.isZero(mapped, at, len),
                            (at, len) -> {
                                plan.offsets.add(run[0] + at);
                                plan.pieces.add(mapped.slice(at, len));
                            });
                    if (plan.pieces.size() > first) {
                        // Fault the pages in now, not in the copy out of the mapping, which holds the write turn.
                        mapped.load();
                    }
                }
            }

            @Override
            public void transfer(RawOutputWindow plan) throws IOException {
                for (int i = 0; i < plan.pieces.size(); i++) {
                    ByteBuffer piece = plan.pieces.get(i);
                    int bytes = piece.remaining();
                    FileWrites.writeFully(out, piece, plan.offsets.get(i));
                    writeBehind.written(bytes);
                }
                done += plan.bytes;
                progress.advance(done, sizeBytes);
            }
        });
    }

    /** {@code source} (an open image) and every file of its backing chain. */
    private static List<Path> chainFiles(Path source, Qcow2Image image) {
        List<Path> files = new ArrayList<>(List.of(source));
        for (Qcow2Image layer = image; layer != null;
                layer = layer.backingLayer() instanceof Qcow2Image next ? next : null) {
            layer.backingPath().ifPresent(files::add);
        }
        return files;
    }

    /**
     * Refuses a {@code target} that is one of {@code inputs} (the source first, then its backing
     * files): replacing or truncating it would destroy what the conversion reads. qemu-img refuses the
     * same through its image locks.
     */
    private static void refuseInputAsTarget(Path target, List<Path> inputs) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (Files.exists(inputs.get(i)) && Files.isSameFile(inputs.get(i), target)) {
                throw new IllegalArgumentException("cannot convert onto " + target + ": it is "
                        + (i == 0 ? "the source" : "a backing file of the source") + ", which the conversion reads");
            }
        }
    }

    private static FileChannel openRawTarget(Path target, Path source, Qcow2Image image) throws IOException {
        refuseInputAsTarget(target, chainFiles(source, image));
        return openRawTarget(target);
    }

    /**
     * Opens a raw target, emptied or created by {@link RawFiles#create}, which refuses an existing file
     * while another process writes it (QEMU's locks), as qemu-img refuses it.
     */
    private static FileChannel openRawTarget(Path target) throws IOException {
        RawFiles.create(target, 0);
        return FileChannel.open(target, StandardOpenOption.WRITE);
    }

    /** Sets the raw output's length (its tail may be a hole) and forces it unless unsynced. */
    private static void finishRaw(FileChannel out, long sizeBytes, WriteOrdering targetOrdering) throws IOException {
        out.truncate(sizeBytes);
        if (out.size() < sizeBytes) {
            out.write(ByteBuffer.allocate(1), sizeBytes - 1);
        }
        if (targetOrdering != WriteOrdering.UNSYNCED) {
            out.force(false);
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
