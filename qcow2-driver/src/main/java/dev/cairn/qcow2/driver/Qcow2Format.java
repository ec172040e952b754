package dev.cairn.qcow2.driver;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Extent;
import dev.cairn.pool.spi.ExtentSink;
import dev.cairn.pool.spi.Progress;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.VolumeFormat;
import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.RepairMode;
import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.Qcow2Header;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * qcow2 volumes of dir pools, through Cairn's own engine: created as qemu-img 7.2 would (64 KiB
 * clusters, 16-bit refcounts, compat 1.1), with internal snapshots named as Cairn names them so that
 * {@code qemu-img snapshot -l} shows the API's snapshots. A snapshot's reference is its qcow2 ID.
 *
 * <p>Each call opens the image and closes it again; the service serializes calls per volume.
 */
public final class Qcow2Format implements VolumeFormat {
    private static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    /** The largest qcow2 cluster, 2 MiB: the header and the backing file name lie within cluster 0. */
    private static final int MAX_CLUSTER_BYTES = 2 << 20;

    @Override
    public String name() {
        return "qcow2";
    }

    @Override
    public boolean probe(byte[] header) {
        return VolumeFormat.startsWith(header, MAGIC);
    }

    @Override
    public void create(Path file, long capacityBytes) {
        withImage(file, true, "create", image -> null, Qcow2CreateOptions.ofCapacity(capacityBytes));
    }

    @Override
    public boolean makesOverlays() {
        return true;
    }

    @Override
    public void createOverlay(Path overlay, String backingName, String backingFormat, long capacityBytes) {
        withImage(overlay, true, "create an overlay as", image -> {
            image.flush();
            return null;
        }, Qcow2CreateOptions.ofCapacity(capacityBytes).withBacking(backingName, backingFormat));
    }

    @Override
    public void rebase(Path file, String newBackingName, String newBackingFormat) {
        try {
            dev.cairn.qcow2.Qcow2Chain.rebase(file, newBackingName, newBackingFormat, false);
        } catch (IOException e) {
            throw Qcow2Failures.translate("rebase volume file '" + volume(file) + "'", e);
        }
    }

    @Override
    public void ownExtents(Path file, ExtentSink sink) {
        withImage(file, false, "read the allocation of", image -> {
            image.ownRanges((offset, length, zero) ->
                    sink.accept(new Extent(offset, length, zero ? Extent.Kind.ZERO : Extent.Kind.DATA)));
            return null;
        }, null);
    }

    @Override
    public java.util.Optional<String> backingFormat(Path file) {
        try {
            Qcow2Header header = readHeader(file);
            return header.backingFileName().isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(header.backingFormat());
        } catch (IOException e) {
            throw Qcow2Failures.translate("read the header of volume '" + volume(file) + "'", e);
        }
    }

    @Override
    public long capacityBytes(Path file) {
        return withImage(file, false, "read the size of", Qcow2Image::capacityBytes, null);
    }

    @Override
    public BlockDevice open(Path file, boolean writable) {
        try {
            return new Qcow2Device(Qcow2Image.open(file, writable), volume(file));
        } catch (IOException e) {
            throw Qcow2Failures.translate("open volume '" + volume(file) + "'", e);
        }
    }

    @Override
    public void resize(Path file, long capacityBytes) {
        withImage(file, true, "resize", image -> {
            image.resize(capacityBytes);
            image.flush();
            return null;
        }, null);
    }

    /**
     * Walks the backing chain by headers alone (never opening a backing file's data), resolving each name
     * as the engine does: absolute as given, relative against the directory of the image naming it.
     */
    @Override
    public List<Path> backingFiles(Path file) {
        List<Path> chain = new ArrayList<>();
        Path current = file;
        try {
            for (int depth = 0; depth <= Qcow2Image.MAX_CHAIN_DEPTH; depth++) {
                Qcow2Header header = readHeader(current);
                if (header.backingFileName().isEmpty()) {
                    return chain;
                }
                Path backing = backingPath(file, header.backingFileName());
                Path resolved = (backing.isAbsolute() ? backing
                        : current.toAbsolutePath().getParent().resolve(backing)).normalize();
                chain.add(resolved);
                if (!Files.isRegularFile(resolved) || !probe(firstBytes(resolved, VolumeFormat.PROBE_BYTES))) {
                    return chain;
                }
                current = resolved;
            }
        } catch (IOException e) {
            throw Qcow2Failures.translate("read the backing chain of volume '" + volume(file) + "'", e);
        }
        throw new CairnException(ErrorCode.IMAGE_CORRUPT, "the backing chain of volume '" + volume(file)
                + "' is deeper than " + Qcow2Image.MAX_CHAIN_DEPTH);
    }

    private static Path backingPath(Path file, String backingName) {
        try {
            return Path.of(backingName);
        } catch (java.nio.file.InvalidPathException e) {
            throw new CairnException(ErrorCode.IMAGE_CORRUPT, "volume '" + volume(file) + "' names a backing file '"
                    + backingName.replace('\0', '?') + "' that is not a valid path", e);
        }
    }

    /**
     * Decodes the header from cluster 0 only (the header and its extensions live there), reading its size from
     * cluster_bits at offset 20 rather than always the largest cluster size: scans and chain walks call this
     * once per file.
     */
    private static Qcow2Header readHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] first = in.readNBytes(VolumeFormat.PROBE_BYTES);
            if (first.length < 24) {
                return HeaderCodec.decode(ByteBuffer.wrap(first));
            }
            int clusterBits = ByteBuffer.wrap(first).getInt(20);
            int clusterBytes = clusterBits >= 9 && clusterBits <= 21 ? 1 << clusterBits : MAX_CLUSTER_BYTES;
            byte[] rest = in.readNBytes(Math.max(0, clusterBytes - first.length));
            byte[] cluster = java.util.Arrays.copyOf(first, first.length + rest.length);
            System.arraycopy(rest, 0, cluster, first.length, rest.length);
            return HeaderCodec.decode(ByteBuffer.wrap(cluster));
        }
    }

    private static byte[] firstBytes(Path file, int count) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(count);
        }
    }

    @Override
    public List<StoredSnapshot> listSnapshots(Path file) {
        return withImage(file, false, "list the snapshots of", image -> image.snapshots().stream()
                .map(s -> new StoredSnapshot(s.name(), s.id(), s.createdAt())).toList(), null);
    }

    @Override
    public String createSnapshot(Path file, String snapshotName) {
        return withImage(file, true, "snapshot", image -> {
            Qcow2Snapshot snapshot = image.createSnapshot("", snapshotName);
            image.flush();
            return snapshot.id();
        }, null);
    }

    @Override
    public void revertSnapshot(Path file, String snapshotRef) {
        withImage(file, true, "revert", image -> {
            image.applySnapshot(snapshotRef);
            image.flush();
            return null;
        }, null);
    }

    /**
     * Lowers leaked refcounts (clusters a crash left counted but unreferenced), as
     * {@code qemu-img check -r leaks}; an image with corruptions is left alone for a full check.
     */
    @Override
    public void reclaimLeakedSpace(Path file) {
        withImage(file, true, "reclaim the leaked space of", image -> {
            CheckResult found = image.check();
            if (found.leaks() > 0 && found.corruptions() == 0) {
                image.repair(RepairMode.LEAKS);
            }
            return null;
        }, null);
    }

    @Override
    public void deleteSnapshot(Path file, String snapshotRef) {
        withImage(file, true, "delete a snapshot of", image -> {
            if (image.snapshots().stream().anyMatch(s -> s.id().equals(snapshotRef))) {
                image.deleteSnapshot(snapshotRef);
                image.flush();
            }
            return null;
        }, null);
    }

    /**
     * A clone is a copy of the whole file (a kernel-side copy, at the speed of {@code cp}) in which the
     * snapshot is then applied and every internal snapshot deleted: the copy holds the snapshot's content
     * and nothing else references it. Clusters only the dropped snapshots used become free inside the
     * copy, and its later writes reuse them first.
     */
    @Override
    public void cloneSnapshot(Path file, String snapshotRef, Path target, Progress progress) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            long done = 0;
            progress.advance(0, size);
            while (done < size) {
                long copied = in.transferTo(done, Math.min(COPY_STEP_BYTES, size - done), out);
                if (copied <= 0) {
                    throw new IOException("volume file shrank while it was copied");
                }
                done += copied;
                progress.advance(done, size);
            }
            out.force(true);
        } catch (IOException e) {
            throw Qcow2Failures.translate("clone a snapshot of volume '" + volume(file) + "'", e);
        }
        withImage(target, true, "clone a snapshot of", image -> {
            image.applySnapshot(snapshotRef);
            for (Qcow2Snapshot snapshot : image.snapshots()) {
                image.deleteSnapshot(snapshot.id());
            }
            image.flush();
            return null;
        }, null);
    }

    @Override
    public BlockDevice openSnapshot(Path file, String snapshotRef) {
        Qcow2Image image = null;
        try {
            image = Qcow2Image.open(file, false);
            return new Qcow2SnapshotDevice(image, image.snapshotReader(snapshotRef), volume(file));
        } catch (IOException e) {
            closeQuietly(image);
            throw Qcow2Failures.translate("read a snapshot of volume '" + volume(file) + "'", e);
        }
    }

    /**
     * Reports where snapshot {@code toRef} differs from snapshot {@code fromRef} of the image in {@code file},
     * comparing their L1/L2 mappings without reading guest data (see {@link Qcow2Image#changedRanges}).
     * Clusters that read as zeroes in the target (zero clusters, or unallocated ones without a backing file)
     * are {@link Extent.Kind#ZERO}; other differing clusters are {@link Extent.Kind#DATA}.
     *
     * @param fromRef the base snapshot's reference (its qcow2 ID), or {@code null} for a full image
     * @param toRef   the target snapshot's reference, or {@code null} for the volume's current content
     * @param sink    called while the image is open read-only; it may open the target (for example with
     *                {@link #openSnapshot}) to read the bytes of data extents
     * @throws CairnException {@code NO_SNAPSHOT}, {@code IMAGE_CORRUPT}, {@code STORAGE_ERROR}
     */
    @Override
    public void changedExtents(Path file, String fromRef, String toRef, ExtentSink sink) {
        withImage(file, false, "compare snapshots of", image -> {
            image.changedRanges(fromRef, toRef, (offset, length, zero) ->
                    sink.accept(new Extent(offset, length, zero ? Extent.Kind.ZERO : Extent.Kind.DATA)));
            return null;
        }, null);
    }

    /** Work on the image in {@code file}, opened (or created, with {@code create} options) and closed again. */
    private static <T> T withImage(Path file, boolean writable, String what, ImageWork<T> work,
                                   Qcow2CreateOptions create) {
        try (Qcow2Image image = create != null ? Qcow2Image.create(file, create) : Qcow2Image.open(file, writable)) {
            return work.apply(image);
        } catch (IOException e) {
            throw Qcow2Failures.translate(what + " volume '" + volume(file) + "'", e);
        }
    }

    private static final long COPY_STEP_BYTES = 64L << 20;

    private static String volume(Path file) {
        return file.getFileName().toString();
    }

    private static void closeQuietly(Qcow2Image image) {
        if (image != null) {
            try {
                image.close();
            } catch (IOException ignored) {
                // Already failing; the first error is the one reported.
            }
        }
    }

    @FunctionalInterface
    private interface ImageWork<T> {
        T apply(Qcow2Image image) throws IOException;
    }
}
