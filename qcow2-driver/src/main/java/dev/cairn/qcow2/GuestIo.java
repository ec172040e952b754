package dev.cairn.qcow2;

import dev.cairn.qcow2.format.ClusterType;
import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Guest reads and writes, cluster by cluster: allocation and copy-on-write of data clusters,
 * zero clusters, fall-through to the backing layer and inflation of compressed clusters.
 *
 * <p>Write ordering per request: new clusters are allocated and their data written; then one
 * {@link RefcountTable#commit()} makes refcounts and data durable; then the L2 entries are
 * written; then, after another barrier, clusters no longer referenced lose their refcount.
 * A crash anywhere leaves at worst leaked clusters. Not thread-safe.
 */
final class GuestIo {

    private record PendingEntry(long tableOffset, int index, long value) {
    }

    private static final int MAX_PENDING = 4096;
    /** Largest single data write {@link #writeData} builds. */
    private static final int MAX_RUN_BYTES = 8 << 20;

    private final ImageState state;
    private final ClusterMap map;
    private final List<PendingEntry> pending = new ArrayList<>();
    /** A pending entry points at a cluster allocated (or data written) since the last commit. */
    private boolean pendingNeedsCommit;
    private long inflatedEntry = -1;
    /** Host cluster receiving compressed streams, 0 when none. */
    private long packingCluster;
    private int packingUsedBytes;
    private byte[] inflatedCluster;
    /** Data queued by {@link #writeData}: {@code runBytes} at {@code runHost} from {@code runData}. */
    private long runHost;
    private byte[] runData;
    private int runDataOff;
    private int runBytes;

    GuestIo(ImageState state, ClusterMap map) {
        this.state = state;
        this.map = map;
    }

    /** Reads guest bytes as seen through {@code l1} (the active L1 or a snapshot's). */
    void read(long[] l1, long offset, byte[] buf, int off, int len) throws IOException {
        while (len > 0) {
            long guestCluster = offset >> state.clusterBits;
            int inCluster = (int) (offset & (state.clusterSize - 1));
            int chunk = Math.min(len, state.clusterSize - inCluster);
            long entry = map.entry(l1, guestCluster);
            if (L2Entry.type(entry) == ClusterType.NORMAL) {
                chunk = contiguousNormalBytes(l1, guestCluster, checkedHost(entry), inCluster, len);
            }
            readChunk(entry, guestCluster, inCluster, buf, off, chunk);
            offset += chunk;
            off += chunk;
            len -= chunk;
        }
    }

    /** Length of the run of guest clusters whose host clusters follow each other, for one read. */
    private int contiguousNormalBytes(long[] l1, long guestCluster, long hostOffset, int inCluster, int len)
            throws IOException {
        int chunk = Math.min(len, state.clusterSize - inCluster);
        long expectedHost = hostOffset + state.clusterSize;
        long next = guestCluster + 1;
        while (chunk < len) {
            long entry = map.entry(l1, next);
            if (L2Entry.type(entry) != ClusterType.NORMAL || L2Entry.hostOffset(entry) != expectedHost) {
                break;
            }
            chunk += Math.min(len - chunk, state.clusterSize);
            expectedHost += state.clusterSize;
            next++;
        }
        return chunk;
    }

    private void readChunk(long entry, long guestCluster, int inCluster, byte[] buf, int off, int len)
            throws IOException {
        switch (L2Entry.type(entry)) {
            case NORMAL -> state.file.read(checkedHost(entry) + inCluster, buf, off, len);
            case ZERO_PLAIN, ZERO_ALLOC -> Arrays.fill(buf, off, off + len, (byte) 0);
            case UNALLOCATED -> readBacking((guestCluster << state.clusterBits) + inCluster, buf, off, len);
            case COMPRESSED -> System.arraycopy(inflate(entry), inCluster, buf, off, len);
            default -> throw new IllegalStateException();
        }
    }

    private long checkedHost(long entry) throws IOException {
        long host = L2Entry.hostOffset(entry);
        if (L2Entry.hasReservedBits(entry) || host >= state.file.sizeBytes() + state.clusterSize) {
            throw new Qcow2CorruptException("L2 entry 0x" + Long.toHexString(entry)
                    + " has reserved bits set or points beyond the end of the file");
        }
        return host;
    }

    private void readBacking(long guestOffset, byte[] buf, int off, int len) throws IOException {
        BackingLayer backing = state.backing;
        long available = backing == null ? 0 : Math.max(0, backing.capacityBytes() - guestOffset);
        int fromBacking = (int) Math.min(len, available);
        if (fromBacking > 0) {
            backing.read(guestOffset, buf, off, fromBacking);
        }
        Arrays.fill(buf, off + fromBacking, off + len, (byte) 0);
    }

    /** Inflates a compressed cluster (raw deflate, as QEMU writes it); caches the last one. */
    byte[] inflate(long entry) throws IOException {
        long plainEntry = entry & ~L2Entry.COPIED;
        if (plainEntry == inflatedEntry) {
            return inflatedCluster;
        }
        long hostOffset = L2Entry.compressedHostOffset(entry, state.clusterBits);
        int sizeBytes = L2Entry.compressedSizeBytes(entry, state.clusterBits);
        if (hostOffset >= state.file.sizeBytes()) {
            throw new Qcow2CorruptException("compressed cluster at 0x" + Long.toHexString(hostOffset)
                    + " lies beyond the end of the file");
        }
        byte[] input = state.file.read(hostOffset, sizeBytes);
        byte[] output = new byte[state.clusterSize];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int produced = 0;
            while (produced < output.length && !inflater.finished() && !inflater.needsInput()) {
                produced += inflater.inflate(output, produced, output.length - produced);
            }
            if (produced != output.length) {
                throw new Qcow2CorruptException("compressed cluster at 0x" + Long.toHexString(hostOffset)
                        + " inflates to " + produced + " bytes instead of " + output.length);
            }
        } catch (DataFormatException e) {
            throw new Qcow2CorruptException("compressed cluster at 0x" + Long.toHexString(hostOffset)
                    + " is not a valid deflate stream", e);
        } finally {
            inflater.end();
        }
        inflatedEntry = plainEntry;
        inflatedCluster = output;
        return output;
    }

    /** Writes guest bytes into the active image. */
    void write(long offset, byte[] buf, int off, int len) throws IOException {
        try {
            while (len > 0) {
                long guestCluster = offset >> state.clusterBits;
                int inCluster = (int) (offset & (state.clusterSize - 1));
                int chunk = Math.min(len, state.clusterSize - inCluster);
                writeChunk(guestCluster, inCluster, buf, off, chunk);
                offset += chunk;
                off += chunk;
                len -= chunk;
            }
        } catch (IOException | RuntimeException e) {
            // Entries queued so far stay pending, so their data must be written now, while the
            // caller's buffer still holds it (as when every cluster was written at once).
            try {
                writeRun();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        finishRequest();
    }

    private void writeChunk(long guestCluster, int inCluster, byte[] src, int srcOff, int len) throws IOException {
        boolean wholeCluster = len == state.clusterSize;
        boolean wholeZeroCluster = wholeCluster && state.hasZeroFlag() && ZeroBytes.isZero(src, srcOff, len);
        if (wholeZeroCluster && readsAsZeroAlready(map.activeEntry(guestCluster))) {
            return;
        }
        long tableOffset = map.tableForWrite(guestCluster);
        int index = (int) (guestCluster % state.l2Entries());
        long entry = state.l2Cache.entry(tableOffset, index);
        ClusterType type = L2Entry.type(entry);
        if (wholeZeroCluster) {
            // A cluster of zeroes becomes a zero cluster and its host cluster is released.
            setEntry(tableOffset, index, entry, L2Entry.ZERO);
            return;
        }
        if (type == ClusterType.NORMAL && (entry & L2Entry.COPIED) != 0) {
            state.file.write(checkedHost(entry) + inCluster, src, srcOff, len);
            return;
        }
        byte[] data = src;
        int dataOff = srcOff;
        if (!wholeCluster) {
            // Copy-on-write: keep the bytes the request does not cover (backing, zero, shared).
            data = new byte[state.clusterSize];
            dataOff = 0;
            readChunk(entry, guestCluster, 0, data, 0, state.clusterSize);
            System.arraycopy(src, srcOff, data, inCluster, len);
            if (state.hasZeroFlag() && ZeroBytes.isZero(data)) {
                setEntry(tableOffset, index, entry, L2Entry.ZERO);
                return;
            }
        }
        if (type == ClusterType.ZERO_ALLOC && (entry & L2Entry.COPIED) != 0) {
            long host = checkedHost(entry);
            writeData(host, data, dataOff);
            addPending(tableOffset, index, host | L2Entry.COPIED);
            return;
        }
        long host = state.refcounts.allocate(1);
        writeData(host, data, dataOff);
        setEntry(tableOffset, index, entry, host | L2Entry.COPIED);
    }

    /**
     * Queues one cluster of data for a newly referenced host cluster. Clusters that follow each
     * other on the host and in the caller's buffer go out as one write; the run is written before
     * the commit that precedes its L2 entries ({@link #writePending()}).
     */
    private void writeData(long hostOffset, byte[] data, int dataOff) throws IOException {
        pendingNeedsCommit = true;
        boolean extendsRun = runBytes > 0 && runData == data && hostOffset == runHost + runBytes
                && dataOff == runDataOff + runBytes && runBytes <= MAX_RUN_BYTES - state.clusterSize;
        if (!extendsRun) {
            writeRun();
            runHost = hostOffset;
            runData = data;
            runDataOff = dataOff;
        }
        runBytes += state.clusterSize;
    }

    private void writeRun() throws IOException {
        if (runBytes > 0) {
            state.file.write(runHost, runData, runDataOff, runBytes);
            runBytes = 0;
            runData = null;
        }
    }

    /**
     * Points {@code count} guest clusters from {@code guestCluster}, each unallocated or a plain
     * zero cluster, at newly allocated host clusters that follow each other, and returns the host
     * offset of the first. For filling a new image only: the entries are queued before the data
     * exists, so the file must be written with deferred ordering (nothing reads it before it is
     * closed), and the caller writes the data there ({@link HostFile#writeConcurrently}) before the
     * close.
     *
     * @throws IllegalStateException for an image written with ordered writes, or a cluster that
     *     already holds data
     */
    long mapNewClusters(long guestCluster, int count) throws IOException {
        if (!state.file.barriersDeferred()) {
            throw new IllegalStateException("clusters are mapped ahead of their data only in a new image");
        }
        long[] tables = new long[count];
        long[] entries = new long[count];
        int entriesPerTable = state.l2Entries();
        for (int i = 0; i < count; i++) {
            tables[i] = map.tableForWrite(guestCluster + i);
            entries[i] = state.l2Cache.entry(tables[i], (int) ((guestCluster + i) % entriesPerTable));
            ClusterType type = L2Entry.type(entries[i]);
            if (type != ClusterType.UNALLOCATED && type != ClusterType.ZERO_PLAIN) {
                throw new IllegalStateException("guest cluster " + (guestCluster + i) + " already holds data");
            }
        }
        long host = state.refcounts.allocate(count);
        state.file.reserve(host + ((long) count << state.clusterBits));
        pendingNeedsCommit = true;
        for (int i = 0; i < count; i++) {
            long hostCluster = host + ((long) i << state.clusterBits);
            setEntry(tables[i], (int) ((guestCluster + i) % entriesPerTable), entries[i], hostCluster | L2Entry.COPIED);
        }
        finishRequest();
        return host;
    }

    /**
     * Writes one whole guest cluster compressed (raw deflate, as QEMU). Streams are packed
     * byte-contiguously into a host cluster that gains one refcount per stream; a stream that
     * does not fit starts a new host cluster (streams never straddle). Data that does not
     * deflate below {@code clusterSize - 1} bytes is written uncompressed, as QEMU does.
     */
    void writeCompressed(long guestCluster, byte[] cluster) throws IOException {
        byte[] stream = deflate(cluster);
        if (stream == null) {
            write(guestCluster << state.clusterBits, cluster, 0, cluster.length);
            return;
        }
        long hostOffset = packStream(stream.length);
        state.file.write(hostOffset, stream);
        pendingNeedsCommit = true;
        long tableOffset = map.tableForWrite(guestCluster);
        int index = (int) (guestCluster % state.l2Entries());
        setEntry(tableOffset, index, state.l2Cache.entry(tableOffset, index),
                L2Entry.compressed(hostOffset, stream.length, state.clusterBits));
        finishRequest();
    }

    private byte[] deflate(byte[] cluster) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(cluster);
            deflater.finish();
            byte[] output = new byte[state.clusterSize];
            int length = 0;
            while (!deflater.finished() && length < output.length) {
                length += deflater.deflate(output, length, output.length - length);
            }
            return deflater.finished() && length <= state.clusterSize - 1 ? Arrays.copyOf(output, length) : null;
        } finally {
            deflater.end();
        }
    }

    /** Reserves {@code length} bytes for a compressed stream and counts the reference. */
    private long packStream(int length) throws IOException {
        if (packingCluster != 0 && packingUsedBytes + length <= state.clusterSize
                && state.refcounts.refcount(packingCluster >> state.clusterBits) < state.refcounts.maxRefcount()) {
            long hostOffset = packingCluster + packingUsedBytes;
            state.refcounts.update(packingCluster >> state.clusterBits, 1);
            packingUsedBytes += length;
            return hostOffset;
        }
        packingCluster = state.refcounts.allocate(1);
        packingUsedBytes = length;
        return packingCluster;
    }

    /** Stops packing into a host cluster that was freed (it may be reused for anything). */
    void forgetFreedCluster(long hostOffset) {
        if (hostOffset == packingCluster) {
            packingCluster = 0;
            packingUsedBytes = 0;
        }
    }

    /** Makes the range read as zeroes; whole clusters become zero clusters (v3). */
    void zero(long offset, long len) throws IOException {
        while (len > 0) {
            long guestCluster = offset >> state.clusterBits;
            int inCluster = (int) (offset & (state.clusterSize - 1));
            int chunk = (int) Math.min(len, state.clusterSize - inCluster);
            if (chunk < state.clusterSize) {
                writeChunk(guestCluster, inCluster, new byte[chunk], 0, chunk);
            } else {
                zeroCluster(guestCluster);
            }
            offset += chunk;
            len -= chunk;
        }
        finishRequest();
    }

    private void zeroCluster(long guestCluster) throws IOException {
        ClusterType type = L2Entry.type(map.activeEntry(guestCluster));
        boolean hasBacking = state.backing != null;
        if (type == ClusterType.ZERO_PLAIN || (type == ClusterType.UNALLOCATED && !hasBacking)) {
            return;
        }
        if (!state.hasZeroFlag() && hasBacking) {
            writeChunk(guestCluster, 0, new byte[state.clusterSize], 0, state.clusterSize);
            return;
        }
        long tableOffset = map.tableForWrite(guestCluster);
        int index = (int) (guestCluster % state.l2Entries());
        long entry = state.l2Cache.entry(tableOffset, index);
        setEntry(tableOffset, index, entry, state.hasZeroFlag() ? L2Entry.ZERO : 0);
    }

    /**
     * Removes the active mapping of whole clusters in the range so that they read from the
     * backing file again (used after a commit empties an overlay); partial clusters are kept.
     */
    void unmap(long offset, long len) throws IOException {
        long first = (offset + state.clusterSize - 1) >> state.clusterBits;
        long end = (offset + len) >> state.clusterBits;
        for (long guestCluster = first; guestCluster < end; guestCluster++) {
            if (L2Entry.type(map.activeEntry(guestCluster)) == ClusterType.UNALLOCATED) {
                continue;
            }
            long tableOffset = map.tableForWrite(guestCluster);
            int index = (int) (guestCluster % state.l2Entries());
            setEntry(tableOffset, index, state.l2Cache.entry(tableOffset, index), 0);
        }
        finishRequest();
    }

    /** Queues a new L2 entry and the release of whatever the old entry referenced. */
    private void setEntry(long tableOffset, int index, long oldEntry, long newEntry) throws IOException {
        addPending(tableOffset, index, newEntry);
        deferRelease(oldEntry);
    }

    private void addPending(long tableOffset, int index, long value) throws IOException {
        pending.add(new PendingEntry(tableOffset, index, value));
        if (pending.size() >= MAX_PENDING) {
            writePending();
        }
    }

    /** Schedules the refcount drop of the host clusters an L2 entry referenced. */
    void deferRelease(long entry) {
        switch (L2Entry.type(entry)) {
            case NORMAL, ZERO_ALLOC -> state.refcounts.deferFree(L2Entry.hostOffset(entry) >> state.clusterBits, 1);
            case COMPRESSED -> {
                long start = L2Entry.compressedHostOffset(entry, state.clusterBits);
                long end = start + L2Entry.compressedSizeBytes(entry, state.clusterBits) - 1;
                long first = start >> state.clusterBits;
                state.refcounts.deferFree(first, (end >> state.clusterBits) - first + 1);
            }
            default -> {
            }
        }
    }

    private void writePending() throws IOException {
        writeRun();
        if (pendingNeedsCommit) {
            // Refcounts of new clusters and their data durable before the entries point at them.
            state.refcounts.commit();
            pendingNeedsCommit = false;
        }
        int start = 0;
        while (start < pending.size()) {
            long tableOffset = pending.get(start).tableOffset;
            long[] values = state.l2Cache.table(tableOffset).clone();
            int first = Integer.MAX_VALUE;
            int last = -1;
            int end = start;
            while (end < pending.size() && pending.get(end).tableOffset == tableOffset) {
                PendingEntry entry = pending.get(end++);
                values[entry.index] = entry.value;
                first = Math.min(first, entry.index);
                last = Math.max(last, entry.index);
            }
            state.l2Cache.setEntries(tableOffset, first, last, values);
            start = end;
        }
        pending.clear();
        inflatedEntry = -1;
    }

    /**
     * Ends a request: entries written, then released clusters lose their refcount (in memory;
     * the blocks reach the disk at the next commit, flush or eviction, which is always later).
     */
    private void finishRequest() throws IOException {
        writePending();
        state.refcounts.releaseDeferred();
    }

    private boolean readsAsZeroAlready(long entry) {
        ClusterType type = L2Entry.type(entry);
        return type == ClusterType.ZERO_PLAIN || (type == ClusterType.UNALLOCATED && state.backing == null);
    }
}
