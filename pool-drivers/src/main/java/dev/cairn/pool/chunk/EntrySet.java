package dev.cairn.pool.chunk;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A set of space map entries, stored as one small bitmap per refcount page that has members, so
 * freeing every chunk of a huge device costs about one bit per chunk, not an object per chunk.
 * Not thread-safe: guarded by the store lock.
 */
final class EntrySet {

    /** Receives each page with members and how many it has. */
    interface PageCounts {
        void accept(long page, int members);
    }

    private final Map<Long, BitSet> pages = new HashMap<>();
    private long size;

    void add(long entry) {
        BitSet bits = pages.computeIfAbsent(entry / RefcountPage.ENTRIES, page -> new BitSet(RefcountPage.ENTRIES));
        int slot = (int) (entry % RefcountPage.ENTRIES);
        if (!bits.get(slot)) {
            bits.set(slot);
            size++;
        }
    }

    boolean contains(long entry) {
        BitSet bits = pages.get(entry / RefcountPage.ENTRIES);
        return bits != null && bits.get((int) (entry % RefcountPage.ENTRIES));
    }

    long size() {
        return size;
    }

    void forEachPage(PageCounts action) {
        pages.forEach((page, bits) -> action.accept(page, bits.cardinality()));
    }

    void clear() {
        pages.clear();
        size = 0;
    }
}
