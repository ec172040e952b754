package dev.cairn.pool.spi;

import dev.cairn.api.ResourceName;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * What defines a pool: its name, identity, driver type and storage location.
 *
 * @param name pool name, a {@link ResourceName}
 * @param uuid stable identity
 * @param type driver type ({@link PoolDriver#type()})
 * @param path absolute, normalized directory of the pool's storage
 */
public record PoolDefinition(String name, UUID uuid, String type, Path path) {
    public PoolDefinition {
        ResourceName.require("pool", name);
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(type, "type");
        if (!path.isAbsolute() || !path.equals(path.normalize())) {
            throw new IllegalArgumentException("pool path must be absolute and normalized: " + path);
        }
    }
}
