package dev.cairn.pool.chunk;

import dev.cairn.pool.spi.FileWrites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Block-granular I/O on the metadata file. Reads past the end of the file return zeros. */
final class MetadataFile {

    private final FileChannel channel;

    MetadataFile(FileChannel channel) {
        this.channel = channel;
    }

    ByteBuffer read(long firstBlock, int blockCount) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(blockCount * StoreLayout.BLOCK_BYTES);
        long position = firstBlock * StoreLayout.BLOCK_BYTES;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                break;
            }
        }
        return buffer.clear();
    }

    ByteBuffer read(long block) throws IOException {
        return read(block, 1);
    }

    void write(long firstBlock, ByteBuffer blocks) throws IOException {
        FileWrites.writeFully(channel, blocks.duplicate().clear(), firstBlock * StoreLayout.BLOCK_BYTES);
    }

    void force() throws IOException {
        channel.force(false);
    }

    void close() throws IOException {
        channel.close();
    }
}
