package dev.cairn.web.catalog;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A snapshot in the catalog: its place in its volume's tree and the engine's reference of its content. */
@Table("snapshot")
public record SnapshotRow(@Id Long id, long poolId, long volumeId, String name, UUID uuid, Long parentId,
                          String description, String engineRef, Instant createdAt, boolean adopted) {
    public SnapshotRow withParentId(Long parent) {
        return new SnapshotRow(id, poolId, volumeId, name, uuid, parent, description, engineRef, createdAt, adopted);
    }
}
