package dev.cairn.pool.chunk;

import dev.cairn.pool.spi.FileWrites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Byte I/O on the data file: chunk {@code n} occupies bytes {@code [n * chunkSize, (n + 1) * chunkSize)}.
 *
 * <p>Reads go through read-only mappings of the file in segments (256 MiB by default), each mapped
 * once the file reaches its end, and fall back to positional reads before that. A small read from the page
 * cache through a mapping is a copy, where {@code pread} is a system call and a page-cache lookup whose cost
 * depends on how the file was written: the chunks are written a chunk at a time, and the kernel keeps such a
 * file in small folios, which a 4 KiB {@code pread} reads some 35% slower than a file written in 1 MiB
 * pieces (measured). The mappings see every write at once (one page cache) and are never beyond the end of
 * the file, which never shrinks. Guarded by the store lock, like the rest of the store.
 */
final class ChunkData {

    private final FileChannel channel;
    private final int chunkSizeBytes;
    /** A power of two of at least 1 MiB: a multiple of every chunk size, so no chunk straddles two segments. */
    private final long segmentBytes;
    private boolean writtenSinceForce;
    private MappedByteBuffer[] segments = new MappedByteBuffer[0];
    private boolean mappingFailed;
    /** Bytes the file holds at least: its size at open, grown by every write. */
    private long knownSize = -1;

    ChunkData(FileChannel channel, int chunkSizeBytes, long segmentBytes) {
        this.channel = channel;
        this.chunkSizeBytes = chunkSizeBytes;
        this.segmentBytes = segmentBytes;
    }

    int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /** Reads {@code len} bytes at {@code inChunkOffset} of chunk {@code chunk}; bytes past end of file read as zero. */
    void read(long chunk, int inChunkOffset, byte[] buf, int off, int len) throws IOException {
        long position = chunk * chunkSizeBytes + inChunkOffset;
        MappedByteBuffer segment = position % segmentBytes + len <= segmentBytes ? segment(position) : null;
        if (segment != null) {
            segment.get((int) (position % segmentBytes), buf, off, len);
            return;
        }
        ByteBuffer target = ByteBuffer.wrap(buf, off, len);
        while (target.hasRemaining()) {
            int read = channel.read(target, position + (target.position() - off));
            if (read < 0) {
                java.util.Arrays.fill(buf, target.position(), off + len, (byte) 0);
                return;
            }
        }
    }

    void write(long chunk, int inChunkOffset, byte[] buf, int off, int len) throws IOException {
        write(chunk, inChunkOffset, ByteBuffer.wrap(buf, off, len));
    }

    /** Writes the remaining bytes of {@code source} at {@code inChunkOffset} of chunk {@code chunk}. */
    void write(long chunk, int inChunkOffset, ByteBuffer source) throws IOException {
        writtenSinceForce = true;
        long at = chunk * chunkSizeBytes + inChunkOffset;
        int bytes = source.remaining();
        FileWrites.writeFully(channel, source, at);
        knownSize = Math.max(knownSize(), at + bytes);
    }

    /** The mapping of the segment holding {@code position}, or null while the file does not reach its end. */
    private MappedByteBuffer segment(long position) throws IOException {
        int index = (int) (position / segmentBytes);
        if (index < segments.length && segments[index] != null) {
            return segments[index];
        }
        long end = (index + 1) * segmentBytes;
        if (mappingFailed || end > knownSize()) {
            return null;
        }
        if (index >= segments.length) {
            segments = Arrays.copyOf(segments, index + 1);
        }
        try {
            segments[index] = channel.map(FileChannel.MapMode.READ_ONLY, end - segmentBytes, segmentBytes);
        } catch (IOException | UnsupportedOperationException e) {
            // Out of mappings (vm.max_map_count) or a channel that cannot map: positional reads still work.
            mappingFailed = true;
            return null;
        }
        return segments[index];
    }

    /** Segments mapped so far. */
    int mappedSegments() {
        return (int) Arrays.stream(segments).filter(java.util.Objects::nonNull).count();
    }

    private long knownSize() throws IOException {
        if (knownSize < 0) {
            knownSize = channel.size();
        }
        return knownSize;
    }

    /** Forces the data file; skipped when nothing was written since the last force. */
    void force() throws IOException {
        if (writtenSinceForce) {
            channel.force(false);
            writtenSinceForce = false;
        }
    }

    /**
     * Closes the file. Java 17 unmaps a mapping only when it is collected, and a mapping keeps a deleted
     * file's disk space: after dropping them, a store that mapped any asks for a collection, so that purging a
     * pool frees its space now rather than at some later GC. Closing a store is rare (pool stop or delete,
     * shutdown); the service's heap is small, so that collection is short.
     */
    void close() throws IOException {
        boolean mapped = mappedSegments() > 0;
        segments = new MappedByteBuffer[0];
        channel.close();
        if (mapped) {
            System.gc();
        }
    }
}
