package dev.cairn.pool.chunk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** The CRC32C every metadata block carries, over a byte range of the block. */
final class BlockCrc {

    private BlockCrc() {
    }

    static int of(ByteBuffer block, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(block.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }
}
