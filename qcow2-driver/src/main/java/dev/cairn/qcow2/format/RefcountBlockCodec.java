package dev.cairn.qcow2.format;

/**
 * Reads and writes refcount entries inside a refcount block (qcow2.txt "Host cluster
 * management"). Widths below 8 bits pack several entries per byte starting at the least
 * significant bits; 16/32/64-bit entries are big-endian.
 */
public final class RefcountBlockCodec {

    private RefcountBlockCodec() {
    }

    /** Entries held by one refcount block: {@code clusterSize * 8 / refcountBits}. */
    public static long entriesPerBlock(int clusterBits, int refcountOrder) {
        return (1L << (clusterBits + 3)) >>> refcountOrder;
    }

    /** Largest refcount an entry can hold, {@code 2^bits - 1} (unsigned for order 6). */
    public static long maxRefcount(int refcountOrder) {
        int bits = 1 << refcountOrder;
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** The refcount at {@code index}. Values of 64-bit entries above 2^63-1 read as negative. */
    public static long get(byte[] block, int index, int refcountOrder) {
        int bits = 1 << refcountOrder;
        if (bits < 8) {
            int perByte = 8 / bits;
            int shift = (index % perByte) * bits;
            return ((block[index / perByte] & 0xFF) >>> shift) & ((1 << bits) - 1);
        }
        int bytes = bits / 8;
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = (value << 8) | (block[index * bytes + i] & 0xFF);
        }
        return value;
    }

    /**
     * Stores {@code value} at {@code index}.
     *
     * @return the byte range touched, as {@code (firstByte << 32) | lengthBytes}
     */
    public static long set(byte[] block, int index, int refcountOrder, long value) {
        int bits = 1 << refcountOrder;
        if (bits < 8) {
            int perByte = 8 / bits;
            int shift = (index % perByte) * bits;
            int mask = ((1 << bits) - 1) << shift;
            int at = index / perByte;
            block[at] = (byte) ((block[at] & ~mask) | (((int) value << shift) & mask));
            return ((long) at << 32) | 1;
        }
        int bytes = bits / 8;
        for (int i = bytes - 1; i >= 0; i--) {
            block[index * bytes + i] = (byte) value;
            value >>>= 8;
        }
        return ((long) index * bytes << 32) | bytes;
    }
}
