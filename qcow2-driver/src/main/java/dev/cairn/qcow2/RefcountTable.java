package dev.cairn.qcow2;

import dev.cairn.qcow2.format.RefcountBlockCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two-level refcount structure (qcow2.txt "Host cluster management"): the refcount table is
 * kept in memory, refcount blocks in a bounded cache. Modified blocks are written by
 * {@link #commit()} (or on eviction); decrements are only applied through
 * {@link #releaseDeferred()}, after a barrier, so that a refcount never drops while a pointer
 * to the cluster may still be on disk. Increments may reach the disk early: that only leaks.
 * Not thread-safe.
 */
final class RefcountTable {

    /** Persists a relocated refcount table in the header (durably) before the old one is freed. */
    interface Relocation {
        void switchRefcountTable(long tableOffset, int tableClusters) throws IOException;
    }

    private static final int BLOCK_CACHE_CAPACITY = 64;

    private final HostFile file;
    private final int clusterBits;
    private final int refcountOrder;
    private final long entriesPerBlock;
    private final long maxRefcount;
    private final Relocation relocation;
    private final Map<Long, byte[]> blocks;
    private final Set<Long> dirtyBlocks = new HashSet<>();
    private final List<long[]> deferredFrees = new ArrayList<>();
    private long[] table;
    private long tableOffset;
    private long freeClusterHint = 1;
    /** Clusters being allocated right now: refcount blocks must not be placed there. */
    private long reservedStart;
    private long reservedEnd;
    private java.util.function.LongConsumer freedListener = hostOffset -> { };

    RefcountTable(HostFile file, int clusterBits, int refcountOrder, long tableOffset, long[] table,
            Relocation relocation) {
        this.file = file;
        this.clusterBits = clusterBits;
        this.refcountOrder = refcountOrder;
        this.entriesPerBlock = RefcountBlockCodec.entriesPerBlock(clusterBits, refcountOrder);
        long max = RefcountBlockCodec.maxRefcount(refcountOrder);
        this.maxRefcount = max < 0 ? Long.MAX_VALUE : max;
        this.relocation = relocation;
        this.tableOffset = tableOffset;
        this.table = table.clone();
        this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                if (size() <= BLOCK_CACHE_CAPACITY) {
                    return false;
                }
                writeIfDirty(eldest.getKey(), eldest.getValue());
                return true;
            }
        };
    }

    /** Loads the refcount table, validating every refblock offset. */
    static RefcountTable load(HostFile file, int clusterBits, int refcountOrder, long tableOffset,
            int tableClusters, Relocation relocation) throws IOException {
        int entries = (int) ((long) tableClusters << clusterBits) / 8;
        long[] table = new long[entries];
        ByteBuffer.wrap(file.read(tableOffset, entries * 8)).asLongBuffer().get(table);
        long fileSize = file.sizeBytes();
        for (int i = 0; i < entries; i++) {
            long blockOffset = table[i] & ~511L;
            // A set bit 63 makes the offset negative: as invalid as one past the end of the file.
            if (blockOffset != 0 && (blockOffset < 0 || blockOffset % (1L << clusterBits) != 0
                    || blockOffset >= fileSize)) {
                throw new Qcow2CorruptException("refcount block " + i + " at 0x" + Long.toHexString(blockOffset)
                        + " is misaligned or beyond the end of the file");
            }
        }
        return new RefcountTable(file, clusterBits, refcountOrder, tableOffset, table, relocation);
    }

    /** Called with the host offset of every cluster whose refcount drops to 0 (cache invalidation). */
    void onClusterFreed(java.util.function.LongConsumer listener) {
        this.freedListener = listener;
    }

    long maxRefcount() {
        return maxRefcount;
    }

    long tableOffset() {
        return tableOffset;
    }

    int tableClusters() {
        return (int) ((table.length * 8L) >> clusterBits);
    }

    /** Refblock offsets currently in the table (0 for absent blocks). */
    long[] blockOffsets() {
        long[] offsets = table.clone();
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] &= ~511L;
        }
        return offsets;
    }

    /** Clusters described by the table (beyond them every refcount is 0). */
    long coveredClusters() {
        return table.length * entriesPerBlock;
    }

    long refcount(long clusterIndex) throws IOException {
        long tableIndex = clusterIndex / entriesPerBlock;
        if (tableIndex >= table.length || (table[(int) tableIndex] & ~511L) == 0) {
            return 0;
        }
        byte[] block = block(table[(int) tableIndex] & ~511L);
        return RefcountBlockCodec.get(block, (int) (clusterIndex % entriesPerBlock), refcountOrder);
    }

    /**
     * Adds {@code delta} to a cluster's refcount, creating refcount blocks (and growing the
     * table) as needed for increments.
     *
     * @throws Qcow2CorruptException when the result would be negative
     * @throws Qcow2UnsupportedException when the result would exceed the refcount width
     */
    void update(long clusterIndex, long delta) throws IOException {
        long current = refcount(clusterIndex);
        long next = current + delta;
        if (next < 0) {
            throw new Qcow2CorruptException("refcount of cluster " + clusterIndex + " would drop below zero");
        }
        if (next > maxRefcount) {
            throw new Qcow2UnsupportedException("refcount of cluster " + clusterIndex + " would exceed "
                    + maxRefcount + " (refcount_bits " + (1 << refcountOrder) + ")");
        }
        if (next == current) {
            return;
        }
        long tableIndex = clusterIndex / entriesPerBlock;
        if (tableIndex >= table.length || (table[(int) tableIndex] & ~511L) == 0) {
            boolean ownReservation = reservedEnd == 0;
            if (ownReservation) {
                reservedStart = clusterIndex;
                reservedEnd = clusterIndex + 1;
            }
            try {
                while (tableIndex >= table.length || (table[(int) tableIndex] & ~511L) == 0) {
                    ensureBlockFor(clusterIndex);
                }
            } finally {
                if (ownReservation) {
                    reservedStart = 0;
                    reservedEnd = 0;
                }
            }
        }
        long blockOffset = table[(int) tableIndex] & ~511L;
        RefcountBlockCodec.set(block(blockOffset), (int) (clusterIndex % entriesPerBlock), refcountOrder, next);
        dirtyBlocks.add(blockOffset);
        if (next == 0) {
            freedListener.accept(clusterIndex << clusterBits);
            freeClusterHint = Math.min(freeClusterHint, clusterIndex);
        }
    }

    /**
     * Allocates {@code count} contiguous free clusters with refcount 1 (first fit from the
     * lowest possibly free cluster; clusters without a refcount block count as free, and the
     * blocks are created outside the run). The increments reach the disk at the next
     * {@link #commit()}.
     *
     * @return the host offset of the first cluster
     */
    long allocate(int count) throws IOException {
        long hintBefore = freeClusterHint;
        long start = findFreeRun(freeClusterHint, count);
        long nextHint = firstFreeSeen == start ? start + count : firstFreeSeen;
        reservedStart = start;
        reservedEnd = start + count;
        try {
            for (long i = 0; i < count; i++) {
                update(start + i, 1);
            }
        } finally {
            reservedStart = 0;
            reservedEnd = 0;
        }
        if (freeClusterHint >= hintBefore) {
            // Nothing was freed meanwhile: every cluster before nextHint is in use.
            freeClusterHint = nextHint;
        }
        return start << clusterBits;
    }

    /** First cluster the last {@link #findFreeRun} saw free (everything before it was in use). */
    private long firstFreeSeen;

    private long findFreeRun(long from, int count) throws IOException {
        long start = Math.max(from, 1);
        long run = 0;
        firstFreeSeen = -1;
        while (run < count) {
            long cluster = start + run;
            if (refcount(cluster) != 0 || isReserved(cluster)) {
                start = cluster + 1;
                run = 0;
            } else {
                if (firstFreeSeen < 0) {
                    firstFreeSeen = cluster;
                }
                run++;
            }
        }
        return start;
    }

    private boolean isReserved(long cluster) {
        return cluster >= reservedStart && cluster < reservedEnd;
    }

    /** Remembers a decrement to apply after the reference to the cluster is gone for good. */
    void deferFree(long clusterIndex, long clusters) {
        if (clusters > 0) {
            deferredFrees.add(new long[] {clusterIndex, clusters});
        }
    }

    /**
     * Applies deferred decrements. The barrier first makes the removal of every pointer to those
     * clusters durable (qcow2 ordering rule: pointer removed before the refcount drops).
     */
    void releaseDeferred() throws IOException {
        if (deferredFrees.isEmpty()) {
            return;
        }
        file.barrier();
        for (long[] range : deferredFrees) {
            for (long i = 0; i < range[1]; i++) {
                update(range[0] + i, -1);
            }
        }
        deferredFrees.clear();
    }

    /**
     * Writes modified refcount blocks, then a barrier: every increment is durable before the
     * caller writes a pointer to a newly allocated cluster. Under
     * {@link WriteOrdering#DEFERRED_TO_CLOSE} there is nothing to order: the blocks stay in the
     * cache until evicted or {@link #writeDirtyBlocks()} (the flush at close).
     */
    void commit() throws IOException {
        if (file.barriersDeferred()) {
            return;
        }
        writeDirtyBlocks();
        file.barrier();
    }

    /** Writes every modified refcount block, without a barrier. */
    void writeDirtyBlocks() throws IOException {
        for (Long blockOffset : List.copyOf(dirtyBlocks)) {
            file.write(blockOffset, blocks.get(blockOffset));
        }
        dirtyBlocks.clear();
    }

    private void writeIfDirty(long blockOffset, byte[] block) {
        if (dirtyBlocks.remove(blockOffset)) {
            try {
                file.write(blockOffset, block);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private byte[] block(long blockOffset) throws IOException {
        byte[] block = blocks.get(blockOffset);
        if (block == null) {
            block = file.read(blockOffset, 1 << clusterBits);
            blocks.put(blockOffset, block);
        }
        return block;
    }

    /** Makes the refcount of {@code clusterIndex} addressable (table growth or a new block). */
    private void ensureBlockFor(long clusterIndex) throws IOException {
        long tableIndex = clusterIndex / entriesPerBlock;
        if (tableIndex >= table.length) {
            growTable(tableIndex);
        } else {
            placeBlock(tableIndex);
        }
    }

    /**
     * Creates the missing refcount block for range {@code tableIndex}. Every cluster of that
     * range is free (no block describes it), so the block goes inside the range it describes
     * (self-describing, as QEMU does) unless the whole range is reserved by the allocation in
     * progress; then it goes to a free cluster after the reservation.
     */
    private void placeBlock(long tableIndex) throws IOException {
        long rangeStart = tableIndex * entriesPerBlock;
        for (long cluster = Math.max(rangeStart, 1); cluster < rangeStart + entriesPerBlock; cluster++) {
            if (!isReserved(cluster)) {
                byte[] block = new byte[1 << clusterBits];
                RefcountBlockCodec.set(block, (int) (cluster % entriesPerBlock), refcountOrder, 1);
                publishBlock(tableIndex, cluster << clusterBits, block);
                return;
            }
        }
        while (true) {
            long cluster = findFreeRun(reservedEnd, 1);
            long hostRange = cluster / entriesPerBlock;
            if (hostRange >= table.length || (table[(int) hostRange] & ~511L) == 0) {
                ensureBlockFor(cluster);
                continue;
            }
            long hostBlockOffset = table[(int) hostRange] & ~511L;
            RefcountBlockCodec.set(block(hostBlockOffset), (int) (cluster % entriesPerBlock), refcountOrder, 1);
            dirtyBlocks.add(hostBlockOffset);
            commit();
            publishBlock(tableIndex, cluster << clusterBits, new byte[1 << clusterBits]);
            return;
        }
    }

    private void publishBlock(long tableIndex, long blockOffset, byte[] block) throws IOException {
        file.write(blockOffset, block);
        // The block (and the refcount covering it) must be durable before the table entry.
        file.barrier();
        file.writeLong(tableOffset + 8 * tableIndex, blockOffset);
        file.barrier();
        table[(int) tableIndex] = blockOffset;
        blocks.put(blockOffset, block);
    }

    /**
     * Moves the table to a larger copy placed after everything the current table covers (and
     * after the allocation in progress), together with the refcount blocks describing the new
     * clusters themselves; then switches the header and frees the old table.
     */
    private void growTable(long neededIndex) throws IOException {
        int clusterSize = 1 << clusterBits;
        long base = Math.max(coveredClusters(), reservedEnd);
        base = (base + entriesPerBlock - 1) / entriesPerBlock * entriesPerBlock;
        long firstNewRange = base / entriesPerBlock;
        long[] layout = growthLayout(neededIndex, firstNewRange);
        long newBlocks = layout[0];
        long tableClusters = layout[1];
        if (tableClusters * clusterSize > dev.cairn.qcow2.format.HeaderCodec.MAX_REFCOUNT_TABLE_BYTES) {
            throw new Qcow2UnsupportedException("refcount table would exceed 8 MiB; image too large");
        }
        long[] grown = java.util.Arrays.copyOf(table, (int) (tableClusters * clusterSize / 8));
        long used = newBlocks + tableClusters;
        for (long b = 0; b < newBlocks; b++) {
            byte[] block = new byte[clusterSize];
            for (long i = 0; i < entriesPerBlock && b * entriesPerBlock + i < used; i++) {
                RefcountBlockCodec.set(block, (int) i, refcountOrder, 1);
            }
            long blockOffset = (base + b) << clusterBits;
            file.write(blockOffset, block);
            grown[(int) (firstNewRange + b)] = blockOffset;
            blocks.put(blockOffset, block);
        }
        long newTableOffset = (base + newBlocks) << clusterBits;
        ByteBuffer raw = ByteBuffer.allocate((int) (tableClusters * clusterSize));
        raw.asLongBuffer().put(grown);
        file.write(newTableOffset, raw.array());
        commit();
        long oldOffset = tableOffset;
        int oldClusters = tableClusters();
        // New table durable (commit) -> header switched durably -> old table clusters freed.
        relocation.switchRefcountTable(newTableOffset, (int) tableClusters);
        table = grown;
        tableOffset = newTableOffset;
        for (int i = 0; i < oldClusters; i++) {
            update((oldOffset >> clusterBits) + i, -1);
        }
    }

    /**
     * Sizes a grown table: returns {blocks, tableClusters} such that the new blocks (starting at
     * range {@code firstNewRange}) describe themselves and the new table, and the table has
     * room for {@code neededIndex} plus headroom.
     */
    private long[] growthLayout(long neededIndex, long firstNewRange) {
        int clusterSize = 1 << clusterBits;
        long newEntries = Math.max(neededIndex + 1, table.length + table.length / 2 + 1);
        long newBlocks = 1;
        while (true) {
            newEntries = Math.max(newEntries, firstNewRange + newBlocks);
            long tableClusters = (newEntries * 8 + clusterSize - 1) / clusterSize;
            long blocksNeeded = (newBlocks + tableClusters + entriesPerBlock - 1) / entriesPerBlock;
            if (blocksNeeded <= newBlocks && firstNewRange + newBlocks <= newEntries) {
                return new long[] {newBlocks, tableClusters};
            }
            newBlocks = Math.max(newBlocks, blocksNeeded);
        }
    }

    /** Drops cached blocks and installs another table (after a rebuild). */
    void replace(long newTableOffset, long[] newTable) {
        blocks.clear();
        dirtyBlocks.clear();
        deferredFrees.clear();
        table = newTable.clone();
        tableOffset = newTableOffset;
        freeClusterHint = 1;
    }
}
