package dev.cairn.pool.chunk;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.PoolUsage;
import dev.cairn.pool.spi.ScanResult;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeFormats;
import dev.cairn.pool.spi.VolumeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A started chunk pool: its open store and the table naming the store's devices. Volumes hold raw bytes;
 * the requested format is ignored, as for every chunk pool.
 *
 * <p>Order of changes, so that a crash leaves nothing that names missing data: a new volume's device is
 * created (and committed) before its name is written; a deleted volume's name is removed before its
 * device. A crash in between leaves an unnamed device, which holds space but no volume: nothing can name
 * it any more, so {@link #freeUnnamedDevices()} deletes it when the pool starts, and {@link #scan()} reports
 * one found later.
 */
final class ChunkPool implements ActivePool {
    private final PoolDefinition definition;
    private final VolumeFormats formats;
    private final ChunkStore store;
    private final ChunkVolumeTable volumes;

    ChunkPool(PoolDefinition definition, VolumeFormats formats, ChunkStore store, ChunkVolumeTable volumes) {
        this.definition = definition;
        this.formats = formats;
        this.store = store;
        this.volumes = volumes;
    }

    @Override
    public PoolDefinition definition() {
        return definition;
    }

    @Override
    public PoolUsage usage() {
        return ChunkFailures.call("read usage", () -> {
            try {
                long fsUsable = Files.getFileStore(definition.path()).getUsableSpace();
                return new PoolUsage(store.storeCapacityBytes(), store.storeAllocatedBytes(),
                        Math.min(store.storeFreeBytes(), fsUsable));
            } catch (IOException e) {
                throw StorageFailures.translate("read usage of pool '" + definition.name() + "'", e);
            }
        });
    }

    @Override
    public ScanResult scan() {
        // Ids before names, so that a create which names its device while the scan runs is not reported as unnamed.
        long[] deviceIds = ChunkFailures.call("scan", store::deviceIds);
        List<StoredVolume> found = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        volumes.entries().forEach((name, id) -> {
            if (name.contains("@")) {
                return;
            }
            if (ChunkFailures.call("scan", () -> store.deviceExists(id))) {
                found.add(stored(name, id));
            } else {
                ignored.add(name + ": names device " + id + ", which the chunk store does not hold");
            }
        });
        Set<Long> named = new HashSet<>(volumes.entries().values());
        for (long id : deviceIds) {
            if (!named.contains(id)) {
                ignored.add("device " + id + ": named by no volume or snapshot (left by an interrupted create)");
            }
        }
        CheckReport check = ChunkFailures.call("check", store::check);
        if (!check.clean()) {
            ignored.add("chunk store check: " + check.corruptions() + " corruption(s), " + check.leaks()
                    + " leak(s): " + String.join("; ", check.problems()));
        }
        found.sort(Comparator.comparing(StoredVolume::name));
        return new ScanResult(found, ignored);
    }

    /**
     * Deletes the devices no volume or snapshot names: what a create or delete cut short by a crash left
     * (names are written after their device, and removed before it). Only while nothing else uses the
     * pool, at start: a create running now has a device it has not named yet.
     *
     * @return the ids of the devices deleted
     */
    List<Long> freeUnnamedDevices() {
        Set<Long> named = new HashSet<>(volumes.entries().values());
        List<Long> freed = new ArrayList<>();
        for (long id : ChunkFailures.call("list devices", store::deviceIds)) {
            if (!named.contains(id)) {
                try {
                    ChunkFailures.run("free unnamed device " + id, () -> store.deleteDevice(id));
                    freed.add(id);
                } catch (CairnException e) {
                    // Left in place: the pool still starts, and scan() reports the device.
                }
            }
        }
        return freed;
    }

    /** The snapshot devices the pool's name table records for {@code volume}, as {@code volume@snapshot}. */
    @Override
    public List<StoredSnapshot> storedSnapshots(VolumeRef volume) {
        String prefix = volume.name() + "@";
        List<StoredSnapshot> found = new ArrayList<>();
        volumes.entries().forEach((key, id) -> {
            if (key.startsWith(prefix)) {
                found.add(new StoredSnapshot(key.substring(prefix.length()), Long.toString(id), null));
            }
        });
        return found;
    }

    @Override
    public StoredVolume createVolume(String name, long capacityBytes, String format) {
        formats.lookup(format);
        if (volumes.find(name).isPresent()) {
            throw new CairnException(ErrorCode.NAME_TAKEN, "chunk pool '" + definition.name()
                    + "' already holds a volume named '" + name + "'", Map.of("pool", definition.name(), "volume", name),
                    null);
        }
        long id = ChunkFailures.call("create volume '" + name + "'", () -> store.createDevice(capacityBytes));
        try {
            volumes.put(name, id);
        } catch (RuntimeException e) {
            ChunkFailures.run("undo volume '" + name + "'", () -> store.deleteDevice(id));
            throw e;
        }
        return stored(name, id);
    }

    @Override
    public StoredVolume describe(VolumeRef volume) {
        return stored(volume.name(), deviceOf(volume));
    }

    @Override
    public BlockDevice open(VolumeRef volume, boolean writable) {
        return new ChunkVolumeDevice(store, deviceOf(volume), volume.name(), writable);
    }

    @Override
    public StoredVolume resize(VolumeRef volume, long capacityBytes, boolean allowShrink) {
        long id = deviceOf(volume);
        long current = ChunkFailures.call("resize", () -> store.deviceCapacityBytes(id));
        PoolDirectories.checkShrink(definition, volume.name(), current, capacityBytes, allowShrink);
        ChunkFailures.run("resize volume '" + volume.name() + "'", () -> store.resize(id, capacityBytes));
        return stored(volume.name(), id);
    }

    @Override
    public void deleteVolume(VolumeRef volume) {
        volumes.find(volume.name()).ifPresent(id -> {
            volumes.remove(volume.name());
            ChunkFailures.run("delete volume '" + volume.name() + "'", () -> store.deleteDevice(id));
        });
    }

    @Override
    public void purge() {
        close();
        Path dir = definition.path();
        try {
            ChunkStore.deleteFiles(dir);
        } catch (IOException e) {
            throw StorageFailures.translate("purge pool '" + definition.name() + "'", e);
        }
        PoolDirectories.removeMetadataAndEmptyDirectory(definition);
    }

    @Override
    public SnapshotEngine snapshots(VolumeRef volume) {
        return new ChunkSnapshots(store, volumes, definition.name(), this::stored);
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (ChunkStoreException e) {
            if (e.reason() != ChunkStoreException.Reason.CLOSED) {
                throw ChunkFailures.translate("stop pool '" + definition.name() + "'", e);
            }
        }
    }

    private long deviceOf(VolumeRef volume) {
        return volumes.find(volume.name()).orElseThrow(() -> CairnException.noVolume(definition.name(), volume.name()));
    }

    private StoredVolume stored(String name, long id) {
        return ChunkFailures.call("describe volume '" + name + "'", () -> new StoredVolume(name, VolumeFormats.RAW,
                definition.path() + "#device-" + id, store.deviceCapacityBytes(id), store.deviceAllocatedBytes(id)));
    }
}
