package dev.cairn.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot in a volume's tree (shaped like libvirt's {@code virDomainSnapshot}): a light handle, its
 * pool-unique name and its volume. Every method asks the service; nothing is cached, so a handle of a
 * deleted snapshot answers {@code NO_SNAPSHOT}. Immutable and thread-safe.
 *
 * <p>Methods throw {@link CairnException}; besides the codes listed, any can throw {@code NO_SNAPSHOT},
 * {@code NO_STORAGE_VOL}, {@code NO_STORAGE_POOL}, {@code UNAUTHORIZED} and {@code STORAGE_ERROR}.
 */
public final class StorageVolSnapshot {
    /** {@link #delete(int)}: delete the snapshot's descendants too (libvirt's value). */
    public static final int DELETE_CHILDREN = 1;
    /** {@link #delete(int)}: forget the snapshots, leave storage untouched (libvirt's value). */
    public static final int DELETE_METADATA_ONLY = 2;
    /** {@link #delete(int)}: delete only the descendants, keep the snapshot (libvirt's value). */
    public static final int DELETE_CHILDREN_ONLY = 4;
    /** {@link #listAllChildren(int)}: all descendants, not only the direct children (libvirt's value). */
    public static final int LIST_DESCENDANTS = 1;

    private final StorageVol volume;
    private final String name;

    StorageVolSnapshot(StorageVol volume, String name) {
        this.volume = volume;
        this.name = name;
        path();
    }

    /** The snapshot's name, unique in its pool; no request is made. */
    public String getName() {
        return name;
    }

    /** The volume whose tree holds this snapshot. */
    public StorageVol getVolume() {
        return volume;
    }

    /** The snapshot as the service sees it now: parent, children, whether current, creation time, description. */
    public SnapshotInfo getInfo() {
        return transport().get(path(), SnapshotInfo.class);
    }

    /** The parent, or null for a root (libvirt's shape; {@link #findParent()} says the same without null). */
    public StorageVolSnapshot getParent() {
        return findParent().orElse(null);
    }

    /** The parent; empty for a root. */
    public Optional<StorageVolSnapshot> findParent() {
        return Optional.ofNullable(getInfo().parent()).map(parent -> new StorageVolSnapshot(volume, parent));
    }

    /** Names of the direct children, oldest first. */
    public String[] listChildrenNames() {
        return getInfo().children().toArray(String[]::new);
    }

    /**
     * The direct children (flags 0) or, with {@link #LIST_DESCENDANTS}, every snapshot below this one;
     * oldest first.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for unknown flags
     */
    public StorageVolSnapshot[] listAllChildren(int flags) {
        Flags.requireKnown(flags, LIST_DESCENDANTS);
        if ((flags & LIST_DESCENDANTS) != 0) {
            return volume.handles(volume.listSnapshotInfos(volume.snapshots().query("descendantsOf", name)));
        }
        return getInfo().children().stream().map(child -> new StorageVolSnapshot(volume, child))
                .toArray(StorageVolSnapshot[]::new);
    }

    /** Whether it is the volume's current snapshot (the parent of the next one). */
    public boolean isCurrent() {
        return getInfo().current();
    }

    /**
     * Deletes the snapshot, by default (flags 0) giving its children its parent; their content stays.
     * With {@link #DELETE_CHILDREN} its descendants go too; with {@link #DELETE_CHILDREN_ONLY} only they
     * go. {@link #DELETE_METADATA_ONLY} forgets without touching storage, and combines with either. When
     * the current snapshot goes, its nearest surviving ancestor becomes current.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for unknown flags or {@code DELETE_CHILDREN} with
     *     {@code DELETE_CHILDREN_ONLY}, before anything is sent
     */
    public void delete(int flags) {
        transport().call("DELETE", deletePath(path(), flags), null);
    }

    /**
     * Reads {@code length} bytes from {@code offset} of this snapshot's content, streamed; the caller
     * closes the stream. As {@link StorageVol#download(long, long)}.
     */
    public InputStream download(long offset, long length) {
        return volume.download(name, offset, length);
    }

    /**
     * Makes a new, independent volume in the same pool with this snapshot's content.
     *
     * <p>Needs a service that offers {@code POST …/snapshots/{snap}/clone}; one without it answers
     * {@code NOT_FOUND}. A clone the service runs as a job (202) is waited for.
     *
     * @throws CairnException {@code NAME_TAKEN}, {@code INVALID_ARGUMENT}, {@code INSUFFICIENT_SPACE};
     *     {@code NOT_FOUND} from a service without clones
     */
    public StorageVol cloneTo(String newVolumeName) {
        return cloneTo(newVolumeName, volume.getPool());
    }

    /** As {@link #cloneTo(String)}, into {@code targetPool} of the same service. */
    public StorageVol cloneTo(String newVolumeName, StoragePool targetPool) {
        ResourceName.require("volume", newVolumeName);
        if (targetPool == null) {
            throw CairnException.invalidArgument("a target pool is required");
        }
        Map<String, String> request = new LinkedHashMap<>();
        request.put("name", newVolumeName);
        if (!targetPool.getName().equals(volume.getPool().getName())) {
            request.put("pool", targetPool.getName());
        }
        transport().call("POST", path().segment("clone"), request);
        return new StorageVol(targetPool, newVolumeName);
    }

    /**
     * Folds this snapshot into the volume; the snapshot disappears, the volume's content stays.
     *
     * <p>Needs a service that offers {@code POST …/snapshots/{snap}/merge}; one without it answers
     * {@code NOT_FOUND}. A merge the service runs as a job (202) is waited for.
     */
    public void merge() {
        transport().call("POST", path().segment("merge"), null);
    }

    /**
     * Writes the delta from {@code from} to this snapshot into {@code out}, streamed
     * ({@code application/vnd.cairn.delta}); {@code from} null writes the full image. {@code out} is not
     * closed.
     *
     * <p>Needs a service that offers {@code GET …/snapshots/{to}/delta}; one without it answers
     * {@code NOT_FOUND}.
     *
     * @return the number of bytes written
     * @throws CairnException {@code INVALID_ARGUMENT} when {@code from} is of another volume;
     *     {@code STORAGE_ERROR} when the stream breaks or {@code out} fails
     */
    public long exportDelta(StorageVolSnapshot from, OutputStream out) {
        if (from != null) {
            volume.requireOwn(from);
        }
        if (out == null) {
            throw CairnException.invalidArgument("an output stream is required");
        }
        ResourcePath delta = path().segment("delta").query("from", from == null ? null : from.name);
        try (InputStream in = transport().download(delta, null, Transport.DELTA)) {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "copying the delta of snapshot '" + name
                    + "' failed: " + e, e);
        }
    }

    /**
     * {@code snapshotPath} with the query of a delete with {@code flags}.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for unknown flags or both children flags
     */
    static ResourcePath deletePath(ResourcePath snapshotPath, int flags) {
        Flags.requireKnown(flags, DELETE_CHILDREN | DELETE_METADATA_ONLY | DELETE_CHILDREN_ONLY);
        boolean children = (flags & DELETE_CHILDREN) != 0;
        boolean childrenOnly = (flags & DELETE_CHILDREN_ONLY) != 0;
        if (children && childrenOnly) {
            throw CairnException.invalidArgument("DELETE_CHILDREN and DELETE_CHILDREN_ONLY exclude each other");
        }
        return snapshotPath.query("children", children ? "delete" : childrenOnly ? "only" : null)
                .query("metadataOnly", (flags & DELETE_METADATA_ONLY) != 0 ? true : null);
    }

    ResourcePath path() {
        return volume.snapshots().name("snapshot", name);
    }

    private Transport transport() {
        return volume.transport();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StorageVolSnapshot snapshot && snapshot.volume.equals(volume)
                && snapshot.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(volume, name);
    }

    @Override
    public String toString() {
        return "StorageVolSnapshot[" + volume.getPool().getName() + "/" + volume.getName() + "@" + name + "]";
    }
}
