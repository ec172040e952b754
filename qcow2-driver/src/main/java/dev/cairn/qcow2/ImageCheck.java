package dev.cairn.qcow2;

import dev.cairn.qcow2.format.ClusterType;
import dev.cairn.qcow2.format.L2Entry;
import dev.cairn.qcow2.format.RefcountBlockCodec;
import dev.cairn.qcow2.format.SnapshotEntry;
import dev.cairn.qcow2.format.SnapshotTableCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Consistency check and repair (QEMU's qcow2_check_refcounts): counts every reference from the
 * header, L1/L2 tables of the active state and all snapshots, the snapshot table and the
 * refcount structure, compares with the stored refcounts, and checks COPIED flags of the
 * active tables. Memory: one int per host cluster of the file. Not thread-safe.
 */
final class ImageCheck {

    private static final int MAX_MESSAGES = 1000;

    private final ImageState state;
    private final ClusterMap map;
    private final ReferenceWalk walk;
    private final SnapshotTable snapshots;

    ImageCheck(ImageState state, ClusterMap map, ReferenceWalk walk, SnapshotTable snapshots) {
        this.state = state;
        this.map = map;
        this.walk = walk;
        this.snapshots = snapshots;
    }

    /** References counted per host cluster, plus what went wrong while counting. */
    private final class Tally {
        final int[] refs;
        final List<String> messages = new ArrayList<>();
        long corruptions;
        long allocated;
        long compressed;
        long fragmented;

        Tally(long fileClusters) throws Qcow2UnsupportedException {
            if (fileClusters > Integer.MAX_VALUE - 8) {
                throw new Qcow2UnsupportedException("image file too large to check");
            }
            refs = new int[(int) fileClusters];
        }

        void corruption(String message) {
            corruptions++;
            if (messages.size() < MAX_MESSAGES) {
                messages.add(message);
            }
        }

        void count(long hostOffset, long lengthBytes) {
            if (lengthBytes <= 0) {
                return;
            }
            if (hostOffset < 0) {
                corruption("ERROR: reference to negative host offset 0x" + Long.toHexString(hostOffset));
                return;
            }
            long first = hostOffset >> state.clusterBits;
            long last = (hostOffset + lengthBytes - 1) >> state.clusterBits;
            for (long cluster = first; cluster <= last; cluster++) {
                if (cluster >= refs.length) {
                    corruption("ERROR: counting reference for region exceeding the end of the file by one cluster"
                            + " or more: offset 0x" + Long.toHexString(cluster << state.clusterBits));
                    return;
                }
                refs[(int) cluster]++;
            }
        }
    }

    CheckResult check() throws IOException {
        Tally tally = tally(true);
        long leaks = 0;
        long highest = -1;
        for (int cluster = 0; cluster < tally.refs.length; cluster++) {
            long stored = state.refcounts.refcount(cluster);
            int found = tally.refs[cluster];
            if (stored > found) {
                leaks++;
                addMessage(tally, "Leaked cluster " + cluster + " refcount=" + stored + " reference=" + found);
            } else if (stored < found) {
                tally.corruption("ERROR cluster " + cluster + " refcount=" + stored + " reference=" + found);
            }
            if (stored > 0 || found > 0) {
                highest = cluster;
            }
        }
        checkCopiedFlags(tally);
        long totalClusters = state.clustersFor(state.header().sizeBytes());
        return new CheckResult(tally.corruptions, leaks, 0, 0, 0, (highest + 1) << state.clusterBits,
                tally.allocated, tally.compressed, tally.fragmented, totalClusters, tally.messages);
    }

    private static void addMessage(Tally tally, String message) {
        if (tally.messages.size() < MAX_MESSAGES) {
            tally.messages.add(message);
        }
    }

    private Tally tally(boolean includeRefcountStructure) throws IOException {
        Tally tally = new Tally(state.clustersFor(state.file.sizeBytes()));
        tally.count(0, state.clusterSize);
        tally.count(state.header().l1TableOffset(), state.l1.length * 8L);
        countL1(tally, state.l1, true);
        List<SnapshotEntry> entries = snapshots.entries();
        tally.count(state.header().snapshotsOffset(), SnapshotTableCodec.encodedLength(entries));
        for (SnapshotEntry entry : entries) {
            tally.count(entry.l1TableOffset(), entry.l1Size() * 8L);
            countL1(tally, snapshots.readL1(entry), false);
        }
        if (includeRefcountStructure) {
            tally.count(state.refcounts.tableOffset(), (long) state.refcounts.tableClusters() << state.clusterBits);
            for (long blockOffset : state.refcounts.blockOffsets()) {
                if (blockOffset != 0) {
                    tally.count(blockOffset, state.clusterSize);
                }
            }
        }
        return tally;
    }

    private void countL1(Tally tally, long[] l1, boolean active) throws IOException {
        long fileSize = state.file.sizeBytes();
        for (int i = 0; i < l1.length; i++) {
            long tableOffset = l1[i] & L2Entry.L1_OFFSET_MASK;
            if ((l1[i] & L2Entry.L1_RESERVED_MASK) != 0) {
                tally.corruption("ERROR: L1 entry " + i + " has reserved bits set: 0x" + Long.toHexString(l1[i]));
            }
            if (tableOffset == 0) {
                continue;
            }
            if ((tableOffset & (state.clusterSize - 1)) != 0 || tableOffset >= fileSize) {
                tally.corruption("ERROR: L2 table offset 0x" + Long.toHexString(tableOffset)
                        + " misaligned or beyond the end of the file (L1 index " + i + ")");
                continue;
            }
            tally.count(tableOffset, state.clusterSize);
            long nextContiguous = 0;
            for (long entry : state.l2Cache.table(tableOffset)) {
                nextContiguous = countL2Entry(tally, entry, active, nextContiguous);
            }
        }
    }

    /**
     * Counts one L2 entry's references and, for the active state, its allocation as qemu-img reports
     * it: a data cluster is fragmented when it does not follow the previous data cluster of the same
     * L2 table on the host ({@code nextContiguous}, 0 for none yet); compressed clusters always are.
     *
     * @return where the next data cluster would follow this one's
     */
    private long countL2Entry(Tally tally, long entry, boolean active, long nextContiguous) throws IOException {
        ClusterType type = L2Entry.type(entry);
        if (type == ClusterType.COMPRESSED) {
            if ((entry & L2Entry.COPIED) != 0) {
                tally.corruption("ERROR: compressed cluster entry 0x" + Long.toHexString(entry) + " has COPIED set");
            }
            long start = L2Entry.compressedHostOffset(entry, state.clusterBits);
            tally.count(start, L2Entry.compressedSizeBytes(entry, state.clusterBits));
        } else if (L2Entry.hasReservedBits(entry)) {
            tally.corruption("ERROR: L2 entry 0x" + Long.toHexString(entry) + " has reserved bits set");
            return nextContiguous;
        } else if (type == ClusterType.NORMAL || type == ClusterType.ZERO_ALLOC) {
            tally.count(L2Entry.hostOffset(entry), state.clusterSize);
        }
        if (!active || type == ClusterType.UNALLOCATED || type == ClusterType.ZERO_PLAIN) {
            return nextContiguous;
        }
        tally.allocated++;
        if (type == ClusterType.COMPRESSED) {
            tally.compressed++;
            tally.fragmented++;
            return nextContiguous;
        }
        long host = L2Entry.hostOffset(entry);
        if (nextContiguous != 0 && host != nextContiguous) {
            tally.fragmented++;
        }
        return host + state.clusterSize;
    }

    private void checkCopiedFlags(Tally tally) throws IOException {
        for (int i = 0; i < state.l1.length; i++) {
            long tableOffset = state.l1[i] & L2Entry.L1_OFFSET_MASK;
            if (tableOffset == 0 || (tableOffset & (state.clusterSize - 1)) != 0
                    || tableOffset >= state.file.sizeBytes()) {
                continue;
            }
            long refcount = state.refcounts.refcount(tableOffset >> state.clusterBits);
            if ((refcount == 1) != ((state.l1[i] & L2Entry.COPIED) != 0)) {
                tally.corruption("ERROR OFLAG_COPIED L2 cluster: l1_index=" + i + " l1_entry="
                        + Long.toHexString(state.l1[i]) + " refcount=" + refcount);
            }
            for (long entry : state.l2Cache.table(tableOffset)) {
                ClusterType type = L2Entry.type(entry);
                if (type != ClusterType.NORMAL && type != ClusterType.ZERO_ALLOC) {
                    continue;
                }
                long dataRefcount = state.refcounts.refcount(L2Entry.hostOffset(entry) >> state.clusterBits);
                if ((dataRefcount == 1) != ((entry & L2Entry.COPIED) != 0)) {
                    tally.corruption("ERROR OFLAG_COPIED data cluster: l2_entry=" + Long.toHexString(entry)
                            + " refcount=" + dataRefcount);
                }
            }
        }
    }

    /**
     * Repairs the image and checks it again. LEAKS lowers leaked refcounts; ALL rebuilds the
     * refcount structure at the end of the file and recomputes COPIED flags.
     */
    CheckResult repair(RepairMode mode) throws IOException {
        CheckResult before = check();
        List<String> messages = new ArrayList<>(before.messages());
        if (mode == RepairMode.LEAKS || before.corruptions() == 0) {
            messages.addAll(fixLeaks());
        } else {
            rebuildRefcounts();
            walk.fixCopiedFlags();
        }
        state.refcounts.commit();
        CheckResult after = check();
        messages.addAll(after.messages());
        long leaksFixed = Math.max(0, before.leaks() - after.leaks());
        long corruptionsFixed = Math.max(0, before.corruptions() - after.corruptions());
        return new CheckResult(after.corruptions(), after.leaks(), after.checkErrors(), corruptionsFixed,
                leaksFixed, after.imageEndOffset(), after.allocatedClusters(), after.compressedClusters(),
                after.fragmentedClusters(), after.totalClusters(), messages.subList(0,
                Math.min(messages.size(), MAX_MESSAGES)));
    }

    /** Lowers every leaked refcount to the references found; one line per cluster, as qemu-img prints. */
    private List<String> fixLeaks() throws IOException {
        Tally tally = tally(true);
        List<String> repaired = new ArrayList<>();
        for (int cluster = 0; cluster < tally.refs.length; cluster++) {
            long stored = state.refcounts.refcount(cluster);
            if (stored > tally.refs[cluster]) {
                if (repaired.size() < MAX_MESSAGES) {
                    repaired.add("Repairing cluster " + cluster + " refcount=" + stored + " reference="
                            + tally.refs[cluster]);
                }
                state.refcounts.update(cluster, tally.refs[cluster] - stored);
            }
        }
        return repaired;
    }

    /**
     * Writes a complete new refcount structure after the end of the file from the references
     * found, switches the header to it, and drops the old one (its clusters become free).
     */
    void rebuildRefcounts() throws IOException {
        Tally tally = tally(false);
        int order = state.header().refcountOrder();
        long entriesPerBlock = RefcountBlockCodec.entriesPerBlock(state.clusterBits, order);
        long base = tally.refs.length;
        long blocks = 1;
        long tableClusters = 1;
        while (true) {
            long covered = base + blocks + tableClusters;
            long neededBlocks = (covered + entriesPerBlock - 1) / entriesPerBlock;
            long neededTable = state.clustersFor(neededBlocks * 8);
            if (neededBlocks <= blocks && neededTable <= tableClusters) {
                break;
            }
            blocks = Math.max(blocks, neededBlocks);
            tableClusters = Math.max(tableClusters, neededTable);
        }
        long[] table = new long[(int) (tableClusters * state.clusterSize / 8)];
        long structureEnd = base + blocks + tableClusters;
        for (long b = 0; b < blocks; b++) {
            byte[] block = new byte[state.clusterSize];
            for (long i = 0; i < entriesPerBlock; i++) {
                long cluster = b * entriesPerBlock + i;
                long value = cluster < base ? tally.refs[(int) cluster] : cluster < structureEnd ? 1 : 0;
                if (value > state.refcounts.maxRefcount()) {
                    throw new Qcow2CorruptException("cluster " + cluster + " has " + value
                            + " references, more than the refcount width allows");
                }
                RefcountBlockCodec.set(block, (int) i, order, value);
            }
            table[(int) b] = (base + b) << state.clusterBits;
            state.file.write(table[(int) b], block);
        }
        long tableOffset = (base + blocks) << state.clusterBits;
        ByteBuffer raw = ByteBuffer.allocate(table.length * 8);
        raw.asLongBuffer().put(table);
        state.file.write(tableOffset, raw.array());
        // The complete new structure is durable before the header points at it.
        state.file.barrier();
        state.writeHeader(state.header().withRefcountTable(tableOffset, (int) tableClusters));
        state.refcounts.replace(tableOffset, table);
    }
}
