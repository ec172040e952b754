package dev.cairn.pool.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional writes of bulk data into a file, in calls of at most {@value #PIECE_BYTES} bytes.
 *
 * <p>Linux gives a buffered write page-cache folios as large as the call allows (up to 2 MiB). In a
 * virtual machine that hands free memory back to its host (free page reporting), a large folio comes
 * from memory handed back, which the host must supply again, while a small one is most often carved
 * from memory the guest still holds: 1 GiB written in 1 MiB or larger calls took 3.5-4.7 s on such a
 * machine, in 64-256 KiB calls 0.4-0.6 s (dd and a Java copy alike), and large calls were no faster
 * where memory had not been handed back (BENCHMARKS.md, "Write sizes"). Elsewhere the smaller calls
 * cost one system call per piece, not measurable beside the copy.
 */
public final class FileWrites {

    /** The most one call passes to the kernel. */
    public static final int PIECE_BYTES = 128 << 10;

    private FileWrites() {
    }

    /**
     * Writes all remaining bytes of {@code data} at {@code position} of {@code channel}; {@code data}'s
     * position ends at its limit, which is left as it was.
     */
    public static void writeFully(FileChannel channel, ByteBuffer data, long position) throws IOException {
        int limit = data.limit();
        long at = position;
        try {
            while (data.position() < limit) {
                data.limit(Math.min(limit, data.position() + PIECE_BYTES));
                at += channel.write(data, at);
            }
        } finally {
            data.limit(limit);
        }
    }
}
