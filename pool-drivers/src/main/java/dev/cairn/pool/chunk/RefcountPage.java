package dev.cairn.pool.chunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One page of reference counts: {@value #ENTRIES} unsigned 32-bit counts in one metadata block.
 *
 * <p>On-disk layout (little-endian):
 * <pre>
 * 0   u32 magic "CREF"
 * 4   u32 CRC32C of bytes 8..4096
 * 8   u32 page number
 * 12  u32 reserved, zero
 * 16  u32 counts[1020]
 * </pre>
 * Not thread-safe: guarded by the store lock.
 */
final class RefcountPage implements CachedBlock {

    static final int MAGIC = 0x46455243;
    static final int HEADER_BYTES = 16;
    static final int ENTRIES = (StoreLayout.BLOCK_BYTES - HEADER_BYTES) / Integer.BYTES;

    final long pageNumber;
    private final int[] counts = new int[ENTRIES];
    private boolean dirty;

    RefcountPage(long pageNumber) {
        this.pageNumber = pageNumber;
    }

    int get(int slot) {
        return counts[slot];
    }

    void set(int slot, int count) {
        counts[slot] = count;
        dirty = true;
    }

    @Override
    public boolean isDirty() {
        return dirty;
    }

    @Override
    public void markClean() {
        dirty = false;
    }

    ByteBuffer encode() {
        ByteBuffer block = ByteBuffer.allocate(StoreLayout.BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        block.putInt(0, MAGIC);
        block.putInt(8, (int) pageNumber);
        for (int i = 0; i < ENTRIES; i++) {
            block.putInt(HEADER_BYTES + i * Integer.BYTES, counts[i]);
        }
        block.putInt(4, checksum(block));
        return block;
    }

    static RefcountPage decode(long pageNumber, ByteBuffer block) {
        block.order(ByteOrder.LITTLE_ENDIAN);
        if (block.getInt(0) != MAGIC || block.getInt(4) != checksum(block)) {
            throw ChunkStoreException.corrupt("refcount page " + pageNumber + ": bad magic or checksum");
        }
        if (Integer.toUnsignedLong(block.getInt(8)) != pageNumber) {
            throw ChunkStoreException.corrupt("refcount page " + pageNumber + ": records page "
                    + block.getInt(8));
        }
        RefcountPage page = new RefcountPage(pageNumber);
        for (int i = 0; i < ENTRIES; i++) {
            page.counts[i] = block.getInt(HEADER_BYTES + i * Integer.BYTES);
        }
        return page;
    }

    private static int checksum(ByteBuffer block) {
        return BlockCrc.of(block, 8, StoreLayout.BLOCK_BYTES);
    }
}
