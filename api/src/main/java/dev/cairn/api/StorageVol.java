package dev.cairn.api;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A volume of a pool (libvirt's {@code virStorageVol}) and the root of its snapshot tree: a light handle,
 * its name and its pool. Every method asks the service; nothing is cached. Immutable and thread-safe.
 *
 * <p>Methods throw {@link CairnException}; the codes listed are the likely ones, besides
 * {@code NO_STORAGE_VOL} and {@code NO_STORAGE_POOL} (gone), {@code UNAUTHORIZED} and
 * {@code STORAGE_ERROR} (storage or the service unreachable), which any of them can throw.
 *
 * <p>Snapshots work on {@code chunk} pools; on {@code dir} pools they need the qcow2 engine, and until the
 * service has it the snapshot methods fail there with the service's code ({@code OPERATION_UNSUPPORTED}).
 */
public final class StorageVol {
    /** {@link #delete(int)}: delete the volume's snapshots with it (libvirt's value). */
    public static final int DELETE_WITH_SNAPSHOTS = 2;
    /** {@link #resize(long, int)}: allow shrinking, which drops the data past the new end (libvirt's value). */
    public static final int RESIZE_SHRINK = 4;
    /** {@link #listAllSnapshots(int)}: only snapshots without a parent (libvirt's value). */
    public static final int LIST_ROOTS = 1;
    /** {@link #listAllSnapshots(int)}: only snapshots without children (libvirt's value). */
    public static final int LIST_LEAVES = 4;
    /** Snapshots asked for per request while listing; the service allows 1 to 10000. */
    static final int SNAPSHOT_PAGE = 1000;

    private final StoragePool pool;
    private final String name;

    StorageVol(StoragePool pool, String name) {
        this.pool = pool;
        this.name = name;
        path();
    }

    /** The volume's name, unique in its pool; no request is made. */
    public String getName() {
        return name;
    }

    /** The pool holding this volume. */
    public StoragePool getPool() {
        return pool;
    }

    /** The volume as the service sees it now: capacity, allocation, format, current snapshot, ... */
    public VolumeInfo getInfo() {
        return transport().get(path(), VolumeInfo.class);
    }

    /**
     * Deletes the volume and its storage.
     *
     * @param flags 0, or {@link #DELETE_WITH_SNAPSHOTS} to delete its snapshots with it
     * @throws CairnException {@code HAS_SNAPSHOTS} while it has snapshots and the flag is not given;
     *     {@code INVALID_ARGUMENT} for unknown flags
     */
    public void delete(int flags) {
        Flags.requireKnown(flags, DELETE_WITH_SNAPSHOTS);
        transport().call("DELETE", path().query("snapshots", (flags & DELETE_WITH_SNAPSHOTS) != 0 ? "delete" : null),
                null);
    }

    /**
     * Grows the volume to {@code capacityBytes}; the new tail reads as zeroes.
     *
     * @throws CairnException {@code OPERATION_INVALID} when it would shrink (see {@link #resize(long, int)}),
     *     {@code INSUFFICIENT_SPACE}, {@code INVALID_ARGUMENT}
     */
    public void resize(long capacityBytes) {
        resize(capacityBytes, 0);
    }

    /**
     * Changes the capacity; shrinking needs {@link #RESIZE_SHRINK} and drops the data past the new end.
     *
     * @throws CairnException as {@link #resize(long)}; {@code INVALID_ARGUMENT} for unknown flags
     */
    public void resize(long capacityBytes, int flags) {
        Flags.requireKnown(flags, RESIZE_SHRINK);
        ResourcePath resize = path().segment("resize").query("allowShrink", (flags & RESIZE_SHRINK) != 0 ? true : null);
        transport().send("POST", resize, new ResizeRequest(capacityBytes), VolumeInfo.class);
    }

    /**
     * Writes {@code length} bytes read from {@code data} at {@code offset}, streamed. Durable when this
     * returns. {@code data} is read from the HTTP client's thread and is not closed.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for a negative offset or length, when
     *     {@code offset + length} passes the capacity, or when {@code data} ends early;
     *     {@code INSUFFICIENT_SPACE} when the pool is full (what was written before stays)
     */
    public void upload(InputStream data, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw CairnException.invalidArgument("offset and length must not be negative, got " + offset + " and "
                    + length);
        }
        transport().upload("PUT", path().segment("content").query("offset", offset), Transport.OCTETS, data, length,
                VolumeInfo.class);
    }

    /**
     * Reads {@code length} bytes from {@code offset} of the volume, streamed as they arrive: nothing is
     * buffered whole. The caller closes the stream (closing early abandons the rest); a transfer that
     * breaks midway makes {@code read} throw {@link java.io.IOException}, as any stream's would.
     *
     * @param length bytes to read, or 0 for everything up to the end; fewer arrive when the volume ends
     *     first
     * @throws CairnException {@code RANGE_NOT_SATISFIABLE} when {@code offset} is at or past the end;
     *     {@code INVALID_ARGUMENT} for a negative offset or length
     */
    public InputStream download(long offset, long length) {
        return download(null, offset, length);
    }

    /**
     * Snapshots the volume's content now. The current snapshot becomes its parent and it becomes current.
     *
     * @param snapshotName pool-unique name; null: the service generates one
     * @throws CairnException {@code NAME_TAKEN} (a snapshot or volume of the pool has the name),
     *     {@code INVALID_ARGUMENT}, {@code OPERATION_UNSUPPORTED} (the pool cannot snapshot)
     */
    public StorageVolSnapshot snapshotCreate(String snapshotName) {
        return snapshotCreate(snapshotName, null);
    }

    /**
     * As {@link #snapshotCreate(String)}, with a description of at most
     * {@value SnapshotCreateRequest#MAX_DESCRIPTION} characters.
     */
    public StorageVolSnapshot snapshotCreate(String snapshotName, String description) {
        SnapshotInfo created = transport().send("POST", snapshots(),
                new SnapshotCreateRequest(snapshotName, description), SnapshotInfo.class);
        return new StorageVolSnapshot(this, created.name());
    }

    /** Names of all the volume's snapshots, oldest first. */
    public String[] snapshotListNames() {
        return listSnapshotInfos(snapshots()).stream().map(SnapshotInfo::name).toArray(String[]::new);
    }

    /**
     * The volume's snapshots, oldest first, filtered by {@code flags}: {@link #LIST_ROOTS},
     * {@link #LIST_LEAVES} or both (roots that are leaves); 0 for all. Lists of more than
     * {@value #SNAPSHOT_PAGE} are fetched page by page, so a tree that changes meanwhile may be seen
     * partly before and partly after the change.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for unknown flags
     */
    public StorageVolSnapshot[] listAllSnapshots(int flags) {
        Flags.requireKnown(flags, LIST_ROOTS | LIST_LEAVES);
        ResourcePath query = snapshots().query("roots", (flags & LIST_ROOTS) != 0 ? true : null)
                .query("leaves", (flags & LIST_LEAVES) != 0 ? true : null);
        return handles(listSnapshotInfos(query));
    }

    /**
     * Every snapshot of the volume as the service describes it (name, uuid, parent, children, current flag),
     * oldest first, in one listing rather than a request per snapshot.
     */
    public List<SnapshotInfo> listSnapshotInfos() {
        return listSnapshotInfos(snapshots());
    }

    /**
     * The volume's snapshot named {@code snapshotName}, after the service confirmed it exists.
     *
     * @throws CairnException {@code NO_SNAPSHOT} when the volume has none of that name
     */
    public StorageVolSnapshot snapshotLookupByName(String snapshotName) {
        if ("current".equals(snapshotName)) {
            // The service refuses "current" as a snapshot name: its path names the current snapshot instead.
            throw new CairnException(ErrorCode.NO_SNAPSHOT, "no snapshot named 'current' of volume '" + name
                    + "': the name is reserved");
        }
        StorageVolSnapshot snapshot = new StorageVolSnapshot(this, snapshotName);
        snapshot.getInfo();
        return snapshot;
    }

    /** Whether the volume has a current snapshot (the parent of its next one). */
    public boolean hasCurrentSnapshot() {
        return getInfo().currentSnapshot() != null;
    }

    /**
     * The current snapshot: the last taken or reverted to.
     *
     * @throws CairnException {@code NO_SNAPSHOT} when there is none
     */
    public StorageVolSnapshot snapshotCurrent() {
        SnapshotInfo current = transport().get(snapshots().segment("current"), SnapshotInfo.class);
        return new StorageVolSnapshot(this, current.name());
    }

    /**
     * Gives the volume the content of {@code snapshot}, which becomes current. What was written since the
     * current snapshot is lost unless snapshotted first.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} when {@code snapshot} is of another volume;
     *     {@code NO_SNAPSHOT} when it was deleted
     */
    public void revertToSnapshot(StorageVolSnapshot snapshot) {
        requireOwn(snapshot);
        transport().send("POST", snapshot.path().segment("revert"), null, SnapshotInfo.class);
    }

    /**
     * Applies a delta stream (as {@link StorageVolSnapshot#exportDelta} writes) atomically, streamed with
     * chunked transfer; its target snapshot is created. {@code delta} is not closed.
     *
     * <p>Needs a service that offers {@code POST …/volumes/{vol}/delta}; one without it answers
     * {@code NOT_FOUND}.
     *
     * @throws CairnException {@code INVALID_DELTA} for a stream that is malformed or whose base this volume
     *     lacks; {@code NOT_FOUND} from a service without deltas
     */
    public void applyDelta(InputStream delta) {
        transport().upload("POST", path().segment("delta"), Transport.DELTA, delta, -1, Object.class);
    }

    /**
     * As {@link #applyDelta(InputStream)}, sending exactly {@code length} bytes with a
     * {@code Content-Length} (for services that require one).
     */
    public void applyDelta(InputStream delta, long length) {
        if (length < 0) {
            throw CairnException.invalidArgument("length must not be negative, got " + length);
        }
        transport().upload("POST", path().segment("delta"), Transport.DELTA, delta, length, Object.class);
    }

    /** Content of the volume's head ({@code snapshot} null) or of one of its snapshots. */
    InputStream download(String snapshot, long offset, long length) {
        return transport().download(path().segment("content").query("snapshot", snapshot), range(offset, length),
                Transport.OCTETS);
    }

    /**
     * The {@code Range} header for {@code length} bytes from {@code offset} (0: to the end); null when the
     * whole content is asked for.
     */
    static String range(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw CairnException.invalidArgument("offset and length must not be negative, got " + offset + " and "
                    + length);
        }
        if (length == 0) {
            return offset == 0 ? null : "bytes=" + offset + "-";
        }
        if (length - 1 > Long.MAX_VALUE - offset) {
            throw CairnException.invalidArgument("offset + length passes the largest size: " + offset + " + " + length);
        }
        return "bytes=" + offset + "-" + (offset + length - 1);
    }

    /** Every snapshot {@code query} lists, page after page. */
    List<SnapshotInfo> listSnapshotInfos(ResourcePath query) {
        List<SnapshotInfo> all = new ArrayList<>();
        while (true) {
            SnapshotInfo[] page = transport().get(query.query("offset", all.size()).query("limit", SNAPSHOT_PAGE),
                    SnapshotInfo[].class);
            all.addAll(Arrays.asList(page));
            if (page.length < SNAPSHOT_PAGE) {
                return all;
            }
        }
    }

    StorageVolSnapshot[] handles(List<SnapshotInfo> snapshots) {
        return snapshots.stream().map(info -> new StorageVolSnapshot(this, info.name()))
                .toArray(StorageVolSnapshot[]::new);
    }

    void requireOwn(StorageVolSnapshot snapshot) {
        if (snapshot == null) {
            throw CairnException.invalidArgument("a snapshot is required");
        }
        StorageVol owner = snapshot.getVolume();
        if (!owner.name.equals(name) || !owner.pool.getName().equals(pool.getName())) {
            throw CairnException.invalidArgument("snapshot '" + snapshot.getName() + "' is of volume '"
                    + owner.pool.getName() + "/" + owner.name + "', not of '" + pool.getName() + "/" + name + "'");
        }
    }

    ResourcePath path() {
        return pool.path().segment("volumes").name("volume", name);
    }

    ResourcePath snapshots() {
        return path().segment("snapshots");
    }

    Transport transport() {
        return pool.transport();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StorageVol volume && volume.pool.equals(pool) && volume.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pool, name);
    }

    @Override
    public String toString() {
        return "StorageVol[" + pool.getName() + "/" + name + "]";
    }
}
