package dev.cairn.pool.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Byte I/O on the data file: chunk {@code n} occupies bytes {@code [n * chunkSize, (n + 1) * chunkSize)}. */
final class ChunkData {

    private final FileChannel channel;
    private final int chunkSizeBytes;
    private boolean writtenSinceForce;

    ChunkData(FileChannel channel, int chunkSizeBytes) {
        this.channel = channel;
        this.chunkSizeBytes = chunkSizeBytes;
    }

    int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /** Reads {@code len} bytes at {@code inChunkOffset} of chunk {@code chunk}; bytes past end of file read as zero. */
    void read(long chunk, int inChunkOffset, byte[] buf, int off, int len) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buf, off, len);
        long position = chunk * chunkSizeBytes + inChunkOffset;
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
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
    }

    /** Forces the data file; skipped when nothing was written since the last force. */
    void force() throws IOException {
        if (writtenSinceForce) {
            channel.force(false);
            writtenSinceForce = false;
        }
    }

    void close() throws IOException {
        channel.close();
    }
}
