package dev.cairn.web.catalog;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A pool in the catalog. */
@Table("pool")
public record PoolRow(@Id Long id, String name, UUID uuid, String type, String path, boolean autostart,
                      Instant createdAt) {
    public PoolRow withAutostart(boolean value) {
        return new PoolRow(id, name, uuid, type, path, value, createdAt);
    }
}
