package dev.cairn.pool.dir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.VolumeFormats;
import java.nio.file.Files;
import java.util.Map;

/**
 * Pools of type {@code dir}: a directory whose regular files are the volumes, one file per volume,
 * named as the volume, plus the pool's own metadata in {@code .cairn/}.
 */
public final class DirPoolDriver implements PoolDriver {
    /** The pool's own metadata directory; hidden, so never mistaken for a volume. */
    public static final String METADATA_DIR = PoolDirectories.METADATA_DIR;

    private final VolumeFormats formats;

    /** The driver with the formats registered on the class path (what {@link java.util.ServiceLoader} makes). */
    public DirPoolDriver() {
        this(VolumeFormats.installed());
    }

    public DirPoolDriver(VolumeFormats formats) {
        this.formats = formats;
    }

    @Override
    public String type() {
        return "dir";
    }

    @Override
    public void build(PoolDefinition definition, BuildOptions options) {
        if (!options.isDefault()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "dir pools take no capacity or chunk size: "
                    + "their volumes are files that use the file system's space", Map.of("pool", definition.name()), null);
        }
        PoolDirectories.prepare(definition);
    }

    @Override
    public ActivePool start(PoolDefinition definition) {
        if (!Files.isDirectory(definition.path())) {
            throw new CairnException(ErrorCode.OPERATION_INVALID,
                    "pool directory " + definition.path() + " does not exist", Map.of("pool", definition.name()), null);
        }
        return new DirPool(definition, formats);
    }

}
