package dev.cairn.pool.spi;

/**
 * Snapshots of a pool's volumes, as storage holds them. The tree (parents, children, the current
 * snapshot) is the service's; an engine only keeps each snapshot's content, frozen as the volume held it
 * when it was taken, and names it with an opaque reference the service stores.
 *
 * <p>Rules: every snapshot stays readable whatever happens to the volume or to other snapshots (a delete
 * never changes another snapshot's content); a call that fails has changed nothing the service can see.
 * Thread-safety as for {@link ActivePool}: the service serializes calls on one volume.
 */
public interface SnapshotEngine {

    /**
     * Freezes the volume's current content as a new snapshot and makes it durable before returning.
     *
     * @param snapshotName the snapshot's pool-unique name, for engines that record it
     * @return the engine's reference of the new snapshot
     * @throws dev.cairn.api.CairnException {@code NO_STORAGE_VOL}; {@code INSUFFICIENT_SPACE}
     */
    String createSnapshot(VolumeRef volume, String snapshotName);

    /**
     * As {@link #createSnapshot(VolumeRef, String)}, of the given kind: {@code internal} (kept inside the
     * volume's storage), {@code external} (the volume goes on in a new overlay), or {@code null} for the
     * engine's choice. The default knows only its own choice.
     *
     * @throws dev.cairn.api.CairnException {@code OPERATION_UNSUPPORTED} for a kind the engine cannot make;
     *         {@code OPERATION_INVALID} for a kind the volume's existing snapshots exclude
     */
    default String createSnapshot(VolumeRef volume, String snapshotName, String kind) {
        if (kind != null) {
            throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.OPERATION_UNSUPPORTED,
                    "this pool does not make " + kind + " snapshots; leave out kind");
        }
        return createSnapshot(volume, snapshotName);
    }

    /**
     * Gives the volume the snapshot's content (the snapshot itself is unchanged), durably.
     *
     * @throws dev.cairn.api.CairnException {@code NO_SNAPSHOT} when the reference names nothing
     */
    void revert(VolumeRef volume, String snapshotRef);

    /** Drops a snapshot's content; deleting one that is already gone succeeds. */
    void deleteSnapshot(VolumeRef volume, String snapshotRef);

    /**
     * Gives back the space a write the service's crash interrupted may have left allocated but unused in
     * the volume (qcow2's leaked clusters: harmless, but waste), as {@code qemu-img check -r leaks} does;
     * called when the service recovers from such a crash. Engines that leave no such space keep this
     * default, which does nothing.
     */
    default void reclaimLeakedSpace(VolumeRef volume) {
    }

    /**
     * Opens a snapshot's content read-only.
     *
     * @throws dev.cairn.api.CairnException {@code NO_SNAPSHOT} when the reference names nothing
     */
    BlockDevice openSnapshot(VolumeRef volume, String snapshotRef);

    /**
     * Makes a new volume {@code newVolumeName} in this pool holding the snapshot's content, independent of
     * both the snapshot and its volume: deleting either later never changes the clone, nor the clone them.
     * The new volume has no snapshots. Durable before returning; on failure nothing of it is left.
     *
     * @param progress told how many bytes are copied, for engines that copy
     * @return the new volume as stored
     * @throws dev.cairn.api.CairnException {@code NAME_TAKEN} when storage already holds that name;
     *         {@code NO_SNAPSHOT}; {@code INSUFFICIENT_SPACE}; {@code OPERATION_UNSUPPORTED} by default
     */
    default StoredVolume cloneSnapshot(VolumeRef volume, String snapshotRef, String newVolumeName, Progress progress) {
        throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.OPERATION_UNSUPPORTED,
                volume.format() + " volumes of this pool cannot be cloned");
    }

    /**
     * Makes a new volume holding {@code volume}'s content now, as {@link #cloneSnapshot} does for a snapshot;
     * the caller keeps the volume still meanwhile. The default takes a snapshot only this clone sees, clones
     * it and drops it.
     */
    default StoredVolume cloneHead(VolumeRef volume, String newVolumeName, Progress progress) {
        String transientRef = createSnapshot(volume, "clone-" + java.util.UUID.randomUUID());
        try {
            return cloneSnapshot(volume, transientRef, newVolumeName, progress);
        } finally {
            deleteSnapshot(volume, transientRef);
        }
    }

    /**
     * Whether {@link #cloneSnapshot} costs the same whatever the volume's size (sharing, not copying), so
     * the service can answer it within the request instead of as a job.
     */
    default boolean clonesInstantly() {
        return false;
    }

    /**
     * Reports, in offset order, where {@code toSnapshotRef}'s content differs from {@code fromSnapshotRef}'s,
     * at a cost that follows what changed (engines compare their mappings, never reading shared data); see
     * {@link ExtentSink} for the rules. Both are snapshots of {@code volume}.
     *
     * @param fromSnapshotRef the base, or {@code null} for a full image (every range the target maps)
     * @param toSnapshotRef   the target, or {@code null} for the volume's current content
     * @throws dev.cairn.api.CairnException {@code NO_SNAPSHOT}; {@code OPERATION_UNSUPPORTED} by default
     */
    default void changedExtents(VolumeRef volume, String fromSnapshotRef, String toSnapshotRef, ExtentSink sink) {
        throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.OPERATION_UNSUPPORTED,
                volume.format() + " volumes of this pool cannot report changed extents");
    }
}
