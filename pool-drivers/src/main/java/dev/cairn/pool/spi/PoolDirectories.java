package dev.cairn.pool.spi;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Stream;

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

    /**
     * The end of a purge: removes the pool's metadata directory, then the pool directory itself when
     * nothing else is left in it and it can be removed (not a mount point); files the pool does not own
     * are never deleted.
     */
    public static void removeMetadataAndEmptyDirectory(PoolDefinition definition) {
        Path dir = definition.path();
        try {
            Path metadata = dir.resolve(METADATA_DIR);
            if (Files.isDirectory(metadata, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> tree = Files.walk(metadata)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw StorageFailures.translate("purge pool '" + definition.name() + "'", e);
        }
        try (Stream<Path> left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // The pool's own files are gone; the directory may be a mount point or in use, and staying
            // empty behind is harmless, so the purge still succeeds.
        }
    }

    /**
     * Refuses to shrink a volume unless the caller allowed it: shrinking drops the data past the new end.
     *
     * @throws CairnException {@code OPERATION_INVALID} for a shrink without {@code allowShrink}
     */
    public static void checkShrink(PoolDefinition definition, String volume, long currentBytes, long requestedBytes,
                                   boolean allowShrink) {
        if (requestedBytes < currentBytes && !allowShrink) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "shrinking volume '" + volume + "' from "
                    + currentBytes + " to " + requestedBytes + " bytes would drop data; pass allowShrink=true to do it",
                    Map.of("pool", definition.name(), "volume", volume), null);
        }
    }

    /**
     * Replaces {@code file} with {@code content} so that a crash leaves either the old file or the new one:
     * written to a temporary sibling, forced, renamed over {@code file}, then the directory forced.
     */
    public static void replaceAtomically(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        writeAndForce(temp, content, true, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
    }

    /**
     * Appends {@code content} to {@code file} and forces it (fdatasync covers the new length), creating the
     * file when needed, and then forcing its directory too: the bytes are there after a crash once this
     * returns. For append-only logs; a crash during the call may leave a cut-short end for the reader to skip.
     */
    public static void appendDurably(Path file, byte[] content) throws IOException {
        boolean created = !java.nio.file.Files.exists(file);
        writeAndForce(file, content, false, java.nio.file.StandardOpenOption.APPEND);
        if (created) {
            forceDirectory(file.getParent());
        }
    }

    /** Opens {@code file} (created when missing) with {@code mode}, writes {@code content}, forces it. */
    private static void writeAndForce(Path file, byte[] content, boolean metadata, java.nio.file.OpenOption mode)
            throws IOException {
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE, mode)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(metadata);
        }
    }

    /**
     * Makes the directory entries of {@code dir} durable (a created, renamed or linked file), so that a
     * crash after this returns keeps them.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel directory = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            directory.force(true);
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
