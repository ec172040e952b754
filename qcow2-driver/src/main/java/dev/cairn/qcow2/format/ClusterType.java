package dev.cairn.qcow2.format;

/** What a standard (64-bit) L2 entry describes (qcow2.txt "Cluster mapping"). */
public enum ClusterType {
    /** No host cluster: reads fall through to the backing file, or zeroes without one. */
    UNALLOCATED,
    /** Reads as zeroes, no host cluster, no backing fall-through (v3 zero flag, offset 0). */
    ZERO_PLAIN,
    /** Reads as zeroes; a preallocated host cluster is kept and refcounted. */
    ZERO_ALLOC,
    /** Guest data stored uncompressed in one host cluster. */
    NORMAL,
    /** Guest data stored as a raw-deflate stream at an unaligned host offset. */
    COMPRESSED
}
