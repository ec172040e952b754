package dev.cairn.pool.dir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.VolumeFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Pools of type {@code dir}: a directory whose regular files are the volumes, one file per volume,
 * named as the volume, plus the pool's own metadata in {@code .cairn/}.
 */
public final class DirPoolDriver implements PoolDriver {
    /** The pool's own metadata directory; hidden, so never mistaken for a volume. */
    public static final String METADATA_DIR = ".cairn";

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
    public void build(PoolDefinition definition) {
        Path dir = definition.path();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw invalid(definition, "pool path " + dir + " exists and is not a directory");
        }
        Deque<Path> created = new ArrayDeque<>();
        try {
            createMissing(dir, created);
            createMissing(dir.resolve(METADATA_DIR), created);
            // Proves the directory is writable by writing, which also holds for root, for whom
            // access(2) says yes to read-only file systems.
            Path probe = Files.createTempFile(dir.resolve(METADATA_DIR), "probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            removeCreated(created);
            throw invalid(definition, "pool path " + dir + " is not a writable directory: " + reason(e));
        }
    }

    @Override
    public ActivePool start(PoolDefinition definition) {
        if (!Files.isDirectory(definition.path())) {
            throw new CairnException(ErrorCode.OPERATION_INVALID,
                    "pool directory " + definition.path() + " does not exist", Map.of("pool", definition.name()), null);
        }
        return new DirPool(definition, formats);
    }

    private static void createMissing(Path dir, Deque<Path> created) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            Files.createDirectory(p);
            created.push(p);
        }
    }

    private static void removeCreated(Deque<Path> created) {
        while (!created.isEmpty()) {
            try {
                Files.deleteIfExists(created.pop());
            } catch (IOException ignored) {
                // Best effort: the directory was empty when made; a failure here leaves an empty directory.
            }
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    private static CairnException invalid(PoolDefinition definition, String message) {
        return new CairnException(ErrorCode.INVALID_ARGUMENT, message, Map.of("pool", definition.name()), null);
    }
}
