package dev.cairn.qcow2.format;

import java.util.HexFormat;
import java.util.List;

/**
 * The decoded qcow2 header (qcow2.txt "Header"), including the pieces stored after the fixed
 * fields in cluster 0: the backing file name, the backing format extension and the extensions
 * this engine does not interpret. Field names follow the specification.
 *
 * <p>{@code backingFileOffset}/{@code backingFileSize} are not components: the codec derives
 * them from where the name lands. An empty {@code backingFileName} means "no backing file"; an
 * empty {@code backingFormat} means "no backing format extension".
 *
 * @param version 2 or 3
 * @param clusterBits 9..21
 * @param sizeBytes the virtual disk size
 * @param cryptMethod 0 for none (others are refused by {@link HeaderCodec#decode})
 * @param l1Size number of active L1 entries
 * @param l1TableOffset host offset of the active L1 table (0 allowed when l1Size is 0)
 * @param refcountTableOffset host offset of the refcount table
 * @param refcountTableClusters clusters occupied by the refcount table
 * @param nbSnapshots number of internal snapshots
 * @param snapshotsOffset host offset of the snapshot table (0 when none)
 * @param incompatibleFeatures incompatible feature bits (v3)
 * @param compatibleFeatures compatible feature bits (v3)
 * @param autoclearFeatures autoclear feature bits (v3)
 * @param refcountOrder refcount entry width is {@code 1 << refcountOrder} bits (v2: 4)
 * @param headerLength 72 for v2; >= 104 and a multiple of 8 for v3
 * @param compressionType 0 (deflate); only meaningful when headerLength > 104
 * @param unknownHeaderFields bytes 105..headerLength-1, preserved verbatim
 * @param backingFileName backing file name exactly as stored, or ""
 * @param backingFormat backing format name, or ""
 * @param unknownExtensions extensions preserved verbatim, in on-disk order
 */
public record Qcow2Header(
        int version, int clusterBits, long sizeBytes, int cryptMethod, int l1Size, long l1TableOffset,
        long refcountTableOffset, int refcountTableClusters, int nbSnapshots, long snapshotsOffset,
        long incompatibleFeatures, long compatibleFeatures, long autoclearFeatures, int refcountOrder,
        int headerLength, int compressionType, byte[] unknownHeaderFields, String backingFileName,
        String backingFormat, List<HeaderExtension> unknownExtensions) {

    /** Header length QEMU 7.2 writes for v3 images: fixed fields + compression_type + padding. */
    public static final int V3_HEADER_LENGTH = 112;
    /** Fixed header length of v2 images. */
    public static final int V2_HEADER_LENGTH = 72;

    public Qcow2Header {
        unknownHeaderFields = unknownHeaderFields.clone();
        unknownExtensions = List.copyOf(unknownExtensions);
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version must be 2 or 3: " + version);
        }
        if (clusterBits < 9 || clusterBits > 21) {
            throw new IllegalArgumentException("cluster_bits must be 9..21: " + clusterBits);
        }
        if (refcountOrder < 0 || refcountOrder > 6) {
            throw new IllegalArgumentException("refcount_order must be 0..6: " + refcountOrder);
        }
        if (version == 2 && (refcountOrder != 4 || headerLength != V2_HEADER_LENGTH)) {
            throw new IllegalArgumentException("v2 headers have refcount_order 4 and length 72");
        }
    }

    /** A fresh v3 or v2 header with QEMU's defaults and no tables yet. */
    public static Qcow2Header fresh(int version, int clusterBits, long sizeBytes, int refcountOrder) {
        int length = version == 3 ? V3_HEADER_LENGTH : V2_HEADER_LENGTH;
        byte[] padding = new byte[version == 3 ? V3_HEADER_LENGTH - 105 : 0];
        return new Qcow2Header(version, clusterBits, sizeBytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                refcountOrder, length, 0, padding, "", "", List.of());
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    @Override
    public byte[] unknownHeaderFields() {
        return unknownHeaderFields.clone();
    }

    public Qcow2Header withL1(long newL1TableOffset, int newL1Size) {
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, newL1Size, newL1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, backingFileName, backingFormat, unknownExtensions);
    }

    public Qcow2Header withRefcountTable(long newOffset, int newClusters) {
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, l1Size, l1TableOffset,
                newOffset, newClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, backingFileName, backingFormat, unknownExtensions);
    }

    public Qcow2Header withSnapshots(int newCount, long newOffset) {
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, newCount, newOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, backingFileName, backingFormat, unknownExtensions);
    }

    public Qcow2Header withSize(long newSizeBytes) {
        return new Qcow2Header(version, clusterBits, newSizeBytes, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, backingFileName, backingFormat, unknownExtensions);
    }

    public Qcow2Header withFeatures(long incompatible, long compatible, long autoclear) {
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatible,
                compatible, autoclear, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, backingFileName, backingFormat, unknownExtensions);
    }

    public Qcow2Header withBacking(String newBackingFileName, String newBackingFormat) {
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType,
                unknownHeaderFields, newBackingFileName, newBackingFormat, unknownExtensions);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Qcow2Header that && toString().equals(that.toString());
    }

    @Override
    public String toString() {
        return "Qcow2Header[version=" + version + ", clusterBits=" + clusterBits + ", sizeBytes=" + sizeBytes
                + ", cryptMethod=" + cryptMethod + ", l1Size=" + l1Size + ", l1TableOffset=" + l1TableOffset
                + ", refcountTableOffset=" + refcountTableOffset + ", refcountTableClusters="
                + refcountTableClusters + ", nbSnapshots=" + nbSnapshots + ", snapshotsOffset=" + snapshotsOffset
                + ", incompatibleFeatures=" + incompatibleFeatures + ", compatibleFeatures=" + compatibleFeatures
                + ", autoclearFeatures=" + autoclearFeatures + ", refcountOrder=" + refcountOrder
                + ", headerLength=" + headerLength + ", compressionType=" + compressionType
                + ", unknownHeaderFields=" + HexFormat.of().formatHex(unknownHeaderFields)
                + ", backingFileName=" + backingFileName + ", backingFormat=" + backingFormat
                + ", unknownExtensions=" + unknownExtensions + "]";
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
