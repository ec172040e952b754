package dev.cairn.qcow2;

import dev.cairn.qcow2.format.ClusterType;
import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;

/**
 * Compares two L1/L2 mappings of one image (two internal snapshots, or a snapshot and the active state)
 * without reading guest data. A guest cluster whose two L2 entries are equal apart from the COPIED bit maps
 * the same host cluster with the same flags, so its bytes are equal: it is skipped. Whole L2 tables shared
 * by both L1s are skipped without being read, so the cost follows the L1 and the L2 tables that differ.
 *
 * <p>Sharing implies equal bytes because a host cluster reachable from two L1s has a refcount of at least
 * two and is therefore never written in place (qcow2.txt, "copy on write"). COPIED is ignored since
 * snapshot L1 copies may carry stale COPIED bits. Not thread-safe.
 */
final class SnapshotDiff {

    private final ImageState state;
    private final ClusterMap map;
    private final long[] unmappedTable;
    private ChangedRanges out;
    private long runStart = -1;
    private long runEnd;
    private boolean runZero;

    SnapshotDiff(ImageState state, ClusterMap map) {
        this.state = state;
        this.map = map;
        this.unmappedTable = new long[state.l2Entries()];
    }

    /**
     * Reports where {@code targetL1} differs from {@code baseL1}.
     *
     * @param baseL1 the base mapping, or {@code null} for nothing (a base that reads as zeroes everywhere)
     * @param targetCapacityBytes the target's virtual size; ranges are clipped to it
     */
    void diff(long[] baseL1, long[] targetL1, long targetCapacityBytes, ChangedRanges sink) throws IOException {
        this.out = sink;
        long clusters = state.clustersFor(targetCapacityBytes);
        int l2Entries = state.l2Entries();
        for (long firstCluster = 0; firstCluster < clusters; firstCluster += l2Entries) {
            long targetTable = map.tableOffset(targetL1, firstCluster);
            long baseTable = baseL1 == null ? -1 : map.tableOffset(baseL1, firstCluster);
            int count = (int) Math.min(l2Entries, clusters - firstCluster);
            if (baseTable == targetTable) {
                continue;
            }
            if (baseL1 == null && targetTable == 0) {
                // Nothing mapped: zeroes, or the backing file's bytes shown through the whole table's span.
                if (state.backing != null) {
                    emit(firstCluster, count, false, targetCapacityBytes);
                }
                continue;
            }
            long[] target = table(targetTable);
            long[] base = baseL1 == null ? null : table(baseTable);
            for (int i = 0; i < count; i++) {
                compare(firstCluster + i, base == null ? null : base[i], target[i], targetCapacityBytes);
            }
        }
        flush();
    }

    private long[] table(long tableOffset) throws IOException {
        return tableOffset == 0 ? unmappedTable : state.l2Cache.table(tableOffset);
    }

    private void compare(long guestCluster, Long baseEntry, long targetEntry, long capacityBytes) throws IOException {
        boolean targetZero = readsZero(targetEntry);
        if (baseEntry == null) {
            if (!targetZero) {
                emit(guestCluster, 1, false, capacityBytes);
            }
            return;
        }
        if (((baseEntry ^ targetEntry) & ~L2Entry.COPIED) == 0 || (targetZero && readsZero(baseEntry))) {
            return;
        }
        emit(guestCluster, 1, targetZero, capacityBytes);
    }

    /** Zero clusters read zeroes; unallocated ones too, unless a backing file shows through. */
    private boolean readsZero(long entry) {
        ClusterType type = L2Entry.type(entry);
        return type == ClusterType.ZERO_PLAIN || type == ClusterType.ZERO_ALLOC
                || (type == ClusterType.UNALLOCATED && state.backing == null);
    }

    private void emit(long firstCluster, long clusterCount, boolean zero, long capacityBytes) throws IOException {
        long start = firstCluster << state.clusterBits;
        long end = Math.min(capacityBytes, (firstCluster + clusterCount) << state.clusterBits);
        if (runStart >= 0 && runZero == zero && runEnd == start) {
            runEnd = end;
            return;
        }
        flush();
        runStart = start;
        runEnd = end;
        runZero = zero;
    }

    private void flush() throws IOException {
        if (runStart >= 0) {
            out.range(runStart, runEnd - runStart, runZero);
            runStart = -1;
        }
    }
}
