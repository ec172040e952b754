package dev.cairn.web.catalog;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A snapshot create or delete under way on a volume: storage and catalog may disagree about the snapshot
 * until it is gone. {@code engineRef} is null for a create, whose reference storage has not given yet.
 */
@Table("snapshot_intent")
public record SnapshotIntentRow(@Id Long id, long volumeId, String name, String engineRef) {
    /** Whether {@code name} / {@code ref}, a snapshot storage holds, is the one this intent is about. */
    public boolean covers(String storedName, String storedRef) {
        return engineRef == null ? name.equals(storedName) : engineRef.equals(storedRef);
    }
}
