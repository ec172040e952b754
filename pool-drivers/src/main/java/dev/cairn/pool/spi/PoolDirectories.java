package dev.cairn.pool.spi;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The directory every file-backed pool lives in: made when missing (with its parents), proven writable,
 * and given the pool's own hidden metadata directory {@code .cairn/}.
 */
public final class PoolDirectories {
    /** The pool's own metadata directory; hidden, so never mistaken for a volume. */
    public static final String METADATA_DIR = ".cairn";

    private PoolDirectories() {
    }

    /**
     * Makes {@code definition}'s directory ready for a pool; on failure removes what it made.
     *
     * @return the directories this call created, newest first, for {@link #undo(Deque)} if a later build
     *         step fails
     * @throws CairnException {@code INVALID_ARGUMENT} when the path is a file or not writable
     */
    public static Deque<Path> prepare(PoolDefinition definition) {
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
            undo(created);
            throw invalid(definition, "pool path " + dir + " is not a writable directory: " + reason(e));
        }
        return created;
    }

    /** Removes the (empty) directories {@link #prepare} created. */
    public static void undo(Deque<Path> created) {
        while (!created.isEmpty()) {
            try {
                Files.deleteIfExists(created.pop());
            } catch (IOException ignored) {
                // Best effort: the directory was empty when made; a failure here leaves an empty directory.
            }
        }
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

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    private static CairnException invalid(PoolDefinition definition, String message) {
        return new CairnException(ErrorCode.INVALID_ARGUMENT, message, Map.of("pool", definition.name()), null);
    }
}
