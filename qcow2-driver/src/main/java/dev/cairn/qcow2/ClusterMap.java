package dev.cairn.qcow2;

import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Guest-to-host mapping through the L1 and L2 tables (qcow2.txt "Cluster mapping"): lookups in
 * any L1 (active or a snapshot's), preparation of a private (COPIED) L2 table for writes, and
 * relocation of the active L1 when it must grow. Not thread-safe.
 */
final class ClusterMap {

    private final ImageState state;

    ClusterMap(ImageState state) {
        this.state = state;
    }

    /** Reads an L1 table of {@code l1Size} entries at {@code l1TableOffset}. */
    static long[] readL1(HostFile file, long l1TableOffset, int l1Size) throws IOException {
        long[] l1 = new long[l1Size];
        if (l1Size > 0) {
            ByteBuffer.wrap(file.read(l1TableOffset, l1Size * 8)).asLongBuffer().get(l1);
        }
        return l1;
    }

    /** The L2 entry of {@code guestCluster} under {@code l1}, or 0 when no L2 table maps it. */
    long entry(long[] l1, long guestCluster) throws IOException {
        long tableOffset = tableOffset(l1, guestCluster);
        if (tableOffset == 0) {
            return 0;
        }
        return state.l2Cache.entry(tableOffset, (int) (guestCluster % state.l2Entries()));
    }

    long activeEntry(long guestCluster) throws IOException {
        return entry(state.l1, guestCluster);
    }

    /** Host offset of the L2 table covering {@code guestCluster}, validated; 0 when absent. */
    long tableOffset(long[] l1, long guestCluster) throws IOException {
        long l1Index = guestCluster / state.l2Entries();
        if (l1Index >= l1.length) {
            return 0;
        }
        long tableOffset = l1[(int) l1Index] & L2Entry.L1_OFFSET_MASK;
        if (tableOffset == 0) {
            return 0;
        }
        if ((tableOffset & (state.clusterSize - 1)) != 0 || tableOffset >= state.file.sizeBytes()) {
            throw new Qcow2CorruptException("L2 table for L1 index " + l1Index + " at 0x"
                    + Long.toHexString(tableOffset) + " is misaligned or beyond the end of the file");
        }
        return tableOffset;
    }

    /**
     * Returns the offset of an L2 table that the active L1 owns exclusively (COPIED), allocating
     * a zeroed table or copying a shared one first. Decrements of a shared table's refcount are
     * deferred to the caller's {@link RefcountTable#releaseDeferred()}.
     */
    long tableForWrite(long guestCluster) throws IOException {
        int l1Index = (int) (guestCluster / state.l2Entries());
        if (l1Index >= state.l1.length) {
            throw new IllegalStateException("guest cluster " + guestCluster + " beyond the L1 table");
        }
        long l1Entry = state.l1[l1Index];
        long oldTable = tableOffset(state.l1, guestCluster);
        if (oldTable != 0 && (l1Entry & L2Entry.COPIED) != 0) {
            return oldTable;
        }
        long[] content = new long[state.l2Entries()];
        if (oldTable != 0) {
            long[] shared = state.l2Cache.table(oldTable);
            for (int i = 0; i < content.length; i++) {
                content[i] = shared[i] & ~L2Entry.COPIED;
            }
        }
        long newTable = state.refcounts.allocate(1);
        state.l2Cache.writeTable(newTable, content);
        // The new table's refcount and content must be durable before the L1 entry points at it.
        state.refcounts.commit();
        writeL1Entry(l1Index, newTable | L2Entry.COPIED);
        if (oldTable != 0) {
            state.refcounts.deferFree(oldTable >> state.clusterBits, 1);
        }
        return newTable;
    }

    /** Updates one active L1 entry in memory and on disk. */
    void writeL1Entry(int l1Index, long value) throws IOException {
        state.l1[l1Index] = value;
        state.file.writeLong(state.header().l1TableOffset() + 8L * l1Index, value);
    }

    /** Rewrites the whole active L1 table in place (used after COPIED flags are recomputed). */
    void writeActiveL1() throws IOException {
        if (state.l1.length > 0) {
            state.file.write(state.header().l1TableOffset(), encodeL1(state.l1, state.l1.length));
        }
    }

    /**
     * Installs {@code entries} as the active L1 in freshly allocated clusters, switches the
     * header to it together with {@code newSizeBytes}, then frees the old L1 clusters.
     */
    void replaceActiveL1(long[] entries, long newSizeBytes) throws IOException {
        long oldOffset = state.header().l1TableOffset();
        long oldClusters = state.clustersFor(state.l1.length * 8L);
        long newOffset = 0;
        if (entries.length > 0) {
            newOffset = state.refcounts.allocate((int) state.clustersFor(entries.length * 8L));
            state.file.write(newOffset, encodeL1(entries, entries.length));
        }
        // New L1 and its refcounts durable before the header points at it; old L1 freed after.
        state.refcounts.commit();
        state.writeHeader(state.header().withL1(newOffset, entries.length).withSize(newSizeBytes));
        state.l1 = entries.clone();
        if (oldOffset != 0) {
            state.refcounts.deferFree(oldOffset >> state.clusterBits, oldClusters);
        }
        state.refcounts.releaseDeferred();
    }

    /** L1 entries needed for a virtual size. */
    long requiredL1Size(long sizeBytes) {
        long clusters = state.clustersFor(sizeBytes);
        return (clusters + state.l2Entries() - 1) / state.l2Entries();
    }

    static byte[] encodeL1(long[] entries, int count) {
        ByteBuffer raw = ByteBuffer.allocate(count * 8);
        raw.asLongBuffer().put(entries, 0, count);
        return raw.array();
    }
}
