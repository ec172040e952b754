package dev.cairn.web.snapshot;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.SnapshotCreateRequest;
import dev.cairn.api.SnapshotInfo;
import dev.cairn.api.VolumeInfo;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.web.StorageLocks;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotIntentRepository;
import dev.cairn.web.catalog.SnapshotIntentRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import dev.cairn.web.pool.PoolService;
import dev.cairn.web.volume.VolumeService;
import dev.cairn.web.volume.VolumeService.VolumeHandle;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The snapshot tree of each volume: create (parent = the current snapshot, the new one becomes current),
 * revert, delete with its children mode, and the listings. Every change runs alone on its volume (the
 * volume's exclusive lock). Order against crashes: a new snapshot's content is taken before the catalog
 * records it; a deleted snapshot leaves the catalog before its content is dropped. Either way a crash
 * leaves at worst unreferenced content, never a listed snapshot without content; and since both record a
 * {@link SnapshotIntentRow} first, the next start drops that content instead of adopting it as a snapshot
 * made outside Cairn, so an unacknowledged create or delete has either happened or not.
 */
@Service
public class SnapshotService {
    /** Reserved: {@code …/snapshots/current} is the current snapshot, whatever its name. */
    static final String CURRENT = "current";
    private static final DateTimeFormatter GENERATED_NAME =
            DateTimeFormatter.ofPattern("'snap-'yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PoolService pools;
    private final VolumeService volumes;
    private final VolumeRepository volumeRows;
    private final SnapshotRepository snapshots;
    private final SnapshotIntentRepository intents;
    private final StorageLocks locks;
    private final TransactionTemplate transaction;
    private final dev.cairn.web.pool.PoolNamespace namespace;

    SnapshotService(PoolService pools, VolumeService volumes, VolumeRepository volumeRows, SnapshotRepository snapshots,
                    SnapshotIntentRepository intents, StorageLocks locks, TransactionTemplate transaction,
                    dev.cairn.web.pool.PoolNamespace namespace) {
        this.namespace = namespace;
        this.pools = pools;
        this.intents = intents;
        this.volumes = volumes;
        this.volumeRows = volumeRows;
        this.snapshots = snapshots;
        this.locks = locks;
        this.transaction = transaction;
    }

    /**
     * A volume's snapshots, oldest first, filtered, one page of them. Without a descendants filter the page
     * comes from the catalog as a page (its rows, their parents and children), so it costs the same in a tree
     * of ten or of a hundred thousand; the descendants filter walks the volume's whole tree.
     */
    public List<SnapshotInfo> list(String pool, String volume, SnapshotFilter filter) {
        VolumeHandle handle = volumes.resolve(pool, volume);
        if (filter.descendantsOf() == null) {
            return page(handle.pool(), handle.row(), snapshots.findPage(handle.row().id(), filter.roots(),
                    filter.leaves(), filter.offset(), filter.limit()));
        }
        SnapshotTree tree = treeOf(handle.row());
        Predicate<SnapshotRow> wanted = row -> (!filter.roots() || tree.isRoot(row))
                && (!filter.leaves() || tree.isLeaf(row));
        if (filter.descendantsOf() != null) {
            SnapshotRow ancestor = require(tree, handle, filter.descendantsOf());
            wanted = wanted.and(row -> tree.isDescendant(row, ancestor));
        }
        return tree.all().stream().filter(wanted).skip(filter.offset()).limit(filter.limit())
                .map(row -> info(handle, tree, row)).toList();
    }

    /** One snapshot of a volume; {@code NO_SNAPSHOT} when the volume has none of that name. */
    public SnapshotInfo get(String pool, String volume, String snapshot) {
        VolumeHandle handle = volumes.resolve(pool, volume);
        return single(handle.pool(), handle.row(), volumes.snapshotOf(handle, snapshot));
    }

    /** The volume's current snapshot; {@code NO_SNAPSHOT} when there is none. */
    public SnapshotInfo current(String pool, String volume) {
        VolumeHandle handle = volumes.resolve(pool, volume);
        Long currentId = handle.row().currentSnapshotId();
        SnapshotRow current = (currentId == null ? Optional.<SnapshotRow>empty() : snapshots.findById(currentId))
                .orElseThrow(() -> new CairnException(ErrorCode.NO_SNAPSHOT, "volume '" + volume
                        + "' has no current snapshot", Map.of("pool", pool, "volume", volume), null));
        return single(handle.pool(), handle.row(), current);
    }

    /** Takes a snapshot of the volume's content now; it becomes current, its parent the former current. */
    public SnapshotInfo create(String pool, String volume, SnapshotCreateRequest request) {
        return locks.changing(pool, volume, () -> {
            VolumeHandle handle = volumes.resolve(pool, volume);
            String name = request.name() != null ? request.name() : generatedName(handle.pool());
            if (name.equals(CURRENT)) {
                throw CairnException.invalidArgument("'current' names the current snapshot in the API; choose "
                        + "another snapshot name");
            }
            volumes.requireFreeName(handle.pool(), name);
            SnapshotEngine engine = handle.storage().snapshots(handle.ref());
            // Recorded before storage makes the snapshot, and dropped with the transaction that lists it: a
            // crash in between leaves the intent, so the next start drops the snapshot instead of adopting it.
            SnapshotIntentRow intent = intents.save(new SnapshotIntentRow(null, handle.row().id(), name, null));
            String engineRef;
            try {
                engineRef = engine.createSnapshot(handle.ref(), name, request.kind());
            } catch (RuntimeException e) {
                intents.delete(intent);
                throw e;
            }
            // A raw volume's first external snapshot leaves it a qcow2 overlay: the catalog follows storage.
            String format = handle.storage().describe(handle.ref()).format();
            SnapshotRow created;
            try {
                created = transaction.execute(status -> {
                    SnapshotRow row = snapshots.save(new SnapshotRow(null, handle.pool().id(), handle.row().id(), name,
                            UUID.randomUUID(), handle.row().currentSnapshotId(), request.description(), engineRef,
                            Instant.now(), false));
                    volumeRows.save(handle.row().withCurrentSnapshotId(row.id()).withFormat(format));
                    intents.delete(intent);
                    return row;
                });
            } catch (RuntimeException e) {
                engine.deleteSnapshot(handle.ref(), engineRef);
                intents.delete(intent);
                if (e instanceof DuplicateKeyException) {
                    throw new CairnException(ErrorCode.NAME_TAKEN, "pool '" + pool + "' already has a snapshot named '"
                            + name + "'", Map.of("pool", pool, "name", name), e);
                }
                throw e;
            }
            namespace.record(handle.pool(), handle.row().id(), List.of(), List.of(created));
            return get(pool, volume, name);
        });
    }

    /** Gives the volume the snapshot's content and makes the snapshot current. */
    public SnapshotInfo revert(String pool, String volume, String snapshot) {
        return locks.changing(pool, volume, () -> {
            VolumeHandle handle = volumes.resolve(pool, volume);
            SnapshotRow target = volumes.snapshotOf(handle, snapshot);
            handle.storage().snapshots(handle.ref()).revert(handle.ref(), target.engineRef());
            volumeRows.save(handle.row().withCurrentSnapshotId(target.id()));
            namespace.record(handle.pool(), handle.row().id(), List.of(), List.of());
            return get(pool, volume, snapshot);
        });
    }

    /**
     * Merges a snapshot into its volume: the volume takes its content, then it is deleted with its children
     * rebased, so its parent becomes current. Both engines make this a metadata change (a qcow2 snapshot's
     * tables applied, a chunk device shared), never a copy. A crash between the two steps leaves the volume
     * reverted to the snapshot, which is still there and current: a state the user can merge again.
     */
    public VolumeInfo merge(String pool, String volume, String snapshot) {
        locks.changing(pool, volume, () -> {
            revert(pool, volume, snapshot);
            delete(pool, volume, snapshot, ChildrenMode.REBASE, false);
            return null;
        });
        return volumes.get(pool, volume);
    }

    /**
     * Deletes a snapshot. {@code REBASE} gives its children its parent; {@code DELETE} removes it with
     * everything below it; {@code ONLY} removes everything below it and keeps it. When the current
     * snapshot goes, its nearest kept ancestor becomes current. With {@code metadataOnly} storage is left
     * as it is: the snapshots are only forgotten.
     */
    public void delete(String pool, String volume, String snapshot, ChildrenMode mode, boolean metadataOnly) {
        locks.changing(pool, volume, () -> {
            VolumeHandle handle = volumes.resolve(pool, volume);
            // Read by parent links, not as a whole tree: a delete costs what it touches, not the tree's size.
            SnapshotRow target = volumes.snapshotOf(handle, snapshot);
            List<SnapshotRow> children = childrenOf(target);
            List<SnapshotRow> removed = mode == ChildrenMode.REBASE ? new ArrayList<>()
                    : descendantsDeepestFirst(children);
            if (mode != ChildrenMode.ONLY) {
                removed.add(target);
            }
            Long heir = mode == ChildrenMode.ONLY ? target.id() : target.parentId();
            boolean currentGoes = removed.stream().anyMatch(row -> row.id().equals(handle.row().currentSnapshotId()));
            // With the snapshots forgotten, in the same transaction: storage's copies are to be dropped, so a
            // crash before storage has deleted them does not bring them back as adopted snapshots.
            List<SnapshotIntentRow> dropping = metadataOnly ? List.of() : removed.stream()
                    .map(row -> new SnapshotIntentRow(null, handle.row().id(), row.name(), row.engineRef())).toList();
            List<SnapshotRow> rebased = mode != ChildrenMode.REBASE ? List.of()
                    : children.stream().map(child -> child.withParentId(target.parentId())).toList();
            List<SnapshotIntentRow> recorded = transaction.execute(status -> {
                if (currentGoes) {
                    volumeRows.save(handle.row().withCurrentSnapshotId(heir));
                }
                rebased.forEach(snapshots::save);
                removed.forEach(snapshots::delete);
                return intents.saveAll(dropping);
            });
            namespace.record(handle.pool(), handle.row().id(), removed, rebased);
            if (!metadataOnly) {
                SnapshotEngine engine = handle.storage().snapshots(handle.ref());
                removed.forEach(row -> engine.deleteSnapshot(handle.ref(), row.engineRef()));
                intents.deleteAll(recorded);
            }
            return null;
        });
    }

    /** Every snapshot of the pool, by name. */
    public List<SnapshotInfo> listPool(String pool) {
        PoolRow poolRow = pools.lookup(pool);
        List<SnapshotInfo> all = new ArrayList<>();
        for (VolumeRow volume : volumeRows.findByPoolIdOrderByNameAsc(poolRow.id())) {
            SnapshotTree tree = treeOf(volume);
            tree.all().forEach(row -> all.add(info(poolRow, volume, tree, row)));
        }
        all.sort(java.util.Comparator.comparing(SnapshotInfo::name));
        return all;
    }

    /** One snapshot by its pool-unique name; {@code NO_SNAPSHOT} when the pool has none of that name. */
    public SnapshotInfo getInPool(String pool, String snapshot) {
        PoolRow poolRow = pools.lookup(pool);
        dev.cairn.api.ResourceName.require("snapshot", snapshot);
        SnapshotRow row = snapshots.findByPoolIdAndName(poolRow.id(), snapshot).orElseThrow(() -> new CairnException(
                ErrorCode.NO_SNAPSHOT, "pool '" + pool + "' has no snapshot named '" + snapshot + "'",
                Map.of("pool", pool, "snapshot", snapshot), null));
        VolumeRow volume = volumeRows.findById(row.volumeId()).orElseThrow();
        return single(poolRow, volume, row);
    }

    /** The snapshots whose parent is {@code row}, in its volume's tree. */
    private List<SnapshotRow> childrenOf(SnapshotRow row) {
        return snapshots.findByParentIdOrderByCreatedAtAscIdAsc(row.id()).stream()
                .filter(child -> child.volumeId() == row.volumeId()).toList();
    }

    /** {@code children} and everything below them, each snapshot before its parent. */
    private List<SnapshotRow> descendantsDeepestFirst(List<SnapshotRow> children) {
        List<SnapshotRow> found = new ArrayList<>();
        Deque<SnapshotRow> pending = new ArrayDeque<>(children);
        while (!pending.isEmpty()) {
            SnapshotRow next = pending.pop();
            found.add(next);
            pending.addAll(childrenOf(next));
        }
        Collections.reverse(found);
        return found;
    }

    private SnapshotTree treeOf(VolumeRow volume) {
        return new SnapshotTree(snapshots.findByVolumeIdOrderByCreatedAtAscIdAsc(volume.id()));
    }

    /** The snapshot {@code name} of the volume, as the tree holds it; {@code NO_SNAPSHOT} when it has none. */
    private SnapshotRow require(SnapshotTree tree, VolumeHandle handle, String name) {
        long id = volumes.snapshotOf(handle, name).id();
        return tree.all().stream().filter(row -> row.id() == id).findFirst().orElseThrow();
    }

    private String generatedName(PoolRow pool) {
        String base = GENERATED_NAME.format(Instant.now());
        String name = base;
        for (int n = 2; snapshots.findByPoolIdAndName(pool.id(), name).isPresent(); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    /**
     * One snapshot's description from its parent and its own children only, so that describing a snapshot
     * (as create and revert do) costs the same in a tree of ten or of ten thousand.
     */
    private SnapshotInfo single(PoolRow pool, VolumeRow volume, SnapshotRow row) {
        return page(pool, volume, List.of(row)).get(0);
    }

    /** Descriptions of {@code rows} with two more queries: their parents' names and their children. */
    private List<SnapshotInfo> page(PoolRow pool, VolumeRow volume, List<SnapshotRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, String> parentNames = new HashMap<>();
        snapshots.findAllById(rows.stream().map(SnapshotRow::parentId).filter(Objects::nonNull).distinct().toList())
                .forEach(parent -> parentNames.put(parent.id(), parent.name()));
        Map<Long, List<String>> children = new HashMap<>();
        snapshots.findByParentIdIn(rows.stream().map(SnapshotRow::id).toList())
                .forEach(child -> children.computeIfAbsent(child.parentId(), id -> new ArrayList<>()).add(child.name()));
        return rows.stream().map(row -> describe(pool, volume, row,
                row.parentId() == null ? null : parentNames.get(row.parentId()),
                children.getOrDefault(row.id(), List.of()))).toList();
    }

    private static SnapshotInfo describe(PoolRow pool, VolumeRow volume, SnapshotRow row, String parent,
                                         List<String> children) {
        return new SnapshotInfo(row.name(), row.uuid(), pool.name(), volume.name(), parent, children,
                row.id().equals(volume.currentSnapshotId()), row.createdAt(), row.description(), row.adopted());
    }

    private static SnapshotInfo info(VolumeHandle handle, SnapshotTree tree, SnapshotRow row) {
        return info(handle.pool(), handle.row(), tree, row);
    }

    private static SnapshotInfo info(PoolRow pool, VolumeRow volume, SnapshotTree tree, SnapshotRow row) {
        return describe(pool, volume, row, tree.parent(row).map(SnapshotRow::name).orElse(null),
                tree.children(row).stream().map(SnapshotRow::name).toList());
    }
}
