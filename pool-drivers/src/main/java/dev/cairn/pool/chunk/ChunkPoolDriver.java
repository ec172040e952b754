package dev.cairn.pool.chunk;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.VolumeFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;

/**
 * Pools of type {@code chunk}: one {@link ChunkStore} per pool directory, shared by all its volumes.
 *
 * <p>Built with a capacity (default: the space free on the file system then; the data file is sparse,
 * so only written chunks take room) and a chunk size (default 64 KiB, a power of two from 4 KiB to
 * 1 MiB). Building over an existing store keeps it and its volumes; the options are then ignored.
 *
 * <p>Started pools open their store with the production settings of {@link ChunkStoreOptions#withCapacity}
 * (commits forced, auto-commit every second) and a metadata cache (tree nodes and refcount pages) of
 * {@value #CACHE_BYTES_PROPERTY} bytes, a system property read at each start; default 64 MiB. The cache
 * only bounds memory: any size works, a smaller one reads metadata blocks from the file more often. A value
 * that is not a non-negative number fails the start with {@code INVALID_ARGUMENT}.
 */
public final class ChunkPoolDriver implements PoolDriver {
    /** The chunk size when the client gives none. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** The system property bounding each started store's metadata cache, in bytes. */
    public static final String CACHE_BYTES_PROPERTY = "cairn.chunk.cache-bytes";

    private final VolumeFormats formats;

    /** The driver with the formats registered on the class path (what {@link java.util.ServiceLoader} makes). */
    public ChunkPoolDriver() {
        this(VolumeFormats.installed());
    }

    /** @param formats the format names a client may ask for; a chunk volume holds raw bytes whatever it asks */
    public ChunkPoolDriver(VolumeFormats formats) {
        this.formats = formats;
    }

    @Override
    public String type() {
        return "chunk";
    }

    @Override
    public void build(PoolDefinition definition, BuildOptions options) {
        Deque<Path> created = PoolDirectories.prepare(definition);
        Path dir = definition.path();
        if (Files.exists(dir.resolve(ChunkStore.METADATA_FILE))) {
            return;
        }
        int chunkSize = options.chunkSizeBytes() == 0 ? DEFAULT_CHUNK_SIZE : options.chunkSizeBytes();
        try {
            long capacity = options.capacityBytes() == 0 ? Files.getFileStore(dir).getUsableSpace()
                    : options.capacityBytes();
            if (capacity < chunkSize) {
                throw new IllegalArgumentException("capacity " + capacity + " is smaller than one chunk of "
                        + chunkSize + " bytes");
            }
            ChunkStore.create(dir, chunkSize, ChunkStoreOptions.withCapacity(capacity)).close();
        } catch (IllegalArgumentException e) {
            undo(dir, created);
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "cannot build chunk pool '" + definition.name()
                    + "': " + e.getMessage(), Map.of("pool", definition.name()), e);
        } catch (ChunkStoreException e) {
            undo(dir, created);
            throw ChunkFailures.translate("build chunk pool '" + definition.name() + "'", e);
        } catch (IOException e) {
            undo(dir, created);
            throw StorageFailures.translate("build chunk pool '" + definition.name() + "'", e);
        }
    }

    @Override
    public ActivePool start(PoolDefinition definition) {
        Path dir = definition.path();
        if (!Files.exists(dir.resolve(ChunkStore.METADATA_FILE))) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "no chunk store in " + dir,
                    Map.of("pool", definition.name()), null);
        }
        ChunkStoreOptions storeOptions = storeOptions(definition);
        try {
            ChunkStore store = ChunkStore.open(dir, storeOptions);
            ChunkPool pool = new ChunkPool(definition, formats, store,
                    ChunkVolumeTable.load(dir.resolve(PoolDirectories.METADATA_DIR)));
            pool.freeUnnamedDevices();
            return pool;
        } catch (ChunkStoreException e) {
            throw ChunkFailures.translate("start chunk pool '" + definition.name() + "'", e);
        }
    }

    /** What a started pool opens its store with: production settings, the cache sized by {@value #CACHE_BYTES_PROPERTY}. */
    static ChunkStoreOptions storeOptions(PoolDefinition definition) {
        String configured = System.getProperty(CACHE_BYTES_PROPERTY);
        long cacheBytes = ChunkStoreOptions.DEFAULT_NODE_CACHE_BYTES;
        if (configured != null) {
            try {
                cacheBytes = Long.parseLong(configured.trim());
            } catch (NumberFormatException e) {
                cacheBytes = -1;
            }
            if (cacheBytes < 0) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "cannot start chunk pool '" + definition.name()
                        + "': " + CACHE_BYTES_PROPERTY + " is '" + configured + "', not a non-negative number of bytes",
                        Map.of("pool", definition.name()), null);
            }
        }
        return ChunkStoreOptions.withCapacity(0).withNodeCacheBytes(cacheBytes);
    }

    private static void undo(Path dir, Deque<Path> created) {
        try {
            ChunkStore.deleteFiles(dir);
        } catch (IOException ignored) {
            // Best effort: a half-built store has no valid superblock and is rebuilt over next time.
        }
        PoolDirectories.undo(created);
    }
}
