package dev.cairn.pool.dir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * How many bytes a file really occupies on its file system (st_blocks x 512), which differs from its
 * size for sparse files. java.nio exposes no block count, so this asks the C library through jnr-posix.
 * Thread-safe.
 */
public final class FileAllocation {
    private static final System.Logger LOG = System.getLogger(FileAllocation.class.getName());
    private static final POSIX POSIX_CALLS = loadNative();

    private FileAllocation() {
    }

    /**
     * Bytes allocated to {@code file} (not following a final link). Where the native call is unavailable
     * the file size is reported instead, an upper bound for sparse files.
     */
    public static long allocatedBytes(Path file) throws IOException {
        if (POSIX_CALLS != null) {
            FileStat stat = POSIX_CALLS.allocateStat();
            if (POSIX_CALLS.lstat(file.toString(), stat) == 0) {
                return stat.blocks() * 512L;
            }
        }
        return Files.size(file);
    }

    /** Whether allocation is read from the file system rather than estimated from sizes. */
    public static boolean isExact() {
        return POSIX_CALLS != null;
    }

    private static POSIX loadNative() {
        try {
            POSIX posix = POSIXFactory.getNativePOSIX();
            if (posix.isNative()) {
                return posix;
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "native stat unavailable, allocation = file size", e);
            return null;
        }
        LOG.log(System.Logger.Level.WARNING, "native stat unavailable, allocation = file size");
        return null;
    }

    static boolean isRegularFile(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }
}
