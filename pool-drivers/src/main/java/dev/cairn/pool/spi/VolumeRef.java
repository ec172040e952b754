package dev.cairn.pool.spi;

import dev.cairn.api.ResourceName;
import java.util.Objects;

/**
 * Names a volume of a pool for the driver, with the format the catalog recorded for it.
 *
 * @param name volume name, a {@link ResourceName}
 * @param format storage format ({@code raw}, {@code qcow2})
 */
public record VolumeRef(String name, String format) {
    public VolumeRef {
        ResourceName.require("volume", name);
        Objects.requireNonNull(format, "format");
    }
}
