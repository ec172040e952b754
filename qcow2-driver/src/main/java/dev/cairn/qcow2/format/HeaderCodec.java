package dev.cairn.qcow2.format;

import dev.cairn.qcow2.Qcow2CorruptException;
import dev.cairn.qcow2.Qcow2UnsupportedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes cluster 0 of a qcow2 image: the fixed header, the header extensions and
 * the backing file name (qcow2.txt "Header", "Header extensions"). Pure: no I/O.
 */
public final class HeaderCodec {

    /** The magic "QFI\xfb". */
    public static final int MAGIC = 0x514649FB;
    /** Longest backing file name QEMU accepts. */
    public static final int MAX_BACKING_NAME_BYTES = 1023;
    /** Largest L1 table QEMU accepts (32 MiB of entries). */
    public static final int MAX_L1_ENTRIES = 32 * 1024 * 1024 / 8;
    /** Largest refcount table QEMU accepts: 8 MiB. */
    public static final long MAX_REFCOUNT_TABLE_BYTES = 8L * 1024 * 1024;
    /** Most snapshots QEMU accepts. */
    public static final int MAX_SNAPSHOTS = 65536;

    private HeaderCodec() {
    }

    /**
     * Decodes a header from the first bytes of an image.
     *
     * @param cluster0 the image's first bytes, at least the header; normally the whole cluster 0
     *     (shorter when the file is shorter). Position and limit are not modified.
     * @throws Qcow2CorruptException when a field is out of range, misaligned or inconsistent
     * @throws Qcow2UnsupportedException for valid images using encryption, unknown or
     *     unimplemented incompatible features, or non-deflate compression
     */
    public static Qcow2Header decode(ByteBuffer cluster0) throws Qcow2CorruptException, Qcow2UnsupportedException {
        ByteBuffer in = cluster0.duplicate();
        in.position(0);
        if (in.remaining() < Qcow2Header.V2_HEADER_LENGTH) {
            throw new Qcow2CorruptException("file too short for a qcow2 header: " + in.remaining() + " bytes");
        }
        if (in.getInt(0) != MAGIC) {
            throw new Qcow2CorruptException("not a qcow2 image: bad magic 0x" + Integer.toHexString(in.getInt(0)));
        }
        int version = in.getInt(4);
        if (version != 2 && version != 3) {
            throw new Qcow2UnsupportedException("unsupported qcow2 version " + version);
        }
        int clusterBits = in.getInt(20);
        if (clusterBits < 9 || clusterBits > 21) {
            throw new Qcow2CorruptException("cluster_bits " + clusterBits + " outside 9..21");
        }
        int clusterSize = 1 << clusterBits;
        V3Fields v3 = version == 3 ? decodeV3Fields(in, clusterSize) : V3Fields.V2_DEFAULTS;
        int cryptMethod = in.getInt(32);
        if (cryptMethod != 0) {
            throw new Qcow2UnsupportedException("encrypted images are not supported (crypt_method " + cryptMethod + ")");
        }
        long sizeBytes = in.getLong(24);
        Tables tables = decodeTables(in, clusterBits, sizeBytes);
        long backingOffset = in.getLong(8);
        String backingName = decodeBackingName(in, clusterSize, backingOffset, in.getInt(16));
        long extensionsEnd = backingOffset != 0 ? backingOffset : Math.min(clusterSize, in.remaining());
        List<HeaderExtension> unknown = new ArrayList<>();
        String backingFormat = decodeExtensions(in, v3.headerLength, extensionsEnd, unknown);
        return new Qcow2Header(version, clusterBits, sizeBytes, cryptMethod, tables.l1Size, tables.l1TableOffset,
                tables.refcountTableOffset, tables.refcountTableClusters, tables.nbSnapshots, tables.snapshotsOffset,
                v3.incompatible, v3.compatible, v3.autoclear, v3.refcountOrder, v3.headerLength, 0,
                v3.unknownFields, backingName, backingFormat, unknown);
    }

    /** Header fields that only v3 has; v2 images get the implied values. */
    private record V3Fields(long incompatible, long compatible, long autoclear, int refcountOrder, int headerLength,
            byte[] unknownFields) {
        static final V3Fields V2_DEFAULTS = new V3Fields(0, 0, 0, 4, Qcow2Header.V2_HEADER_LENGTH, new byte[0]);
    }

    private static V3Fields decodeV3Fields(ByteBuffer in, int clusterSize)
            throws Qcow2CorruptException, Qcow2UnsupportedException {
        if (in.remaining() < 104) {
            throw new Qcow2CorruptException("file too short for a v3 header: " + in.remaining() + " bytes");
        }
        long incompatible = in.getLong(72);
        int refcountOrder = in.getInt(96);
        int headerLength = in.getInt(100);
        if (headerLength < 104 || headerLength % 8 != 0 || headerLength > clusterSize
                || headerLength > in.remaining()) {
            throw new Qcow2CorruptException("header_length " + headerLength + " invalid");
        }
        if (refcountOrder < 0 || refcountOrder > 6) {
            throw new Qcow2CorruptException("refcount_order " + refcountOrder + " outside 0..6");
        }
        long unsupported = incompatible & ~Features.INCOMPAT_SUPPORTED;
        if (unsupported != 0) {
            throw new Qcow2UnsupportedException("unsupported qcow2 incompatible feature(s): "
                    + Features.describeIncompatible(unsupported) + " (mask 0x" + Long.toHexString(unsupported) + ")");
        }
        int compressionType = headerLength > 104 ? in.get(104) & 0xFF : 0;
        if (compressionType != 0) {
            throw new Qcow2UnsupportedException("unsupported compression_type " + compressionType + " (only deflate)");
        }
        byte[] unknownFields = new byte[Math.max(0, headerLength - 105)];
        if (unknownFields.length > 0) {
            in.get(105, unknownFields);
        }
        return new V3Fields(incompatible, in.getLong(80), in.getLong(88), refcountOrder, headerLength, unknownFields);
    }

    private record Tables(int l1Size, long l1TableOffset, long refcountTableOffset, int refcountTableClusters,
            int nbSnapshots, long snapshotsOffset) {
    }

    private static Tables decodeTables(ByteBuffer in, int clusterBits, long sizeBytes) throws Qcow2CorruptException {
        long clusterSize = 1L << clusterBits;
        if (sizeBytes < 0) {
            throw new Qcow2CorruptException("virtual size " + Long.toUnsignedString(sizeBytes) + " too large");
        }
        int l1Size = in.getInt(36);
        long l1TableOffset = in.getLong(40);
        long refcountTableOffset = in.getLong(48);
        int refcountTableClusters = in.getInt(56);
        int nbSnapshots = in.getInt(60);
        long snapshotsOffset = in.getLong(64);
        if (l1Size < 0 || l1Size > MAX_L1_ENTRIES) {
            throw new Qcow2CorruptException("l1_size " + Integer.toUnsignedString(l1Size) + " exceeds "
                    + MAX_L1_ENTRIES + " entries");
        }
        long l2Entries = clusterSize / 8;
        long neededL1 = ceilDiv(ceilDiv(sizeBytes, clusterSize), l2Entries);
        if (l1Size < neededL1) {
            throw new Qcow2CorruptException("l1_size " + l1Size + " too small for virtual size " + sizeBytes);
        }
        checkTableOffset("l1_table_offset", l1TableOffset, clusterSize, l1Size > 0);
        checkTableOffset("refcount_table_offset", refcountTableOffset, clusterSize, true);
        if (refcountTableClusters <= 0 || refcountTableClusters * clusterSize > MAX_REFCOUNT_TABLE_BYTES) {
            throw new Qcow2CorruptException("refcount_table_clusters " + Integer.toUnsignedString(refcountTableClusters)
                    + " invalid");
        }
        if (nbSnapshots < 0 || nbSnapshots > MAX_SNAPSHOTS) {
            throw new Qcow2CorruptException("nb_snapshots " + Integer.toUnsignedString(nbSnapshots) + " exceeds "
                    + MAX_SNAPSHOTS);
        }
        checkTableOffset("snapshots_offset", snapshotsOffset, clusterSize, nbSnapshots > 0);
        return new Tables(l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots,
                snapshotsOffset);
    }

    private static void checkTableOffset(String field, long offset, long clusterSize, boolean required)
            throws Qcow2CorruptException {
        if (!required && offset == 0) {
            return;
        }
        if (offset <= 0 || offset % clusterSize != 0 || offset >= (1L << 56)) {
            throw new Qcow2CorruptException(field + " 0x" + Long.toHexString(offset)
                    + " is not a cluster-aligned offset after the header");
        }
    }

    private static String decodeBackingName(ByteBuffer in, int clusterSize, long offset, int size)
            throws Qcow2CorruptException {
        if (offset == 0) {
            return "";
        }
        if (size <= 0 || size > MAX_BACKING_NAME_BYTES || offset < 0 || offset + size > clusterSize
                || offset + size > in.limit()) {
            throw new Qcow2CorruptException("backing file name at 0x" + Long.toHexString(offset) + " length "
                    + size + " does not fit in the header cluster");
        }
        byte[] name = new byte[size];
        in.get((int) offset, name);
        return new String(name, StandardCharsets.UTF_8);
    }

    private static String decodeExtensions(ByteBuffer in, int start, long end, List<HeaderExtension> unknown)
            throws Qcow2CorruptException {
        String backingFormat = "";
        long position = start;
        while (position + 8 <= end) {
            int type = in.getInt((int) position);
            long length = Integer.toUnsignedLong(in.getInt((int) position + 4));
            if (type == Features.EXT_END) {
                return backingFormat;
            }
            if (position + 8 + length > end) {
                throw new Qcow2CorruptException("header extension 0x" + Integer.toHexString(type)
                        + " runs past the end of the header area");
            }
            byte[] data = new byte[(int) length];
            in.get((int) position + 8, data);
            if (type == Features.EXT_BACKING_FORMAT) {
                backingFormat = new String(data, StandardCharsets.UTF_8);
            } else if (type != Features.EXT_FEATURE_TABLE) {
                unknown.add(new HeaderExtension(type, data));
            }
            position += 8 + align8(length);
        }
        return backingFormat;
    }

    /**
     * Encodes the header as QEMU 7.2 lays it out: fixed fields, backing format extension,
     * feature name table (v3 with clusters larger than 4 KiB), preserved unknown extensions,
     * end marker, then the backing file name.
     *
     * @return the encoded bytes (not padded to a cluster)
     * @throws Qcow2UnsupportedException when the result does not fit in cluster 0 (an image whose
     *     extensions and backing name fill cluster 0 can be read but its header cannot be rewritten)
     * @throws IllegalArgumentException when the backing name is longer than 1023 bytes
     */
    public static byte[] encode(Qcow2Header header) throws Qcow2UnsupportedException {
        ByteBuffer out = ByteBuffer.allocate(header.clusterSize());
        out.putInt(MAGIC).putInt(header.version()).putLong(0).putInt(0).putInt(header.clusterBits());
        out.putLong(header.sizeBytes()).putInt(header.cryptMethod()).putInt(header.l1Size());
        out.putLong(header.l1TableOffset()).putLong(header.refcountTableOffset());
        out.putInt(header.refcountTableClusters()).putInt(header.nbSnapshots()).putLong(header.snapshotsOffset());
        if (header.version() == 3) {
            out.putLong(header.incompatibleFeatures()).putLong(header.compatibleFeatures());
            out.putLong(header.autoclearFeatures()).putInt(header.refcountOrder()).putInt(header.headerLength());
            if (header.headerLength() > 104) {
                out.put((byte) header.compressionType()).put(header.unknownHeaderFields());
            }
        }
        out.position(header.headerLength());
        if (!header.backingFormat().isEmpty()) {
            putExtension(out, Features.EXT_BACKING_FORMAT, header.backingFormat().getBytes(StandardCharsets.UTF_8));
        }
        if (header.version() == 3 && header.clusterSize() > 4096) {
            putExtension(out, Features.EXT_FEATURE_TABLE, featureTable());
        }
        for (HeaderExtension extension : header.unknownExtensions()) {
            putExtension(out, extension.type(), extension.data());
        }
        putBytes(out, new byte[8]);
        byte[] name = header.backingFileName().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_BACKING_NAME_BYTES) {
            throw new IllegalArgumentException("backing file name longer than 1023 bytes");
        }
        if (name.length > 0) {
            out.putLong(8, out.position()).putInt(16, name.length);
            putBytes(out, name);
        }
        byte[] encoded = new byte[out.position()];
        out.get(0, encoded);
        return encoded;
    }

    private static void putExtension(ByteBuffer out, int type, byte[] data) throws Qcow2UnsupportedException {
        if (out.remaining() < 8 + align8(data.length)) {
            throw new Qcow2UnsupportedException("the header's extensions do not fit in cluster 0");
        }
        out.putInt(type).putInt(data.length).put(data);
        out.position((int) (out.position() + align8(data.length) - data.length));
    }

    private static void putBytes(ByteBuffer out, byte[] data) throws Qcow2UnsupportedException {
        if (out.remaining() < data.length) {
            throw new Qcow2UnsupportedException("the header with its extensions and backing file name does not fit"
                    + " in cluster 0");
        }
        out.put(data);
    }

    private static byte[] featureTable() {
        ByteBuffer table = ByteBuffer.allocate(Features.FEATURE_TABLE.length * Features.FEATURE_ROW_BYTES);
        for (int row = 0; row < Features.FEATURE_TABLE.length; row++) {
            Object[] feature = Features.FEATURE_TABLE[row];
            int base = row * Features.FEATURE_ROW_BYTES;
            table.put(base, (byte) (int) feature[0]).put(base + 1, (byte) (int) feature[1]);
            table.put(base + 2, ((String) feature[2]).getBytes(StandardCharsets.US_ASCII));
        }
        return table.array();
    }

    static long align8(long length) {
        return (length + 7) & ~7L;
    }

    static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
