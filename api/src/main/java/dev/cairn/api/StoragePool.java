package dev.cairn.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A storage pool of a Cairn service (libvirt's {@code virStoragePool}): a light handle, its name and its
 * connection. Every method asks the service; nothing is cached. Immutable and thread-safe.
 *
 * <p>Methods throw {@link CairnException}; the codes listed are the likely ones, besides
 * {@code NO_STORAGE_POOL} (the pool is gone), {@code UNAUTHORIZED} and {@code STORAGE_ERROR} (storage or
 * the service unreachable), which any of them can throw.
 */
public final class StoragePool {
    /** {@link #undefine(int)}: also delete the pool's volumes and storage. */
    public static final int UNDEFINE_PURGE = 1;

    private final Connect connect;
    private final String name;

    StoragePool(Connect connect, String name) {
        this.connect = connect;
        this.name = name;
        path();
    }

    /** The pool's name; no request is made. */
    public String getName() {
        return name;
    }

    /** The connection this pool was reached through. */
    public Connect getConnect() {
        return connect;
    }

    /** The pool as the service sees it now: type, state, path, capacity, allocation, available bytes. */
    public PoolInfo getInfo() {
        return transport().get(path(), PoolInfo.class);
    }

    /** Names of the pool's volumes, in the service's order. */
    public String[] listVolumes() {
        return Arrays.stream(transport().get(volumes(), VolumeInfo[].class)).map(VolumeInfo::name)
                .toArray(String[]::new);
    }

    /** Handles of the pool's volumes, in the service's order. */
    public StorageVol[] listAllVolumes() {
        return Arrays.stream(listVolumes()).map(volume -> new StorageVol(this, volume)).toArray(StorageVol[]::new);
    }

    /**
     * The volume named {@code volumeName}, after the service confirmed it exists.
     *
     * @throws CairnException {@code NO_STORAGE_VOL} when there is none
     */
    public StorageVol storageVolLookupByName(String volumeName) {
        StorageVol volume = new StorageVol(this, volumeName);
        volume.getInfo();
        return volume;
    }

    /**
     * Creates a volume. Dir pools make a sparse file of the format; chunk pools ignore the format and
     * hold raw bytes.
     *
     * @param capacityBytes virtual size, at least 1
     * @param format {@code raw} or {@code qcow2}; null: {@code raw}
     * @throws CairnException {@code NAME_TAKEN} (a volume or snapshot of the pool has the name),
     *     {@code INVALID_ARGUMENT}, {@code UNSUPPORTED_FORMAT}, {@code INSUFFICIENT_SPACE},
     *     {@code OPERATION_INVALID} (the pool is not running)
     */
    public StorageVol storageVolCreate(String volumeName, long capacityBytes, String format) {
        VolumeInfo created = transport().send("POST", volumes(),
                new VolumeCreateRequest(volumeName, capacityBytes, format), VolumeInfo.class);
        return new StorageVol(this, created.name());
    }

    /**
     * Rescans the pool's storage: adopts volumes found there, forgets those whose storage vanished.
     *
     * @return what changed, and the entries that cannot be volumes
     */
    public RefreshReport refresh() {
        return transport().send("POST", path().segment("refresh"), null, RefreshReport.class);
    }

    /** Starts the pool (libvirt's create); its volumes become usable. Idempotent. */
    public void start() {
        transport().send("POST", path().segment("start"), null, PoolInfo.class);
    }

    /** Stops the pool (libvirt's destroy); storage and definition stay. Idempotent. */
    public void stop() {
        transport().send("POST", path().segment("stop"), null, PoolInfo.class);
    }

    /**
     * Removes the pool's definition; its storage stays.
     *
     * @throws CairnException {@code HAS_VOLUMES} while it holds volumes
     */
    public void undefine() {
        undefine(0);
    }

    /**
     * Removes the pool's definition, with {@link #UNDEFINE_PURGE} also its volumes, their snapshots and
     * the pool's storage (not recoverable).
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for unknown flags; {@code HAS_VOLUMES} without
     *     {@code UNDEFINE_PURGE} while the pool holds volumes
     */
    public void undefine(int flags) {
        Flags.requireKnown(flags, UNDEFINE_PURGE);
        transport().call("DELETE", path().query("purge", (flags & UNDEFINE_PURGE) != 0 ? true : null), null);
    }

    ResourcePath path() {
        return ResourcePath.api().segment("pools").name("pool", name);
    }

    Transport transport() {
        return connect.transport();
    }

    private ResourcePath volumes() {
        return path().segment("volumes");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoragePool pool && pool.connect == connect && pool.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(connect), name);
    }

    @Override
    public String toString() {
        return "StoragePool[" + name + "]";
    }
}
