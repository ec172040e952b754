package dev.cairn.qcow2.format;

/**
 * Bit layout of L1 and standard L2 entries (qcow2.txt "Cluster mapping", QEMU qcow2.h masks).
 * Pure static functions over the raw 64-bit values.
 */
public final class L2Entry {

    /** Bit 63: the referenced cluster has refcount exactly 1 and may be written in place. */
    public static final long COPIED = 1L << 63;
    /** Bit 62: the cluster is compressed. */
    public static final long COMPRESSED = 1L << 62;
    /** Bit 0 (v3): the cluster reads as zeroes. */
    public static final long ZERO = 1L;
    /** Bits 9..55: host cluster offset of standard entries. */
    public static final long OFFSET_MASK = 0x00FFFFFFFFFFFE00L;
    /** Reserved bits of standard L2 entries. */
    public static final long STD_RESERVED_MASK = 0x3F000000000001FEL;
    /** Reserved bits of L1 entries. */
    public static final long L1_RESERVED_MASK = 0x7F000000000001FFL;
    /** Bits 9..55 of an L1 entry: the L2 table offset. */
    public static final long L1_OFFSET_MASK = 0x00FFFFFFFFFFFE00L;
    /** Compressed streams are accounted in 512-byte sectors. */
    public static final int COMPRESSED_SECTOR_SIZE = 512;

    private L2Entry() {
    }

    /** Classifies an L2 entry the way QEMU's qcow2_get_cluster_type does. */
    public static ClusterType type(long entry) {
        if ((entry & COMPRESSED) != 0) {
            return ClusterType.COMPRESSED;
        }
        long hostOffset = entry & OFFSET_MASK;
        if ((entry & ZERO) != 0) {
            return hostOffset == 0 ? ClusterType.ZERO_PLAIN : ClusterType.ZERO_ALLOC;
        }
        return hostOffset == 0 ? ClusterType.UNALLOCATED : ClusterType.NORMAL;
    }

    /** Host cluster offset of a standard (non-compressed) entry. */
    public static long hostOffset(long entry) {
        return entry & OFFSET_MASK;
    }

    /** Bit position x where the sector count starts: {@code 62 - (clusterBits - 8)}. */
    public static int compressedOffsetBits(int clusterBits) {
        return 62 - (clusterBits - 8);
    }

    /** Byte offset of the compressed stream of a compressed entry. */
    public static long compressedHostOffset(long entry, int clusterBits) {
        return entry & ((1L << compressedOffsetBits(clusterBits)) - 1);
    }

    /**
     * Bytes to read for a compressed entry: {@code (nsec + 1) * 512 - (offset & 511)}; may run
     * past the stream's real end (the next stream or EOF follow).
     */
    public static int compressedSizeBytes(long entry, int clusterBits) {
        int x = compressedOffsetBits(clusterBits);
        long sectors = ((entry & ~COPIED & ~COMPRESSED) >>> x) + 1;
        long offset = compressedHostOffset(entry, clusterBits);
        return (int) (sectors * COMPRESSED_SECTOR_SIZE - (offset & (COMPRESSED_SECTOR_SIZE - 1)));
    }

    /** Builds a compressed entry for a stream of {@code lengthBytes} at {@code hostOffset}. */
    public static long compressed(long hostOffset, int lengthBytes, int clusterBits) {
        long sectors = ((hostOffset + lengthBytes - 1) >> 9) - (hostOffset >> 9);
        return COMPRESSED | (sectors << compressedOffsetBits(clusterBits)) | hostOffset;
    }

    /** Whether a standard entry carries reserved bits (a corruption). */
    public static boolean hasReservedBits(long entry) {
        return (entry & COMPRESSED) == 0 && (entry & STD_RESERVED_MASK) != 0;
    }
}
