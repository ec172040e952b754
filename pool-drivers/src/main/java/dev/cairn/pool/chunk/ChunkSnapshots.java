package dev.cairn.pool.chunk;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Extent;
import dev.cairn.pool.spi.ExtentSink;
import dev.cairn.pool.spi.Progress;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Snapshots in a chunk pool: each is a device of the store sharing the volume's tree, so taking one costs
 * O(1) whatever the volume's size, and deleting one frees only what no other device shares. The reference
 * is the device id; the pool's name table records the device as {@code volume@snapshot} so that it is
 * never mistaken for a volume or left unnamed.
 */
final class ChunkSnapshots implements SnapshotEngine {
    private final ChunkStore store;
    private final ChunkVolumeTable names;
    private final String poolName;
    private final BiFunction<String, Long, StoredVolume> describe;

    ChunkSnapshots(ChunkStore store, ChunkVolumeTable names, String poolName,
                   BiFunction<String, Long, StoredVolume> describe) {
        this.store = store;
        this.names = names;
        this.poolName = poolName;
        this.describe = describe;
    }

    /** The table key of a snapshot's device; '@' cannot occur in names, so keys never clash with volumes. */
    static String key(String volume, String snapshot) {
        return volume + "@" + snapshot;
    }

    @Override
    public String createSnapshot(VolumeRef volume, String snapshotName) {
        long origin = deviceOf(volume);
        long id = ChunkFailures.call("snapshot volume '" + volume.name() + "'", () -> store.snapshotDevice(origin));
        // The device exists (committed) before its name: a crash in between leaves an unnamed device.
        names.put(key(volume.name(), snapshotName), id);
        return Long.toString(id);
    }

    @Override
    public void revert(VolumeRef volume, String snapshotRef) {
        long target = deviceOf(volume);
        long snapshot = snapshotDevice(volume, snapshotRef);
        ChunkFailures.run("revert volume '" + volume.name() + "'", () -> store.revert(target, snapshot));
    }

    @Override
    public void deleteSnapshot(VolumeRef volume, String snapshotRef) {
        long id = Long.parseLong(snapshotRef);
        names.findSnapshotKey(id).ifPresent(names::remove);
        if (ChunkFailures.call("check snapshot", () -> store.deviceExists(id))) {
            ChunkFailures.run("delete a snapshot of volume '" + volume.name() + "'", () -> store.deleteDevice(id));
        }
    }

    /**
     * A clone is one more device sharing the snapshot's tree, O(1) like a snapshot: the store's reference
     * counts keep every shared chunk alive for as long as any device maps it, so the clone outlives the
     * snapshot and its volume, and a write to either side copies only the chunk it touches.
     */
    @Override
    public StoredVolume cloneSnapshot(VolumeRef volume, String snapshotRef, String newVolumeName, Progress progress) {
        long snapshot = snapshotDevice(volume, snapshotRef);
        if (names.find(newVolumeName).isPresent()) {
            throw new CairnException(ErrorCode.NAME_TAKEN, "chunk pool '" + poolName + "' already holds a volume named '"
                    + newVolumeName + "'", Map.of("pool", poolName, "volume", newVolumeName), null);
        }
        long id = ChunkFailures.call("clone a snapshot of volume '" + volume.name() + "'",
                () -> store.snapshotDevice(snapshot));
        try {
            names.put(newVolumeName, id);
        } catch (RuntimeException e) {
            ChunkFailures.run("undo clone '" + newVolumeName + "'", () -> store.deleteDevice(id));
            throw e;
        }
        return describe.apply(newVolumeName, id);
    }

    @Override
    public boolean clonesInstantly() {
        return true;
    }

    @Override
    public BlockDevice openSnapshot(VolumeRef volume, String snapshotRef) {
        return new ChunkVolumeDevice(store, snapshotDevice(volume, snapshotRef), volume.name(), false);
    }

    /**
     * Reports where snapshot {@code toSnapshotRef} differs from snapshot {@code fromSnapshotRef}, walking both
     * devices' trees and skipping the subtrees they share, so the cost follows what changed: ranges the target
     * maps differently are {@link Extent.Kind#DATA}, ranges only the base maps are {@link Extent.Kind#ZERO}.
     * Extents are clipped to the target's capacity.
     *
     * @param fromSnapshotRef the base snapshot, or {@code null} for a full image (every range the target maps)
     * @param toSnapshotRef   the target snapshot, or {@code null} for the volume's current content
     * @param sink            called after the walk, with no store lock held, so it may read the target
     * @throws CairnException {@code NO_SNAPSHOT} when a reference names nothing; {@code NO_STORAGE_VOL}
     */
    @Override
    public void changedExtents(VolumeRef volume, String fromSnapshotRef, String toSnapshotRef, ExtentSink sink) {
        long to = toSnapshotRef == null ? deviceOf(volume) : snapshotDevice(volume, toSnapshotRef);
        List<Extent> extents = new ArrayList<>();
        DiffVisitor collect = (offset, length, kind) -> extents.add(new Extent(offset, length,
                kind == DiffKind.CHANGED ? Extent.Kind.DATA : Extent.Kind.ZERO));
        String what = "compare snapshots of volume '" + volume.name() + "'";
        if (fromSnapshotRef == null) {
            ChunkFailures.call(what, () -> store.diffFromEmpty(to, collect));
        } else {
            long from = snapshotDevice(volume, fromSnapshotRef);
            ChunkFailures.call(what, () -> store.diff(from, to, collect));
        }
        // The store calls visitors under its lock; the sink runs after, free to read the target.
        extents.forEach(sink::accept);
    }

    private long deviceOf(VolumeRef volume) {
        return names.find(volume.name()).orElseThrow(() -> CairnException.noVolume(poolName, volume.name()));
    }

    private long snapshotDevice(VolumeRef volume, String snapshotRef) {
        long id = Long.parseLong(snapshotRef);
        if (!ChunkFailures.call("check snapshot", () -> store.deviceExists(id))) {
            throw new CairnException(ErrorCode.NO_SNAPSHOT, "the chunk store no longer holds this snapshot of volume '"
                    + volume.name() + "'", Map.of("pool", poolName, "volume", volume.name()), null);
        }
        return id;
    }
}
