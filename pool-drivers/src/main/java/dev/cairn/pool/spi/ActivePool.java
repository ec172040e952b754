package dev.cairn.pool.spi;

import java.util.List;

/**
 * A started pool: serves the volumes on its storage.
 *
 * <p>The catalog, not the pool, knows which volumes exist; the pool knows what is on storage.
 * {@link #scan()} tells the service what storage holds so it can reconcile the two.
 * See the package documentation for the rules on errors and threads.
 */
public interface ActivePool {

    /** The definition this pool was started from. */
    PoolDefinition definition();

    /** Capacity, allocation and free space of the pool's storage, read now. */
    PoolUsage usage();

    /**
     * Lists what the pool's storage holds now: one entry per volume it could serve, plus the entries it
     * cannot serve with the reason (in {@link ScanResult#ignored()}).
     */
    ScanResult scan();

    /**
     * Creates an empty volume (reads as zeroes) of the given capacity and format.
     *
     * @return the new volume as stored
     * @throws dev.cairn.api.CairnException {@code NAME_TAKEN} when storage already holds that name;
     *         {@code INVALID_ARGUMENT} for an unknown format; {@code UNSUPPORTED_FORMAT} for a known format
     *         this pool cannot hold; {@code INSUFFICIENT_SPACE}. On failure nothing is left on storage.
     */
    StoredVolume createVolume(String name, long capacityBytes, String format);

    /**
     * Describes one volume as stored now (capacity, allocation).
     *
     * @throws dev.cairn.api.CairnException {@code NO_STORAGE_VOL} when storage no longer holds it
     */
    StoredVolume describe(VolumeRef volume);

    /**
     * Opens a volume's bytes. The caller closes the device. Several devices may be open on one volume
     * for reading; the service never opens one for writing while another is open on the same volume.
     *
     * @param writable false opens read-only: writes then fail
     * @throws dev.cairn.api.CairnException {@code NO_STORAGE_VOL}; {@code IMAGE_CORRUPT}
     */
    BlockDevice open(VolumeRef volume, boolean writable);

    /**
     * Changes a volume's capacity. Growing keeps every byte and reads the new tail as zeroes.
     *
     * @param allowShrink without it a smaller capacity is refused, since it drops data
     * @throws dev.cairn.api.CairnException {@code OPERATION_INVALID} for a refused shrink;
     *         {@code INSUFFICIENT_SPACE}; {@code NO_STORAGE_VOL}
     */
    StoredVolume resize(VolumeRef volume, long capacityBytes, boolean allowShrink);

    /**
     * Removes a volume's storage. Deleting a volume storage no longer holds succeeds.
     */
    void deleteVolume(VolumeRef volume);

    /**
     * Removes all of the pool's storage: every volume the pool holds and the pool's own metadata, then
     * the pool directory when nothing else is left in it.
     */
    void purge();

    /**
     * Snapshots of this pool's volumes, when the pool offers them for {@code volume}'s format.
     *
     * @throws dev.cairn.api.CairnException {@code OPERATION_UNSUPPORTED} when it does not
     */
    default SnapshotEngine snapshots(VolumeRef volume) {
        throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.OPERATION_UNSUPPORTED,
                "pool '" + definition().name() + "' cannot snapshot " + volume.format() + " volumes yet");
    }

    /**
     * The snapshots storage holds for {@code volume}, as far as storage knows them (qcow2 images list their
     * internal snapshots); the service adopts those it does not know. The default knows none.
     */
    default java.util.List<StoredSnapshot> storedSnapshots(VolumeRef volume) {
        return java.util.List.of();
    }

    /**
     * Releases what the started pool holds open (files, threads), after making every completed change
     * durable. Storage stays. The default holds nothing.
     */
    default void close() {
    }
}
