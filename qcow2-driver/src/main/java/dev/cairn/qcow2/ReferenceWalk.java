package dev.cairn.qcow2;

import dev.cairn.qcow2.format.ClusterType;
import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Adjusts the refcounts of everything an L1 table reaches, and recomputes COPIED flags of the
 * active tables (QEMU's qcow2_update_snapshot_refcount). Refcounts count paths through L1
 * tables: a data cluster under an L2 table shared by three L1 tables has refcount 3, so every
 * L2 entry is visited, not only L1 entries. Not thread-safe.
 */
final class ReferenceWalk {

    private final ImageState state;
    private final ClusterMap map;

    ReferenceWalk(ImageState state, ClusterMap map) {
        this.state = state;
        this.map = map;
    }

    /**
     * Adds {@code delta} (+1 or -1) to the refcount of every L2 table under {@code l1} and every
     * host cluster those tables reference. Increments are checked against the refcount width
     * before anything changes, so an overflow fails without side effects. For {@code -1} the
     * caller must already have made the removal of {@code l1} durable.
     */
    void adjust(long[] l1, int delta) throws IOException {
        if (delta > 0) {
            checkIncrementFits(l1, delta);
        }
        for (int i = 0; i < l1.length; i++) {
            long tableOffset = map.tableOffset(l1, (long) i * state.l2Entries());
            if (tableOffset == 0) {
                continue;
            }
            long[] table = state.l2Cache.table(tableOffset).clone();
            for (long entry : table) {
                forEachCluster(entry, cluster -> state.refcounts.update(cluster, delta));
            }
            state.refcounts.update(tableOffset >> state.clusterBits, delta);
        }
        state.refcounts.commit();
    }

    private void checkIncrementFits(long[] l1, int delta) throws IOException {
        Map<Long, Long> increments = new HashMap<>();
        for (int i = 0; i < l1.length; i++) {
            long tableOffset = map.tableOffset(l1, (long) i * state.l2Entries());
            if (tableOffset == 0) {
                continue;
            }
            for (long entry : state.l2Cache.table(tableOffset)) {
                forEachCluster(entry, cluster -> increments.merge(cluster, (long) delta, Long::sum));
            }
            increments.merge(tableOffset >> state.clusterBits, (long) delta, Long::sum);
        }
        long max = state.refcounts.maxRefcount();
        for (Map.Entry<Long, Long> increment : increments.entrySet()) {
            long current = state.refcounts.refcount(increment.getKey());
            if (current + increment.getValue() > max || current + increment.getValue() < 0) {
                throw new Qcow2UnsupportedException("refcount of cluster " + increment.getKey()
                        + " would exceed " + max + "; the image's refcount width is too small");
            }
        }
    }

    interface ClusterAction {
        void apply(long clusterIndex) throws IOException;
    }

    /** Calls {@code action} for every host cluster an L2 entry holds a reference to. */
    void forEachCluster(long entry, ClusterAction action) throws IOException {
        ClusterType type = L2Entry.type(entry);
        if (type == ClusterType.NORMAL || type == ClusterType.ZERO_ALLOC) {
            action.apply(L2Entry.hostOffset(entry) >> state.clusterBits);
        } else if (type == ClusterType.COMPRESSED) {
            long start = L2Entry.compressedHostOffset(entry, state.clusterBits);
            long end = start + L2Entry.compressedSizeBytes(entry, state.clusterBits) - 1;
            for (long cluster = start >> state.clusterBits; cluster <= end >> state.clusterBits; cluster++) {
                action.apply(cluster);
            }
        }
    }

    /**
     * Sets COPIED exactly where the refcount is 1 in the active L1 and every L2 table it
     * reaches; clears it on compressed entries (qcow2.txt: never set for compressed clusters).
     */
    void fixCopiedFlags() throws IOException {
        boolean l1Changed = false;
        for (int i = 0; i < state.l1.length; i++) {
            long tableOffset = map.tableOffset(state.l1, (long) i * state.l2Entries());
            if (tableOffset == 0) {
                continue;
            }
            fixTable(tableOffset);
            long wanted = copiedFor(state.l1[i], tableOffset);
            if (wanted != state.l1[i]) {
                state.l1[i] = wanted;
                l1Changed = true;
            }
        }
        if (l1Changed) {
            map.writeActiveL1();
        }
    }

    private void fixTable(long tableOffset) throws IOException {
        long[] table = state.l2Cache.table(tableOffset).clone();
        boolean changed = false;
        for (int j = 0; j < table.length; j++) {
            long entry = table[j];
            ClusterType type = L2Entry.type(entry);
            long wanted = entry;
            if (type == ClusterType.NORMAL || type == ClusterType.ZERO_ALLOC) {
                wanted = copiedFor(entry, L2Entry.hostOffset(entry));
            } else if (type == ClusterType.COMPRESSED) {
                wanted = entry & ~L2Entry.COPIED;
            }
            if (wanted != entry) {
                table[j] = wanted;
                changed = true;
            }
        }
        if (changed) {
            state.l2Cache.writeTable(tableOffset, table);
        }
    }

    private long copiedFor(long entry, long hostOffset) throws IOException {
        boolean exclusive = state.refcounts.refcount(hostOffset >> state.clusterBits) == 1;
        return exclusive ? entry | L2Entry.COPIED : entry & ~L2Entry.COPIED;
    }
}
