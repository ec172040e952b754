package dev.cairn.pool.spi;

import java.nio.file.Path;

/**
 * A file format for volumes stored as files (raw, qcow2). Implementations are stateless and register
 * with {@link java.util.ServiceLoader}; {@link VolumeFormats} finds them.
 *
 * <p>Every method works on a file the caller has already confined to its pool (a regular file, not a
 * link). Errors are {@link dev.cairn.api.CairnException}s.
 */
public interface VolumeFormat {

    /** The format name clients use, e.g. {@code qcow2}. */
    String name();

    /**
     * Whether {@code header} (the first bytes of a file, at most {@link #PROBE_BYTES}) is in this format.
     * Raw claims every file no other format claims and is asked last.
     */
    boolean probe(byte[] header);

    /**
     * Fills a new, empty file with an empty volume of {@code capacityBytes}. The caller removes the
     * file when this fails.
     */
    void create(Path file, long capacityBytes);

    /** The virtual size of the volume in {@code file}. */
    long capacityBytes(Path file);

    /** Opens the volume in {@code file}. */
    BlockDevice open(Path file, boolean writable);

    /**
     * Changes the virtual size; growing reads the new tail as zeroes. The caller has already refused a
     * shrink the user did not allow.
     */
    void resize(Path file, long capacityBytes);

    /**
     * The files the volume in {@code file} reads through (a backing chain), resolved as the format resolves
     * them, nearest first; formats without backing files have none. Reads only what naming the chain needs,
     * never the backing files' data, so a pool can refuse a chain before anything follows it.
     */
    default java.util.List<Path> backingFiles(Path file) {
        return java.util.List.of();
    }

    /** The internal snapshots the file holds, oldest first; formats without them hold none. */
    default java.util.List<StoredSnapshot> listSnapshots(Path file) {
        return java.util.List.of();
    }

    /**
     * Takes an internal snapshot of the volume in {@code file} (one kept inside the file itself), durably.
     * Formats without internal snapshots keep this default, which refuses.
     *
     * @param snapshotName the name to record in the file, so the format's own tools show it
     * @return the format's reference of the snapshot
     * @throws dev.cairn.api.CairnException {@code OPERATION_UNSUPPORTED} by default
     */
    default String createSnapshot(Path file, String snapshotName) {
        throw noInternalSnapshots();
    }

    /** Gives the volume in {@code file} the content of its internal snapshot {@code snapshotRef}, durably. */
    default void revertSnapshot(Path file, String snapshotRef) {
        throw noInternalSnapshots();
    }

    /** Drops the internal snapshot {@code snapshotRef} of the volume in {@code file}, durably. */
    default void deleteSnapshot(Path file, String snapshotRef) {
        throw noInternalSnapshots();
    }

    /**
     * Frees what a crash left allocated but unreferenced in the volume in {@code file}
     * ({@link SnapshotEngine#reclaimLeakedSpace}); formats that leave nothing so keep this default.
     */
    default void reclaimLeakedSpace(Path file) {
    }

    /** Opens the content of internal snapshot {@code snapshotRef} read-only. */
    default BlockDevice openSnapshot(Path file, String snapshotRef) {
        throw noInternalSnapshots();
    }

    /**
     * Writes to the new file {@code target} a volume holding the content of internal snapshot
     * {@code snapshotRef} of {@code file}, with no snapshots of its own and sharing nothing with
     * {@code file} but its backing files, durably. The caller removes {@code target} when this fails.
     *
     * @param progress told how many bytes are copied
     */
    default void cloneSnapshot(Path file, String snapshotRef, Path target, Progress progress) {
        throw noInternalSnapshots();
    }

    /**
     * Reports where internal snapshot {@code toRef} of {@code file} differs from {@code fromRef}, as
     * {@link SnapshotEngine#changedExtents} does.
     */
    default void changedExtents(Path file, String fromRef, String toRef, ExtentSink sink) {
        throw noInternalSnapshots();
    }

    /**
     * Whether this format can make overlays: new files whose unwritten ranges read from a backing file
     * ({@link #createOverlay}, {@link #rebase}). Formats that can are the ones external snapshots use.
     */
    default boolean makesOverlays() {
        return false;
    }

    /**
     * Creates {@code overlay} (a new file) of {@code capacityBytes} whose unwritten ranges read from
     * {@code backingName}, a name relative to the overlay's directory, in {@code backingFormat}; durably.
     */
    default void createOverlay(Path overlay, String backingName, String backingFormat, long capacityBytes) {
        throw noInternalSnapshots();
    }

    /**
     * Gives the overlay in {@code file} a new backing file ({@code ""}: none) without changing what it reads:
     * every range whose content would change is first copied into the overlay. Safe to interrupt: the
     * overlay reads the same at every moment.
     */
    default void rebase(Path file, String newBackingName, String newBackingFormat) {
        throw noInternalSnapshots();
    }

    /**
     * Reports the ranges the overlay in {@code file} holds itself (not reading through its backing file), in
     * offset order, as {@link Extent}s: ZERO where it holds zero clusters, DATA elsewhere.
     */
    default void ownExtents(Path file, ExtentSink sink) {
        throw noInternalSnapshots();
    }

    /** The backing file's format as {@code file} records it, when it has a backing file. */
    default java.util.Optional<String> backingFormat(Path file) {
        return java.util.Optional.empty();
    }

    private dev.cairn.api.CairnException noInternalSnapshots() {
        return new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.OPERATION_UNSUPPORTED,
                name() + " volumes have no internal snapshots; snapshots of them are not supported yet");
    }

    /** Whether {@code header} begins with {@code magic}: what most formats' {@link #probe} asks. */
    static boolean startsWith(byte[] header, byte[] magic) {
        return header.length >= magic.length
                && java.util.Arrays.equals(header, 0, magic.length, magic, 0, magic.length);
    }

    /** How many leading bytes of a file {@link #probe(byte[])} is given. */
    int PROBE_BYTES = 512;
}
