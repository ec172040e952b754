package dev.cairn.pool.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/**
 * The refcount pages and their index, stored with two slots per page instead of shadowing.
 *
 * <p>The index holds one u32 per page: bit 31 names the slot holding the committed copy, bit 30 says
 * the page was ever written (an unwritten page is all zeros and is not read), bits 0..29 count the
 * entries of the page that are free in the committed state. A page changed in a transaction is
 * written to its <em>other</em> slot, which the committed index does not name, so the committed copy
 * stays intact until the new index (written to the index copy of the next generation) and then the
 * superblock are forced. This keeps the space maps out of their own allocation.
 * Not thread-safe: guarded by the store lock.
 */
final class RefcountPages {

    private static final int SLOT_BIT = 1 << 31;
    private static final int WRITTEN_BIT = 1 << 30;
    private static final int FREE_MASK = WRITTEN_BIT - 1;

    private final MetadataFile file;
    private final BlockCache cache;
    private final StoreLayout layout;
    private final int[] index;
    /** Pages written to their other slot in the open transaction. */
    private final BitSet rewritten = new BitSet();

    RefcountPages(MetadataFile file, BlockCache cache, StoreLayout layout, int[] index) {
        this.file = file;
        this.cache = cache;
        this.layout = layout;
        this.index = index;
    }

    /** The index of an empty store: every page unwritten, every entry free. */
    static int[] emptyIndex(StoreLayout layout) {
        int[] index = new int[Math.toIntExact(layout.pageCount())];
        fillFree(index, 0, layout.dataChunkCount());
        fillFree(index, (int) layout.dataPageCount(), layout.nodeBlockCount());
        return index;
    }

    private static void fillFree(int[] index, int firstPage, long entries) {
        for (long remaining = entries, page = firstPage; remaining > 0; remaining -= RefcountPage.ENTRIES, page++) {
            index[(int) page] = (int) Math.min(RefcountPage.ENTRIES, remaining);
        }
    }

    static int[] decodeIndex(ByteBuffer blocks, StoreLayout layout) {
        blocks.order(ByteOrder.LITTLE_ENDIAN);
        int[] index = new int[Math.toIntExact(layout.pageCount())];
        for (int i = 0; i < index.length; i++) {
            index[i] = blocks.getInt(i * Integer.BYTES);
        }
        return index;
    }

    static int checksum(ByteBuffer blocks) {
        return BlockCrc.of(blocks, 0, blocks.capacity());
    }

    RefcountPage page(long page) throws IOException {
        RefcountPage cached = (RefcountPage) cache.get(cacheKey(page));
        if (cached != null) {
            return cached;
        }
        RefcountPage loaded;
        if ((index[(int) page] & WRITTEN_BIT) == 0 && !rewritten.get((int) page)) {
            loaded = new RefcountPage(page);
        } else {
            loaded = RefcountPage.decode(page, file.read(layout.pageSlotBlock(page, currentSlot(page))));
        }
        cache.put(cacheKey(page), loaded);
        return loaded;
    }

    /** Hands a changed page back to the cache (it may have been evicted while the caller held it). */
    void changed(RefcountPage page) throws IOException {
        cache.put(cacheKey(page.pageNumber), page);
    }

    int freeCount(long page) {
        return index[(int) page] & FREE_MASK;
    }

    void addFree(long page, int delta) {
        int entry = index[(int) page];
        index[(int) page] = (entry & ~FREE_MASK) | ((entry & FREE_MASK) + delta);
    }

    void setFree(long page, int free) {
        index[(int) page] = (index[(int) page] & ~FREE_MASK) | free;
    }

    /** Writes a dirty page to the slot the committed index does not name. */
    void writeBack(RefcountPage page) throws IOException {
        int spare = committedSlot(page.pageNumber) ^ 1;
        // Never the committed slot: until the next superblock is forced, a crash must find the old copy.
        file.write(layout.pageSlotBlock(page.pageNumber, spare), page.encode());
        rewritten.set((int) page.pageNumber);
    }

    /**
     * Points the index at the slots written in this transaction and encodes it for the index copy of
     * the next generation. Call only after every dirty page was written back.
     */
    ByteBuffer encodeIndexForCommit() {
        for (int page = rewritten.nextSetBit(0); page >= 0; page = rewritten.nextSetBit(page + 1)) {
            index[page] = (index[page] ^ SLOT_BIT) | WRITTEN_BIT;
        }
        rewritten.clear();
        return encodeIndex(index, layout);
    }

    private static ByteBuffer encodeIndex(int[] index, StoreLayout layout) {
        ByteBuffer blocks = ByteBuffer.allocate(layout.indexBlockCount() * StoreLayout.BLOCK_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < index.length; i++) {
            blocks.putInt(i * Integer.BYTES, index[i]);
        }
        return blocks;
    }

    static long cacheKey(long page) {
        return -(page + 1);
    }

    private int committedSlot(long page) {
        return (index[(int) page] & SLOT_BIT) != 0 ? 1 : 0;
    }

    private int currentSlot(long page) {
        return committedSlot(page) ^ (rewritten.get((int) page) ? 1 : 0);
    }
}
