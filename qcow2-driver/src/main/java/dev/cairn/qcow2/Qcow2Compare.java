package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compares the guest content of two images, like {@code qemu-img compare} (qemu-img.rst,
 * "compare"): images of different sizes are equal when the longer one's extra tail reads as
 * zeroes. Streams both through 1 MiB buffers; reads guest data (zero and unallocated ranges
 * included, so the result never depends on how either image is allocated).
 */
public final class Qcow2Compare {

    private static final int CHUNK_BYTES = 1 << 20;
    /** qemu-img reports a mismatch at the start of its 512-byte sector. */
    private static final long SECTOR_BYTES = 512;

    /**
     * The outcome.
     *
     * @param sizesDiffer the virtual sizes differ
     * @param mismatchOffset the sector-aligned guest offset of the first difference, or -1 when
     *     the contents are equal
     */
    public record Result(boolean sizesDiffer, long mismatchOffset) {
        public boolean identical() {
            return mismatchOffset < 0;
        }
    }

    private Qcow2Compare() {
    }

    /**
     * Compares {@code first} and {@code second}.
     *
     * @param firstFormat "qcow2", "raw", or "" to probe (qcow2 magic, else raw)
     * @param secondFormat likewise
     * @throws IOException when either cannot be opened or read
     */
    public static Result compare(Path first, String firstFormat, Path second, String secondFormat)
            throws IOException {
        try (BackingLayer a = openLayer(first, firstFormat); BackingLayer b = openLayer(second, secondFormat)) {
            long common = Math.min(a.capacityBytes(), b.capacityBytes());
            long mismatch = firstMismatch(a, b, common);
            if (mismatch < 0) {
                BackingLayer longer = a.capacityBytes() > common ? a : b;
                mismatch = firstNonZero(longer, common, longer.capacityBytes());
            }
            long reported = mismatch < 0 ? -1 : mismatch / SECTOR_BYTES * SECTOR_BYTES;
            return new Result(a.capacityBytes() != b.capacityBytes(), reported);
        }
    }

    private static BackingLayer openLayer(Path file, String format) throws IOException {
        String effective = format.isEmpty() ? Qcow2Image.probeFormat(file) : format;
        switch (effective) {
            case "qcow2":
                return Qcow2Image.open(file, false);
            case "raw":
                return new RawBacking(file);
            default:
                throw new Qcow2UnsupportedException("unsupported format '" + format + "' (qcow2 or raw)");
        }
    }

    private static long firstMismatch(BackingLayer a, BackingLayer b, long end) throws IOException {
        byte[] left = new byte[CHUNK_BYTES];
        byte[] right = new byte[CHUNK_BYTES];
        for (long offset = 0; offset < end; offset += CHUNK_BYTES) {
            int len = (int) Math.min(CHUNK_BYTES, end - offset);
            a.read(offset, left, 0, len);
            b.read(offset, right, 0, len);
            int at = Arrays.mismatch(left, 0, len, right, 0, len);
            if (at >= 0) {
                return offset + at;
            }
        }
        return -1;
    }

    private static long firstNonZero(BackingLayer layer, long from, long end) throws IOException {
        byte[] data = new byte[CHUNK_BYTES];
        for (long offset = from; offset < end; offset += CHUNK_BYTES) {
            int len = (int) Math.min(CHUNK_BYTES, end - offset);
            layer.read(offset, data, 0, len);
            if (!ZeroBytes.isZero(data, 0, len)) {
                for (int i = 0; i < len; i++) {
                    if (data[i] != 0) {
                        return offset + i;
                    }
                }
            }
        }
        return -1;
    }
}
