package dev.cairn.pool.chunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The root of one committed state. Two slots (metadata blocks 0 and 1); generation {@code g} is
 * written to slot {@code g % 2}, so the previous commit survives a torn superblock write. Open takes
 * the valid slot with the higher generation.
 *
 * <p>On-disk layout (little-endian, the rest of the block is zero):
 * <pre>
 * 0   8 bytes magic "CAIRNCS1"
 * 8   u32 format version (2; version 1 ends at byte 64 with its CRC and has no intent log)
 * 12  u32 chunk size in bytes
 * 16  u64 generation
 * 24  u64 data chunk count
 * 32  u64 node block count
 * 40  u32 node fanout
 * 44  u32 CRC32C of the refcount index copy {@code generation % 2}
 * 48  u64 device table root block (0 = no devices)
 * 56  u64 next device id
 * 64  u64 bytes of this generation's intent log, in log slot {@code generation % 2} ({@link ChunkLog})
 * 72  u32 CRC32C of those log bytes
 * 76  u32 CRC32C of bytes 0..76
 * </pre>
 */
record Superblock(StoreLayout layout, long generation, int indexCrc, long deviceTableRoot, long nextDeviceId,
                  long logBytes, int logCrc) {

    static final byte[] MAGIC = "CAIRNCS1".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 2;
    static final int CHECKED_BYTES = 76;
    /** Version 1 (no intent log) is still read; it is written as version 2 at the next commit. */
    static final int VERSION_1_CHECKED_BYTES = 64;

    /** A superblock whose generation has an empty intent log. */
    Superblock(StoreLayout layout, long generation, int indexCrc, long deviceTableRoot, long nextDeviceId) {
        this(layout, generation, indexCrc, deviceTableRoot, nextDeviceId, 0, 0);
    }

    ByteBuffer encode() {
        ByteBuffer block = ByteBuffer.allocate(StoreLayout.BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        block.put(0, MAGIC);
        block.putInt(8, FORMAT_VERSION);
        block.putInt(12, layout.chunkSizeBytes());
        block.putLong(16, generation);
        block.putLong(24, layout.dataChunkCount());
        block.putLong(32, layout.nodeBlockCount());
        block.putInt(40, layout.nodeFanout());
        block.putInt(44, indexCrc);
        block.putLong(48, deviceTableRoot);
        block.putLong(56, nextDeviceId);
        block.putLong(64, logBytes);
        block.putInt(72, logCrc);
        block.putInt(CHECKED_BYTES, checksum(block, CHECKED_BYTES));
        return block;
    }

    /** The superblock in {@code block}, or empty when the slot is torn, blank or not ours. */
    static Optional<Superblock> decode(ByteBuffer block) {
        block.order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        block.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return Optional.empty();
        }
        int version = block.getInt(8);
        if (version != FORMAT_VERSION && version != 1) {
            // A torn write cannot produce this: magic and version are the same in every version-2 write.
            throw ChunkStoreException.corrupt("unsupported chunk store format version " + version);
        }
        int checkedBytes = version == 1 ? VERSION_1_CHECKED_BYTES : CHECKED_BYTES;
        if (block.getInt(checkedBytes) != checksum(block, checkedBytes)) {
            return Optional.empty();
        }
        long logBytes = version == 1 ? 0 : block.getLong(64);
        int logCrc = version == 1 ? 0 : block.getInt(72);
        StoreLayout layout = new StoreLayout(block.getInt(12), block.getLong(24), block.getLong(32),
                block.getInt(40));
        return Optional.of(new Superblock(layout, block.getLong(16), block.getInt(44), block.getLong(48),
                block.getLong(56), logBytes, logCrc));
    }

    int slot() {
        return (int) (generation & 1);
    }

    Superblock next(int newIndexCrc, long newDeviceTableRoot, long newNextDeviceId, long newLogBytes,
                    int newLogCrc) {
        return new Superblock(layout, generation + 1, newIndexCrc, newDeviceTableRoot, newNextDeviceId,
                newLogBytes, newLogCrc);
    }

    private static int checksum(ByteBuffer block, int checkedBytes) {
        return BlockCrc.of(block, 0, checkedBytes);
    }
}
