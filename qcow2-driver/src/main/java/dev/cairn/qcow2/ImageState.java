package dev.cairn.qcow2;

import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.Qcow2Header;
import java.io.IOException;

/**
 * The mutable runtime state of one open image, shared by the concerns that operate on it
 * (cluster map, guest I/O, snapshots, check). Only the header and the active L1 live here;
 * the refcount structure and L2 tables have their own classes. Not thread-safe: the owning
 * {@link Qcow2Image} is used by one thread at a time.
 */
final class ImageState {

    final HostFile file;
    final int clusterBits;
    final int clusterSize;
    final L2Cache l2Cache;
    RefcountTable refcounts;
    BackingLayer backing;
    private Qcow2Header header;
    /** Active L1 table, {@code header.l1Size()} entries. */
    long[] l1;

    ImageState(HostFile file, Qcow2Header header, long l2CacheBytes) {
        this.file = file;
        this.header = header;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l2Cache = new L2Cache(file, clusterSize, l2CacheBytes);
    }

    Qcow2Header header() {
        return header;
    }

    int l2Entries() {
        return clusterSize / 8;
    }

    boolean hasZeroFlag() {
        return header.version() >= 3;
    }

    /**
     * Rewrites cluster 0 with {@code newHeader} and makes it durable. Callers make every
     * structure the new header points at durable first; what the old header pointed at is
     * freed only after this returns (qcow2 ordering: new copy, switch pointer, free old).
     */
    void writeHeader(Qcow2Header newHeader) throws IOException {
        byte[] encoded = HeaderCodec.encode(newHeader);
        file.barrier();
        file.write(0, encoded);
        file.barrier();
        header = newHeader;
    }

    long clustersFor(long bytes) {
        return (bytes + clusterSize - 1) >> clusterBits;
    }
}
