package dev.cairn.web.snapshot;

import dev.cairn.web.catalog.SnapshotRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One volume's snapshots as a tree, read from the catalog rows; immutable. Children come oldest first. */
final class SnapshotTree {
    private final Map<String, SnapshotRow> byName = new LinkedHashMap<>();
    private final Map<Long, SnapshotRow> byId = new HashMap<>();
    private final Map<Long, List<SnapshotRow>> childrenById = new HashMap<>();

    SnapshotTree(List<SnapshotRow> rows) {
        List<SnapshotRow> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing(SnapshotRow::createdAt).thenComparing(SnapshotRow::id));
        for (SnapshotRow row : ordered) {
            byName.put(row.name(), row);
            byId.put(row.id(), row);
        }
        for (SnapshotRow row : ordered) {
            if (row.parentId() != null) {
                childrenById.computeIfAbsent(row.parentId(), id -> new ArrayList<>()).add(row);
            }
        }
    }

    Optional<SnapshotRow> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Optional<SnapshotRow> byId(Long id) {
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    /** All snapshots, oldest first. */
    List<SnapshotRow> all() {
        return List.copyOf(byName.values());
    }

    List<SnapshotRow> children(SnapshotRow row) {
        return childrenById.getOrDefault(row.id(), List.of());
    }

    boolean isRoot(SnapshotRow row) {
        return row.parentId() == null || !byId.containsKey(row.parentId());
    }

    boolean isLeaf(SnapshotRow row) {
        return children(row).isEmpty();
    }

    Optional<SnapshotRow> parent(SnapshotRow row) {
        return byId(row.parentId());
    }

    /** Whether {@code candidate} lies below {@code ancestor}. */
    boolean isDescendant(SnapshotRow candidate, SnapshotRow ancestor) {
        for (Optional<SnapshotRow> up = parent(candidate); up.isPresent(); up = parent(up.get())) {
            if (up.get().id().equals(ancestor.id())) {
                return true;
            }
        }
        return false;
    }
}
