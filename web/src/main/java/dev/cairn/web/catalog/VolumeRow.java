package dev.cairn.web.catalog;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A volume in the catalog; its bytes, capacity and allocation live on storage. */
@Table("volume")
public record VolumeRow(@Id Long id, long poolId, String name, UUID volumeKey, String format, Instant createdAt,
                        Long currentSnapshotId) {
    public VolumeRow withFormat(String newFormat) {
        return new VolumeRow(id, poolId, name, volumeKey, newFormat, createdAt, currentSnapshotId);
    }

    public VolumeRow withCurrentSnapshotId(Long snapshotId) {
        return new VolumeRow(id, poolId, name, volumeKey, format, createdAt, snapshotId);
    }
}
