package dev.cairn.pool.chunk;

import java.io.IOException;

/**
 * Reference counts and allocation for one kind of space: data chunks, or node blocks.
 *
 * <p>An entry whose count drops to zero is <em>pending</em> until the next commit: the committed
 * state may still reference it, so it must not be overwritten before a newer superblock is forced.
 * Entries allocated in the open transaction are remembered, because only those may be written in
 * place (everything else is shadowed). Not thread-safe: guarded by the store lock.
 */
final class SpaceMap {

    private final RefcountPages pages;
    private final long firstPage;
    private final long entryCount;
    private final EntrySet pending = new EntrySet();
    private final EntrySet allocatedThisTransaction = new EntrySet();
    private long allocatedEntries;
    private long cursor;

    SpaceMap(RefcountPages pages, long firstPage, long entryCount) {
        this.pages = pages;
        this.firstPage = firstPage;
        this.entryCount = entryCount;
        long free = 0;
        for (long page = 0; page < pageSpan(); page++) {
            free += pages.freeCount(firstPage + page);
        }
        this.allocatedEntries = entryCount - free;
    }

    long entryCount() {
        return entryCount;
    }

    /** Entries with a non-zero count. */
    long allocatedEntries() {
        return allocatedEntries;
    }

    /** Entries that can be allocated now (pending entries become free at the next commit). */
    long freeEntries() {
        return entryCount - allocatedEntries - pending.size();
    }

    long pendingEntries() {
        return pending.size();
    }

    int refcount(long entry) throws IOException {
        checkRange(entry);
        return pages.page(pageOf(entry)).get(slotOf(entry));
    }

    void increment(long entry) throws IOException {
        int count = refcount(entry);
        if (count == 0 || count == -1) {
            throw new IllegalStateException("cannot take a reference on entry " + entry + " with count " + count);
        }
        set(entry, count + 1);
    }

    /** Drops one reference; returns true when the entry became pending-free. */
    boolean decrement(long entry) throws IOException {
        int count = refcount(entry);
        if (count == 0) {
            throw ChunkStoreException.corrupt("reference count underflow at entry " + entry);
        }
        set(entry, count - 1);
        if (count == 1) {
            allocatedEntries--;
            pending.add(entry);
            return true;
        }
        return false;
    }

    /** Allocates a free entry with count 1. The caller checked {@link #freeEntries()} first. */
    long allocate() throws IOException {
        if (freeEntries() <= 0) {
            throw new IllegalStateException("space map exhausted despite reservation");
        }
        long span = pageSpan();
        for (long step = 0; step <= span; step++) {
            long page = (cursor / RefcountPage.ENTRIES + step) % span;
            if (pages.freeCount(firstPage + page) > 0) {
                long entry = takeFreeIn(page);
                if (entry >= 0) {
                    return entry;
                }
            }
        }
        throw ChunkStoreException.corrupt("free counts claim space the refcount pages do not have");
    }

    private long takeFreeIn(long page) throws IOException {
        RefcountPage counts = pages.page(firstPage + page);
        // Start at the cursor within its own page: sequential allocation then costs O(1) per entry.
        int start = page == cursor / RefcountPage.ENTRIES ? (int) (cursor % RefcountPage.ENTRIES) : 0;
        for (int i = 0; i < RefcountPage.ENTRIES; i++) {
            int slot = (start + i) % RefcountPage.ENTRIES;
            long entry = page * RefcountPage.ENTRIES + slot;
            if (entry < entryCount && counts.get(slot) == 0 && !pending.contains(entry)) {
                counts.set(slot, 1);
                pages.changed(counts);
                pages.addFree(firstPage + page, -1);
                allocatedEntries++;
                allocatedThisTransaction.add(entry);
                cursor = entry + 1 < entryCount ? entry + 1 : 0;
                return entry;
            }
        }
        return -1;
    }

    /** True when the entry was allocated in the open transaction and has exactly one reference. */
    boolean writableInPlace(long entry) throws IOException {
        return allocatedThisTransaction.contains(entry) && refcount(entry) == 1;
    }

    /** After the new refcount pages are written: pending entries count as free in the next index. */
    void releasePending() {
        pending.forEachPage((page, members) -> pages.addFree(firstPage + page, members));
        pending.clear();
    }

    /**
     * After the commit is durable: nothing allocated so far may be written in place any more, and
     * allocation starts again from the lowest entry, so freed space near the start is reused before
     * the files grow (growing a file makes every force slower).
     */
    void endTransaction() {
        allocatedThisTransaction.clear();
        cursor = 0;
    }

    /** Repair: overwrite a count (used only to drop leaked references). */
    void repairRefcount(long entry, int count) throws IOException {
        int old = refcount(entry);
        set(entry, count);
        if (old != 0 && count == 0) {
            allocatedEntries--;
            pending.add(entry);
        }
    }

    /** Check: the number of zero counts in a page, excluding pending entries, next to the index's claim. */
    int countFreeIn(long page) throws IOException {
        RefcountPage counts = pages.page(firstPage + page);
        int free = 0;
        for (int slot = 0; slot < RefcountPage.ENTRIES; slot++) {
            long entry = page * RefcountPage.ENTRIES + slot;
            if (entry < entryCount && counts.get(slot) == 0 && !pending.contains(entry)) {
                free++;
            }
        }
        return free;
    }

    int recordedFreeIn(long page) {
        return pages.freeCount(firstPage + page);
    }

    void repairFreeCount(long page, int free) {
        pages.setFree(firstPage + page, free);
    }

    long pageSpan() {
        return (entryCount + RefcountPage.ENTRIES - 1) / RefcountPage.ENTRIES;
    }

    private void set(long entry, int count) throws IOException {
        RefcountPage page = pages.page(pageOf(entry));
        page.set(slotOf(entry), count);
        pages.changed(page);
    }

    private long pageOf(long entry) {
        return firstPage + entry / RefcountPage.ENTRIES;
    }

    private static int slotOf(long entry) {
        return (int) (entry % RefcountPage.ENTRIES);
    }

    private void checkRange(long entry) {
        if (entry < 0 || entry >= entryCount) {
            throw ChunkStoreException.corrupt("reference to entry " + entry + " outside 0.." + entryCount);
        }
    }
}
