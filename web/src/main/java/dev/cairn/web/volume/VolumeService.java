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
    private final StorageLocks locks;

    VolumeService(PoolService pools, ActivePools active, VolumeRepository volumes, StorageLocks locks) {
        this.pools = pools;
        this.active = active;
        this.volumes = volumes;
        this.locks = locks;
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
            if (volumes.findByPoolIdAndName(pool.id(), request.name()).isPresent()) {
                throw new CairnException(ErrorCode.NAME_TAKEN, "pool '" + poolName + "' already has a volume named '"
                        + request.name() + "'", Map.of("pool", poolName, "volume", request.name()), null);
            }
            StoredVolume stored = storage.createVolume(request.name(), request.capacity(), format);
            try {
                VolumeRow row = volumes.save(new VolumeRow(null, pool.id(), request.name(), UUID.randomUUID(),
                        stored.format(), Instant.now()));
                return info(pool, row, stored);
            } catch (RuntimeException e) {
                storage.deleteVolume(new VolumeRef(request.name(), stored.format()));
                throw e;
            }
        });
    }

    /**
     * Deletes a volume and its storage.
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
            storage.deleteVolume(ref(row));
            volumes.delete(row);
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

    /** Runs {@code work} on the volume's bytes opened read-only, sharing the volume with other readers. */
    public <T> T reading(String poolName, String volumeName, Function<BlockDevice, T> work) {
        PoolRow pool = pools.lookup(poolName);
        VolumeRow row = lookup(pool, volumeName);
        ActivePool storage = active.require(poolName);
        return locks.reading(poolName, volumeName, () -> {
            try (BlockDevice device = storage.open(ref(row), false)) {
                return work.apply(device);
            }
        });
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

    private static VolumeInfo info(PoolRow pool, VolumeRow row, StoredVolume stored) {
        return new VolumeInfo(row.name(), pool.name(), row.volumeKey().toString(), stored.path(), row.format(),
                stored.capacityBytes(), stored.allocationBytes(), null, 0);
    }
}
