package dev.cairn.qcow2;

import dev.cairn.qcow2.format.L2Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each guest range of an image's active state comes from, through its backing chain, as
 * {@code qemu-img map --output=json} reports it (qemu-img.rst, "map"): the layer that holds it
 * ({@code depth}, 0 = the image itself), whether some layer holds it ({@code present}), whether
 * it reads as zeroes, whether it is stored data, and for uncompressed stored clusters the host
 * offset in that layer's file. Reads L1/L2 tables only, never guest data.
 *
 * <p>A raw layer is reported at the guest offset, as data where its file system says there is
 * data and as zero where it has holes ({@link DataExtents}; data throughout where that cannot be
 * asked). Ranges not held by any layer, or beyond the end of the next layer, are reported at the
 * depth of the last layer looked at, as qemu-img 7.2 does.
 */
public final class Qcow2Map {

    /**
     * One coalesced range. {@code hostOffset} is -1 when there is none (unallocated, plain zero
     * and compressed clusters).
     */
    public record Range(long start, long length, int depth, boolean present, boolean zero, boolean data,
            long hostOffset) {
    }

    private Qcow2Map() {
    }

    /** The ranges of {@code image}'s active state, in guest order, adjacent alike ones merged. */
    public static List<Range> of(Qcow2Image image) throws IOException {
        List<Range> ranges = new ArrayList<>();
        long capacity = image.capacityBytes();
        long clusterSize = image.clusterSize();
        Map<RawBacking, RawExtents> rawLayers = new IdentityHashMap<>();
        try {
            for (long start = 0; start < capacity; start += clusterSize) {
                describe(image, start, Math.min(clusterSize, capacity - start), 0, ranges, rawLayers);
            }
        } finally {
            rawLayers.values().forEach(RawExtents::close);
        }
        return ranges;
    }

    /** A raw layer's runs of data and hole, asked of its file system one run at a time and remembered. */
    private static final class RawExtents {
        private final DataExtents extents;
        private final long sizeBytes;
        private DataExtents.Extent last = new DataExtents.Extent(0, 0, false);

        RawExtents(RawBacking raw) {
            this.extents = DataExtents.open(raw.path(), true);
            this.sizeBytes = raw.capacityBytes();
        }

        DataExtents.Extent at(long offset) {
            if (offset < last.start() || offset >= last.end()) {
                last = extents.extentAt(offset, sizeBytes);
            }
            return last;
        }

        void close() {
            extents.close();
        }
    }

    private static void describe(BackingLayer layer, long start, long length, int depth, List<Range> out,
            Map<RawBacking, RawExtents> rawLayers) throws IOException {
        if (layer instanceof RawBacking raw) {
            RawExtents extents = rawLayers.computeIfAbsent(raw, RawExtents::new);
            for (long at = start, end = start + length, next; at < end; at = next) {
                DataExtents.Extent extent = extents.at(at);
                next = Math.min(end, extent.end());
                add(out, new Range(at, next - at, depth, true, !extent.data(), extent.data(), at));
            }
            return;
        }
        Qcow2Image image = (Qcow2Image) layer;
        long entry = image.activeEntry(start);
        long host = L2Entry.hostOffset(entry) + (start & (image.clusterSize() - 1));
        switch (L2Entry.type(entry)) {
            case NORMAL -> add(out, new Range(start, length, depth, true, false, true, host));
            case COMPRESSED -> add(out, new Range(start, length, depth, true, false, true, -1));
            case ZERO_ALLOC -> add(out, new Range(start, length, depth, true, true, false, host));
            case ZERO_PLAIN -> add(out, new Range(start, length, depth, true, true, false, -1));
            default -> {
                BackingLayer backing = image.backingLayer();
                long inBacking = backing == null ? 0 : Math.max(0, Math.min(length, backing.capacityBytes() - start));
                if (inBacking > 0) {
                    describe(backing, start, inBacking, depth + 1, out, rawLayers);
                }
                if (inBacking < length) {
                    // Beyond the backing file's end: zeroes, reported at this layer.
                    add(out, new Range(start + inBacking, length - inBacking, depth, false, true, false, -1));
                }
            }
        }
    }

    private static void add(List<Range> ranges, Range next) {
        if (!ranges.isEmpty()) {
            Range last = ranges.get(ranges.size() - 1);
            boolean offsetsFollow = last.hostOffset() < 0 ? next.hostOffset() < 0
                    : next.hostOffset() == last.hostOffset() + last.length();
            if (last.start() + last.length() == next.start() && last.depth() == next.depth()
                    && last.present() == next.present() && last.zero() == next.zero() && last.data() == next.data()
                    && offsetsFollow) {
                ranges.set(ranges.size() - 1, new Range(last.start(), last.length() + next.length(), last.depth(),
                        last.present(), last.zero(), last.data(), last.hostOffset()));
                return;
            }
        }
        ranges.add(next);
    }

    /** The ranges as {@code qemu-img map --output=json} prints them (qemu 7.2 layout). */
    public static String json(List<Range> ranges) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < ranges.size(); i++) {
            Range range = ranges.get(i);
            out.append(i == 0 ? "" : ",\n").append("{ \"start\": ").append(range.start())
                    .append(", \"length\": ").append(range.length()).append(", \"depth\": ").append(range.depth())
                    .append(", \"present\": ").append(range.present()).append(", \"zero\": ").append(range.zero())
                    .append(", \"data\": ").append(range.data());
            if (range.hostOffset() >= 0) {
                out.append(", \"offset\": ").append(range.hostOffset());
            }
            out.append("}");
        }
        return out.append("]\n").toString();
    }
}
