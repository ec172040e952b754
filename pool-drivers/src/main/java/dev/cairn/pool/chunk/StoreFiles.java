package dev.cairn.pool.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A store's two files, opened and locked, with the committed state to start from.
 *
 * @param superblock the superblock to start from
 * @param index      the refcount index it names
 * @param metadata   the metadata file, locked for this process
 * @param data       the data file
 * @param log        the intent log file ({@link ChunkLog})
 */
record StoreFiles(Superblock superblock, int[] index, FileChannel metadata, FileChannel data, FileChannel log) {

    /** New, empty files for {@code layout}; the state is generation 0, which is only in memory until the first commit. */
    static StoreFiles build(Path dir, StoreLayout layout, ChunkStoreOptions options) {
        Path metadataPath = dir.resolve(ChunkStore.METADATA_FILE);
        FileChannel metadata = null;
        try {
            Files.createDirectories(dir);
            if (Files.exists(metadataPath)) {
                throw new FileAlreadyExistsException(metadataPath.toString());
            }
            metadata = options.channelOpener().open(metadataPath);
            lockExclusively(metadata, dir);
            FileChannel data = options.channelOpener().open(dir.resolve(ChunkStore.DATA_FILE));
            FileChannel log = options.channelOpener().open(dir.resolve(ChunkLog.FILE));
            Superblock empty = new Superblock(layout, 0, 0, NodeStore.NO_NODE, 1);
            return new StoreFiles(empty, RefcountPages.emptyIndex(layout), metadata, data, log);
        } catch (IOException | RuntimeException e) {
            throw failed(metadata, e, "cannot build chunk store in " + dir);
        }
    }

    /**
     * The existing files in {@code dir}, starting from the newest superblock that passes its checksum
     * and whose refcount index passes its own.
     */
    static StoreFiles open(Path dir, ChunkStoreOptions options) {
        Path metadataPath = dir.resolve(ChunkStore.METADATA_FILE);
        if (!Files.exists(metadataPath)) {
            throw new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, "no chunk store in " + dir,
                    new NoSuchFileException(metadataPath.toString()));
        }
        FileChannel metadata = null;
        try {
            metadata = options.channelOpener().open(metadataPath);
            lockExclusively(metadata, dir);
            MetadataFile file = new MetadataFile(metadata);
            for (Superblock candidate : validSuperblocksNewestFirst(file.read(0), file.read(1))) {
                int[] index = readIndex(file, candidate);
                if (index != null) {
                    FileChannel data = options.channelOpener().open(dir.resolve(ChunkStore.DATA_FILE));
                    // Stores written before the intent log existed have no log file: it is made empty.
                    FileChannel log = options.channelOpener().open(dir.resolve(ChunkLog.FILE));
                    return new StoreFiles(candidate, index, metadata, data, log);
                }
            }
            throw ChunkStoreException.corrupt("no valid superblock with a valid refcount index in " + dir);
        } catch (IOException | RuntimeException e) {
            throw failed(metadata, e, "cannot open chunk store in " + dir);
        }
    }

    /** The superblocks that pass their checks, the higher generation first. */
    static List<Superblock> validSuperblocksNewestFirst(ByteBuffer slot0, ByteBuffer slot1) {
        List<Superblock> valid = new ArrayList<>(2);
        Superblock.decode(slot0).ifPresent(valid::add);
        Superblock.decode(slot1).ifPresent(valid::add);
        valid.sort(Comparator.comparingLong(Superblock::generation).reversed());
        return valid;
    }

    /** Makes the new files' directory entries durable (where the platform can force a directory). */
    static void forceDirectory(Path dir) {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            System.getLogger(StoreFiles.class.getName()).log(System.Logger.Level.DEBUG,
                    "cannot force directory " + dir, e);
        }
    }

    /** The refcount index a superblock names, or null when that copy fails its checksum. */
    private static int[] readIndex(MetadataFile file, Superblock superblock) throws IOException {
        StoreLayout layout = superblock.layout();
        ByteBuffer indexBlocks = file.read(layout.indexStartBlock(superblock.slot()), layout.indexBlockCount());
        if (RefcountPages.checksum(indexBlocks) != superblock.indexCrc()) {
            return null;
        }
        return RefcountPages.decodeIndex(indexBlocks, layout);
    }

    /**
     * One store object per pool at a time, across processes too: two writers would free each
     * other's blocks. The lock goes with the channel when the store closes or the process dies.
     */
    private static void lockExclusively(FileChannel metadata, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = metadata.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, "chunk store in " + dir
                    + " is open elsewhere");
        }
    }

    /** Closes what was opened and turns the failure into the store's exception. */
    private static RuntimeException failed(FileChannel metadata, Exception failure, String message) {
        if (metadata != null) {
            try {
                metadata.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        if (failure instanceof IOException io) {
            return new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, message, io);
        }
        return (RuntimeException) failure;
    }
}
