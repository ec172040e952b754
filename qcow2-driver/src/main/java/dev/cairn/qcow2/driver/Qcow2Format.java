package dev.cairn.qcow2.driver;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.VolumeFormat;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.file.Path;
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

    /** Work on the image in {@code file}, opened (or created, with {@code create} options) and closed again. */
    private static <T> T withImage(Path file, boolean writable, String what, ImageWork<T> work,
                                   Qcow2CreateOptions create) {
        try (Qcow2Image image = create != null ? Qcow2Image.create(file, create) : Qcow2Image.open(file, writable)) {
            return work.apply(image);
        } catch (IOException e) {
            throw Qcow2Failures.translate(what + " volume '" + volume(file) + "'", e);
        }
    }

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
