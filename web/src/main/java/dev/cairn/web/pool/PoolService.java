package dev.cairn.web.pool;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.PoolCreateRequest;
import dev.cairn.api.PoolInfo;
import dev.cairn.api.RefreshReport;
import dev.cairn.api.ResourceName;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.PoolDrivers;
import dev.cairn.pool.spi.PoolUsage;
import dev.cairn.pool.spi.ScanResult;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeRef;
import dev.cairn.web.CairnProperties;
import dev.cairn.web.StorageLocks;
import dev.cairn.web.catalog.PoolRepository;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotIntentRepository;
import dev.cairn.web.catalog.SnapshotIntentRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pools: define, build, start, stop, refresh and undefine, keeping the catalog and the started pools
 * in step. Defining pools is serialized by this object's monitor; everything that changes a pool's set of
 * volumes runs under that pool's namespace lock ({@link StorageLocks}).
 */
@Service
public class PoolService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PoolService.class);
    /** The pool every new service gets, so volumes can be made at once. */
    public static final String DEFAULT_POOL = "default";

    private final PoolRepository pools;
    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    private final SnapshotIntentRepository intents;
    private final ActivePools active;
    private final PoolDrivers drivers;
    private final StorageLocks locks;
    private final CairnProperties properties;
    private final TransactionTemplate transaction;
    private final org.springframework.beans.factory.ObjectProvider<StartedPoolHook> startHooks;
    private final PoolNamespace namespace;

    PoolService(PoolRepository pools, VolumeRepository volumes, SnapshotRepository snapshots,
                SnapshotIntentRepository intents, ActivePools active, PoolDrivers drivers, StorageLocks locks,
                CairnProperties properties, TransactionTemplate transaction,
                org.springframework.beans.factory.ObjectProvider<StartedPoolHook> startHooks, PoolNamespace namespace) {
        this.namespace = namespace;
        this.transaction = transaction;
        this.intents = intents;
        this.startHooks = startHooks;
        this.pools = pools;
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.active = active;
        this.drivers = drivers;
        this.locks = locks;
        this.properties = properties;
    }

    /** All pools, by name. */
    public List<PoolInfo> list() {
        return pools.findAllByOrderByNameAsc().stream().map(this::info).toList();
    }

    /** One pool; {@code NO_STORAGE_POOL} when there is none of that name. */
    public PoolInfo get(String name) {
        return info(lookup(name));
    }

    /** The catalog row of pool {@code name}; {@code NO_STORAGE_POOL} when there is none. */
    public PoolRow lookup(String name) {
        ResourceName.require("pool", name);
        return pools.findByName(name).orElseThrow(() -> CairnException.noPool(name));
    }

    /**
     * Defines, builds and starts a pool, then adopts the volumes its storage already holds (so a pool
     * defined again over old storage comes back with its volumes). Nothing is created when it fails.
     */
    public synchronized PoolInfo create(PoolCreateRequest request) {
        PoolDriver driver = drivers.lookup(request.type());
        Path path = request.path() == null ? properties.dataDir().resolve("pools").resolve(request.name())
                : absolutePath(request.path());
        if (pools.findByName(request.name()).isPresent()) {
            throw new CairnException(ErrorCode.NAME_TAKEN, "a pool named '" + request.name() + "' exists",
                    Map.of("pool", request.name()), null);
        }
        refuseOverlap(request.name(), path);
        PoolDefinition definition = new PoolDefinition(request.name(), UUID.randomUUID(), driver.type(), path);
        driver.build(definition, new BuildOptions(request.capacity() == null ? 0 : request.capacity(),
                request.chunkSize() == null ? 0 : request.chunkSize()));
        ActivePool started = driver.start(definition);
        PoolRow row = pools.save(new PoolRow(null, definition.name(), definition.uuid(), definition.type(),
                path.toString(), true, Instant.now()));
        active.put(started);
        reconcile(row, started);
        return info(row);
    }

    /** Starts a defined pool (idempotent) and marks it to start with the service. */
    public PoolInfo start(String name) {
        PoolRow row = lookup(name);
        return locks.inNamespace(name, () -> {
            if (active.find(name).isEmpty()) {
                active.put(drivers.lookup(row.type()).start(definition(row)));
            }
            return info(pools.save(row.withAutostart(true)));
        });
    }

    /** Stops a pool (idempotent); its volumes stay in the catalog and on storage. */
    public PoolInfo stop(String name) {
        PoolRow row = lookup(name);
        return locks.inNamespace(name, () -> {
            active.remove(name).ifPresent(ActivePool::close);
            return info(pools.save(row.withAutostart(false)));
        });
    }

    /** Compares storage with the catalog: adopts what appeared, forgets what vanished. */
    public RefreshReport refresh(String name) {
        PoolRow row = lookup(name);
        ActivePool pool = active.require(name);
        return locks.inNamespace(name, () -> reconcile(row, pool));
    }

    /**
     * Undefines a pool. With volumes it is refused ({@code HAS_VOLUMES}) unless {@code purge}, which
     * deletes every volume and the pool's storage first.
     */
    public void delete(String name, boolean purge) {
        PoolRow row = lookup(name);
        locks.inNamespace(name, () -> {
            List<VolumeRow> held = volumes.findByPoolIdOrderByNameAsc(row.id());
            if (!held.isEmpty() && !purge) {
                throw new CairnException(ErrorCode.HAS_VOLUMES, "pool '" + name + "' still holds " + held.size()
                        + " volume(s); delete them first or pass purge=true", Map.of("pool", name), null);
            }
            if (purge) {
                ActivePool pool = active.find(name).orElseGet(() -> drivers.lookup(row.type()).start(definition(row)));
                for (VolumeRow volume : held) {
                    locks.changing(name, volume.name(), () -> {
                        // A volume's snapshots live in its storage (qcow2 file, chunk store): they go with it.
                        pool.deleteVolume(new VolumeRef(volume.name(), volume.format()));
                        forget(volume);
                        return null;
                    });
                }
                pool.purge();
            }
            active.remove(name).ifPresent(ActivePool::close);
            pools.delete(row);
            return null;
        });
        locks.forgetPool(name);
    }

    /** Creates the {@code default} dir pool when the catalog has no pool at all. */
    public synchronized void ensureDefaultPool() {
        if (pools.count() == 0) {
            create(new PoolCreateRequest(DEFAULT_POOL, "dir", properties.defaultPoolPath().toString()));
        }
    }

    /** Starts every pool marked to start, and reconciles each with its storage; returns what was found. */
    public Map<String, RefreshReport> startAll() {
        Map<String, RefreshReport> reports = new java.util.LinkedHashMap<>();
        for (PoolRow row : pools.findAllByOrderByNameAsc()) {
            if (row.autostart() && active.find(row.name()).isEmpty()) {
                ActivePool started = drivers.lookup(row.type()).start(definition(row));
                active.put(started);
                startHooks.orderedStream().forEach(hook -> hook.started(row, started));
                reports.put(row.name(), locks.inNamespace(row.name(), () -> reconcile(row, started)));
            }
        }
        return reports;
    }

    private RefreshReport reconcile(PoolRow row, ActivePool pool) {
        ScanResult scan = pool.scan();
        List<StoredVolume> stored = scan.volumes();
        List<VolumeRow> known = volumes.findByPoolIdOrderByNameAsc(row.id());
        Set<String> knownNames = known.stream().map(VolumeRow::name).collect(Collectors.toSet());
        Set<String> storedNames = stored.stream().map(StoredVolume::name).collect(Collectors.toSet());
        List<String> adopted = new ArrayList<>();
        for (StoredVolume volume : stored) {
            if (!knownNames.contains(volume.name())) {
                // The pool's own copy keeps the volume's key, so that it comes back with the same identity.
                UUID key = namespace.read(row, volume.name()).map(PoolNamespace.SavedVolume::volumeKey)
                        .orElseGet(UUID::randomUUID);
                volumes.save(new VolumeRow(null, row.id(), volume.name(), key, volume.format(), Instant.now(), null));
                adopted.add(volume.name());
            }
        }
        List<String> vanished = new ArrayList<>();
        for (VolumeRow volume : known) {
            if (!storedNames.contains(volume.name())) {
                forget(volume);
                namespace.forget(row, volume.name());
                vanished.add(volume.name());
            }
        }
        List<String> adoptedSnapshots = new ArrayList<>();
        for (VolumeRow volume : volumes.findByPoolIdOrderByNameAsc(row.id())) {
            // Under the volume's lock, so that a snapshot being created or deleted now is not taken for one
            // made outside Cairn.
            locks.changing(row.name(), volume.name(), () -> {
                adoptSnapshots(row, pool, volume, adoptedSnapshots);
                return null;
            });
        }
        return new RefreshReport(adopted, vanished, scan.ignored(), adoptedSnapshots);
    }

    /**
     * Adopts, as roots marked adopted, the snapshots storage holds for {@code volume} that the catalog does
     * not know (made by another tool, e.g. {@code qemu-img snapshot -c}). A name that is not a valid, free
     * pool name is replaced by {@code <volume>-snap<reference>}. A snapshot a create or delete cut short by
     * a crash left behind (its {@link SnapshotIntentRow} is still there) is dropped from storage instead.
     */
    private void adoptSnapshots(PoolRow row, ActivePool pool, VolumeRow volume, List<String> adoptedSnapshots) {
        VolumeRef ref = new VolumeRef(volume.name(), volume.format());
        List<StoredSnapshot> stored;
        try {
            stored = pool.storedSnapshots(ref);
        } catch (CairnException unreadable) {
            return;
        }
        Set<String> known = snapshots.findByVolumeIdOrderByCreatedAtAscIdAsc(volume.id()).stream()
                .map(SnapshotRow::engineRef).collect(Collectors.toCollection(java.util.HashSet::new));
        int adoptedBefore = adoptedSnapshots.size();
        boolean imported = known.isEmpty() && known.addAll(importSaved(row, volume, stored));
        List<SnapshotIntentRow> unfinished = intents.findByVolumeId(volume.id());
        boolean finished = true;
        for (StoredSnapshot snapshot : stored) {
            if (known.contains(snapshot.engineRef())) {
                continue;
            }
            if (unfinished.stream().anyMatch(intent -> intent.covers(snapshot.name(), snapshot.engineRef()))) {
                LOG.warn("dropping snapshot '{}' of volume '{}' in pool '{}': a create or delete of it was cut short",
                        snapshot.name(), volume.name(), row.name());
                try {
                    pool.snapshots(ref).deleteSnapshot(ref, snapshot.engineRef());
                } catch (CairnException e) {
                    // The intent stays, so the next refresh or start tries again; the pool still starts.
                    LOG.warn("could not drop snapshot '{}' of volume '{}': {}", snapshot.name(), volume.name(),
                            e.getMessage());
                    finished = false;
                }
            } else {
                String name = adoptedName(row, volume, snapshot);
                snapshots.save(new SnapshotRow(null, row.id(), volume.id(), name, UUID.randomUUID(), null,
                        "adopted from storage", snapshot.engineRef(),
                        snapshot.createdAt() == null ? Instant.now() : snapshot.createdAt(), true));
                adoptedSnapshots.add(volume.name() + "/" + name);
            }
        }
        if (!unfinished.isEmpty() && finished) {
            intents.deleteAllOfVolume(volume.id());
        }
        if (imported || adoptedSnapshots.size() > adoptedBefore) {
            namespace.save(row, volume.id());
        }
    }

    /**
     * Brings back a volume's tree from the pool's own copy ({@link PoolNamespace}) when the catalog knows none
     * of its snapshots (a lost catalog, a pool defined again at its path): every saved snapshot storage still
     * holds, with its identity, parent, description and creation time, and the current pointer. Snapshots
     * storage no longer holds are skipped (their children get the nearest kept ancestor). Returns the engine
     * references brought back.
     */
    private Set<String> importSaved(PoolRow row, VolumeRow volume, List<StoredSnapshot> stored) {
        Optional<PoolNamespace.SavedVolume> saved = namespace.read(row, volume.name());
        Set<String> imported = new java.util.HashSet<>();
        if (saved.isEmpty()) {
            return imported;
        }
        Set<String> held = stored.stream().map(StoredSnapshot::engineRef).collect(Collectors.toSet());
        Map<String, PoolNamespace.SavedSnapshot> byName = new java.util.HashMap<>();
        saved.get().snapshots().forEach(snapshot -> byName.put(snapshot.name(), snapshot));
        Map<String, Long> ids = new java.util.HashMap<>();
        transaction.executeWithoutResult(status -> {
            for (PoolNamespace.SavedSnapshot snapshot : saved.get().snapshots()) {
                boolean free = volumes.findByPoolIdAndName(row.id(), snapshot.name()).isEmpty()
                        && snapshots.findByPoolIdAndName(row.id(), snapshot.name()).isEmpty();
                if (!held.contains(snapshot.engineRef()) || !free) {
                    continue;
                }
                String parent = snapshot.parent();
                while (parent != null && !ids.containsKey(parent)) {
                    PoolNamespace.SavedSnapshot missing = byName.get(parent);
                    parent = missing == null ? null : missing.parent();
                }
                SnapshotRow made = snapshots.save(new SnapshotRow(null, row.id(), volume.id(), snapshot.name(),
                        snapshot.uuid(), parent == null ? null : ids.get(parent), snapshot.description(),
                        snapshot.engineRef(), snapshot.createdAt(), false));
                ids.put(snapshot.name(), made.id());
                imported.add(snapshot.engineRef());
            }
            Long current = saved.get().current() == null ? null : ids.get(saved.get().current());
            if (current != null) {
                volumes.save(volumes.findById(volume.id()).orElseThrow().withCurrentSnapshotId(current));
            }
        });
        if (!imported.isEmpty()) {
            LOG.info("pool '{}': brought back {} snapshot(s) of volume '{}' from the pool's own copy of its tree",
                    row.name(), imported.size(), volume.name());
        }
        return imported;
    }

    private String adoptedName(PoolRow row, VolumeRow volume, StoredSnapshot snapshot) {
        String wanted = snapshot.name();
        if (!ResourceName.isValid(wanted) || wanted.equals("current") || nameTaken(row, wanted)) {
            wanted = volume.name() + "-snap" + snapshot.engineRef().replaceAll("[^A-Za-z0-9._-]", "_");
        }
        String name = wanted;
        for (int n = 2; nameTaken(row, name); n++) {
            name = wanted + "-" + n;
        }
        return name;
    }

    private boolean nameTaken(PoolRow row, String name) {
        return volumes.findByPoolIdAndName(row.id(), name).isPresent()
                || snapshots.findByPoolIdAndName(row.id(), name).isPresent();
    }

    private PoolInfo info(PoolRow row) {
        int count = volumes.countByPoolId(row.id());
        return active.find(row.name()).map(pool -> {
            try {
                PoolUsage usage = pool.usage();
                return new PoolInfo(row.name(), row.uuid(), row.type(), PoolInfo.RUNNING, row.path(),
                        usage.capacityBytes(), usage.allocationBytes(), usage.availableBytes(), count);
            } catch (CairnException storageGone) {
                // One pool whose storage vanished must not hide the others: it shows as inaccessible.
                return new PoolInfo(row.name(), row.uuid(), row.type(), PoolInfo.INACCESSIBLE, row.path(), 0, 0, 0,
                        count);
            }
        }).orElseGet(() -> new PoolInfo(row.name(), row.uuid(), row.type(),
                row.autostart() ? PoolInfo.INACCESSIBLE : PoolInfo.INACTIVE, row.path(), 0, 0, 0, count));
    }

    static PoolDefinition definition(PoolRow row) {
        return new PoolDefinition(row.name(), row.uuid(), row.type(), Path.of(row.path()));
    }

    private static Path absolutePath(String text) {
        try {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw CairnException.invalidArgument("pool path '" + text + "' must be absolute");
            }
            return path.normalize();
        } catch (InvalidPathException e) {
            throw CairnException.invalidArgument("pool path is not a valid path: " + e.getReason());
        }
    }

    /** Two pools sharing a directory, or one inside another, would adopt each other's files. */
    private void refuseOverlap(String name, Path path) {
        for (PoolRow other : pools.findAll()) {
            Path otherPath = Path.of(other.path());
            if (path.startsWith(otherPath) || otherPath.startsWith(path)) {
                throw new CairnException(ErrorCode.OPERATION_INVALID, "pool path " + path + " overlaps pool '"
                        + other.name() + "' at " + otherPath, Map.of("pool", name), null);
            }
        }
    }

    /** Removes a volume and its snapshots from the catalog, in one transaction; storage is not touched. */
    private void forget(VolumeRow volume) {
        transaction.executeWithoutResult(status -> {
            volumes.clearCurrentSnapshot(volume.id());
            snapshots.forgetAllOfVolume(volume.id());
            volumes.deleteById(volume.id());
        });
    }
}
