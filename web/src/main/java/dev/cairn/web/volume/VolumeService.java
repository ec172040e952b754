package dev.cairn.web.volume;

import dev.cairn.api.CairnException;
import dev.cairn.api.Capacity;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.ResourceName;
import dev.cairn.api.VolumeCreateRequest;
import dev.cairn.api.VolumeInfo;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeFormats;
import dev.cairn.pool.spi.VolumeRef;
import dev.cairn.web.StorageLocks;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import dev.cairn.web.pool.ActivePools;
import dev.cairn.web.pool.PoolService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Volumes of a pool: create, describe, resize, delete, and access to their bytes, each under the locks of
 * {@link StorageLocks}. Storage is changed first and the catalog after; a failure between the two leaves
 * something {@code refresh} reconciles, never a catalog entry without storage that is reported as healthy.
 */
@Service
public class VolumeService {
    private final PoolService pools;
    private final ActivePools active;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final StorageLocks locks;
    private final TransactionTemplate transaction;
    private final dev.cairn.web.pool.PoolNamespace namespace;
    /** Names held for volumes being made outside the namespace lock (copying clones), as "poolId/name". */
    private final java.util.Set<String> reserved = java.util.concurrent.ConcurrentHashMap.newKeySet();

    VolumeService(PoolService pools, ActivePools active, VolumeRepository volumes, SnapshotRepository snapshots,
                  StorageLocks locks, TransactionTemplate transaction, dev.cairn.web.pool.PoolNamespace namespace) {
        this.namespace = namespace;
        this.pools = pools;
        this.active = active;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.locks = locks;
        this.transaction = transaction;
    }

    /** A volume resolved for work on it: its pool, its catalog row and the started pool serving it. */
    public record VolumeHandle(PoolRow pool, VolumeRow row, ActivePool storage) {
        public VolumeRef ref() {
            return new VolumeRef(row.name(), row.format());
        }
    }

    /**
     * Resolves a volume; {@code NO_STORAGE_POOL}, {@code NO_STORAGE_VOL}, or {@code OPERATION_INVALID} when
     * its pool is not running. Call it again under the volume's lock to see the catalog as it is then.
     */
    public VolumeHandle resolve(String poolName, String volumeName) {
        PoolRow pool = pools.lookup(poolName);
        VolumeRow row = lookup(pool, volumeName);
        return new VolumeHandle(pool, row, active.require(poolName));
    }

    /**
     * Refuses a name the pool already uses for a volume or a snapshot: one namespace per pool.
     *
     * @throws CairnException {@code NAME_TAKEN}
     */
    public void requireFreeName(PoolRow pool, String name) {
        boolean taken = volumes.findByPoolIdAndName(pool.id(), name).isPresent()
                || snapshots.findByPoolIdAndName(pool.id(), name).isPresent()
                || reserved.contains(pool.id() + "/" + name);
        if (taken) {
            throw new CairnException(ErrorCode.NAME_TAKEN, "pool '" + pool.name() + "' already has a volume or "
                    + "snapshot named '" + name + "'", Map.of("pool", pool.name(), "name", name), null);
        }
    }

    /** A volume name held for work that makes the volume; {@link #release()} gives it back. */
    public interface Reservation {
        void release();
    }

    /**
     * Holds {@code name} in {@code pool} for a volume that work outside the namespace lock will make: until
     * released, {@link #requireFreeName} refuses it. Call it holding the pool's namespace lock.
     *
     * @throws CairnException {@code NAME_TAKEN}
     */
    public Reservation reserveName(PoolRow pool, String name) {
        requireFreeName(pool, name);
        String key = pool.id() + "/" + name;
        reserved.add(key);
        return () -> reserved.remove(key);
    }

    /**
     * Records in the catalog a volume storage has just made, and describes it; when the catalog refuses,
     * the storage is removed again. A volume a refresh already adopted meanwhile is kept as adopted.
     */
    public VolumeInfo register(PoolRow pool, ActivePool storage, StoredVolume stored) {
        java.util.Optional<VolumeRow> adopted = volumes.findByPoolIdAndName(pool.id(), stored.name());
        if (adopted.isPresent()) {
            return info(pool, adopted.get(), stored);
        }
        try {
            VolumeRow row = volumes.save(new VolumeRow(null, pool.id(), stored.name(), UUID.randomUUID(),
                    stored.format(), Instant.now(), null));
            return info(pool, row, stored);
        } catch (RuntimeException e) {
            storage.deleteVolume(new VolumeRef(stored.name(), stored.format()));
            throw e;
        }
    }

    /** The volumes of a pool, by name; a volume whose storage vanished shows capacity and allocation 0. */
    public List<VolumeInfo> list(String poolName) {
        PoolRow pool = pools.lookup(poolName);
        ActivePool storage = active.require(poolName);
        return volumes.findByPoolIdOrderByNameAsc(pool.id()).stream().map(row -> {
            try {
                return info(pool, row, storage.describe(ref(row)));
            } catch (CairnException e) {
                return info(pool, row, new StoredVolume(row.name(), row.format(), null, 0, 0));
            }
        }).toList();
    }

    /** One volume as stored now; {@code NO_STORAGE_VOL} when it is not in the catalog or its storage vanished. */
    public VolumeInfo get(String poolName, String volumeName) {
        PoolRow pool = pools.lookup(poolName);
        VolumeRow row = lookup(pool, volumeName);
        return info(pool, row, active.require(poolName).describe(ref(row)));
    }

    /** Creates a volume; {@code NAME_TAKEN} when the pool has one of that name. Nothing is left on failure. */
    public VolumeInfo create(String poolName, VolumeCreateRequest request) {
        PoolRow pool = pools.lookup(poolName);
        ActivePool storage = active.require(poolName);
        String format = request.format() == null ? VolumeFormats.RAW : request.format();
        return locks.inNamespace(poolName, () -> {
            requireFreeName(pool, request.name());
            return register(pool, storage, storage.createVolume(request.name(), request.capacity(), format));
        });
    }

    /**
     * Deletes a volume and its storage. A volume with snapshots is refused ({@code HAS_SNAPSHOTS}) unless
     * {@code snapshotsMode} is {@code delete}, which deletes them (catalog first, then their content) too.
     *
     * @param snapshotsMode {@code null}, or {@code delete} to delete the volume's snapshots with it
     */
    public void delete(String poolName, String volumeName, String snapshotsMode) {
        if (snapshotsMode != null && !snapshotsMode.equals("delete")) {
            throw CairnException.invalidArgument("snapshots must be 'delete' when given, not '" + snapshotsMode + "'");
        }
        PoolRow pool = pools.lookup(poolName);
        ActivePool storage = active.require(poolName);
        locks.inNamespace(poolName, () -> locks.changing(poolName, volumeName, () -> {
            VolumeRow row = lookup(pool, volumeName);
            List<SnapshotRow> held = snapshots.findByVolumeIdOrderByCreatedAtAscIdAsc(row.id());
            if (!held.isEmpty() && snapshotsMode == null) {
                throw new CairnException(ErrorCode.HAS_SNAPSHOTS, "volume '" + volumeName + "' has " + held.size()
                        + " snapshot(s); delete them first or pass snapshots=delete",
                        Map.of("pool", poolName, "volume", volumeName), null);
            }
            if (!held.isEmpty()) {
                transaction.executeWithoutResult(status -> {
                    volumes.clearCurrentSnapshot(row.id());
                    snapshots.forgetAllOfVolume(row.id());
                });
            }
            // The volume's storage first: snapshots kept inside it (qcow2 internal, external chain files) go with
            // it at once, instead of being folded one by one into a volume about to go; separate ones (chunk
            // devices) are dropped after.
            namespace.forget(pool, volumeName);
            storage.deleteVolume(ref(row));
            for (SnapshotRow snapshot : held) {
                try {
                    storage.snapshots(ref(row)).deleteSnapshot(ref(row), snapshot.engineRef());
                } catch (CairnException gone) {
                    if (gone.errorCode() != ErrorCode.NO_STORAGE_VOL) {
                        throw gone;
                    }
                }
            }
            volumes.deleteById(row.id());
            return null;
        }));
    }

    /** Changes a volume's capacity; a shrink needs {@code allowShrink}. */
    public VolumeInfo resize(String poolName, String volumeName, Long capacityBytes, boolean allowShrink) {
        long capacity = Capacity.require(capacityBytes);
        PoolRow pool = pools.lookup(poolName);
        VolumeRow row = lookup(pool, volumeName);
        ActivePool storage = active.require(poolName);
        return locks.changing(poolName, volumeName,
                () -> info(pool, row, storage.resize(ref(row), capacity, allowShrink)));
    }

    /**
     * Runs {@code work} on the volume's bytes opened read-only, sharing the volume with other readers.
     *
     * @param snapshotName {@code null} for the volume's head, else the snapshot whose content to read
     */
    public <T> T reading(String poolName, String volumeName, String snapshotName, Function<BlockDevice, T> work) {
        return locks.reading(poolName, volumeName, () -> {
            VolumeHandle volume = resolve(poolName, volumeName);
            // The snapshot is looked up before its engine: a missing snapshot is NO_SNAPSHOT on every pool.
            SnapshotRow snapshot = snapshotName == null ? null : snapshotOf(volume, snapshotName);
            try (BlockDevice device = snapshot == null ? volume.storage().open(volume.ref(), false)
                    : volume.storage().snapshots(volume.ref()).openSnapshot(volume.ref(), snapshot.engineRef())) {
                return work.apply(device);
            }
        });
    }

    /** The snapshot {@code name} of {@code volume}; {@code NO_SNAPSHOT} when the volume has none of that name. */
    public SnapshotRow snapshotOf(VolumeHandle volume, String name) {
        ResourceName.require("snapshot", name);
        return snapshots.findByPoolIdAndName(volume.pool().id(), name)
                .filter(snapshot -> snapshot.volumeId() == volume.row().id())
                .orElseThrow(() -> new CairnException(ErrorCode.NO_SNAPSHOT, "volume '" + volume.row().name()
                        + "' has no snapshot named '" + name + "'",
                        Map.of("pool", volume.pool().name(), "volume", volume.row().name(), "snapshot", name), null));
    }

    /**
     * Runs {@code work} on the volume's bytes opened for writing, alone on the volume, and makes what it
     * wrote durable before returning the volume as it then is.
     */
    public VolumeInfo writing(String poolName, String volumeName, Consumer<BlockDevice> work) {
        PoolRow pool = pools.lookup(poolName);
        VolumeRow row = lookup(pool, volumeName);
        ActivePool storage = active.require(poolName);
        return locks.changing(poolName, volumeName, () -> {
            try (BlockDevice device = storage.open(ref(row), true)) {
                work.accept(device);
                device.flush();
            }
            return info(pool, row, storage.describe(ref(row)));
        });
    }

    private VolumeRow lookup(PoolRow pool, String volumeName) {
        ResourceName.require("volume", volumeName);
        return volumes.findByPoolIdAndName(pool.id(), volumeName)
                .orElseThrow(() -> CairnException.noVolume(pool.name(), volumeName));
    }

    private static VolumeRef ref(VolumeRow row) {
        return new VolumeRef(row.name(), row.format());
    }

    private VolumeInfo info(PoolRow pool, VolumeRow row, StoredVolume stored) {
        String current = row.currentSnapshotId() == null ? null
                : snapshots.findById(row.currentSnapshotId()).map(SnapshotRow::name).orElse(null);
        return new VolumeInfo(row.name(), pool.name(), row.volumeKey().toString(), stored.path(), row.format(),
                stored.capacityBytes(), stored.allocationBytes(), current, snapshots.countByVolumeId(row.id()));
    }
}
