package dev.cairn.qcow2.format;

/**
 * Feature bits of the qcow2 v3 header (qcow2.txt bytes 72..95) and the feature name table QEMU
 * 7.2 writes for them.
 */
public final class Features {

    /** Incompatible bit 0: refcounts may be inaccurate and must be rebuilt before writing. */
    public static final long INCOMPAT_DIRTY = 1L;
    /** Incompatible bit 1: metadata is known to be corrupt; no writes until repaired. */
    public static final long INCOMPAT_CORRUPT = 1L << 1;
    /** Incompatible bit 2: guest data lives in an external data file. */
    public static final long INCOMPAT_DATA_FILE = 1L << 2;
    /** Incompatible bit 3: the compression_type header field is not zlib. */
    public static final long INCOMPAT_COMPRESSION = 1L << 3;
    /** Incompatible bit 4: L2 entries are 128 bits wide with subcluster bitmaps. */
    public static final long INCOMPAT_EXTL2 = 1L << 4;
    /** Incompatible bits this engine can open (the others are refused). */
    public static final long INCOMPAT_SUPPORTED = INCOMPAT_DIRTY | INCOMPAT_CORRUPT;

    /** Compatible bit 0: refcount updates may be deferred while the dirty bit is set. */
    public static final long COMPAT_LAZY_REFCOUNTS = 1L;

    /** Autoclear bit 0: the bitmaps extension is consistent. */
    public static final long AUTOCLEAR_BITMAPS = 1L;

    /** Extension type: end of the extension list. */
    public static final int EXT_END = 0;
    /** Extension type: backing file format name. */
    public static final int EXT_BACKING_FORMAT = 0xE2792ACA;
    /** Extension type: feature name table. */
    public static final int EXT_FEATURE_TABLE = 0x6803F857;

    /** Feature table rows as QEMU 7.2 emits them: {type, bit, name}. */
    static final Object[][] FEATURE_TABLE = {
        {0, 0, "dirty bit"}, {0, 1, "corrupt bit"}, {0, 2, "external data file"},
        {0, 3, "compression type"}, {0, 4, "extended L2 entries"}, {1, 0, "lazy refcounts"},
        {2, 0, "bitmaps"}, {2, 1, "raw external data"},
    };

    /** Bytes per feature table row: u8 type, u8 bit, char name[46]. */
    static final int FEATURE_ROW_BYTES = 48;

    private Features() {
    }

    /**
     * Names the incompatible bits in {@code mask} for error messages, using the feature names
     * of QEMU's table where known ("bit 5", "extended L2 entries (bit 4)").
     */
    public static String describeIncompatible(long mask) {
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) == 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(incompatibleName(bit)).append(" (bit ").append(bit).append(')');
        }
        return text.toString();
    }

    private static String incompatibleName(int bit) {
        for (Object[] row : FEATURE_TABLE) {
            if ((int) row[0] == 0 && (int) row[1] == bit) {
                return (String) row[2];
            }
        }
        return "unknown incompatible feature";
    }
}
