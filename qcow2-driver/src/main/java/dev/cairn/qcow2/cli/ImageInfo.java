package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.DiskUsage;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.format.Features;
import dev.cairn.qcow2.format.Qcow2Header;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Renders image and check information in qemu-img 7.2's human and JSON shapes. */
final class ImageInfo {

    private ImageInfo() {
    }

    /** Receives one layer of a chain: its file as qemu-img names it, and the open image (null for raw). */
    interface LayerVisitor {
        void visit(Path file, Qcow2Image image) throws IOException;
    }

    /**
     * Visits {@code file} (of {@code format}, probed when empty) and, with {@code wholeChain}, each of
     * its backing files in turn, named as qemu-img names them ({@link #fullBackingName}) and in the
     * format its overlay declares (probed when it declares none). Each qcow2 layer is open while it is
     * visited; opening it checks the chain below (no loop, bounded depth).
     */
    static void forEachLayer(Path file, String format, boolean wholeChain, LayerVisitor visitor) throws IOException {
        for (Path layer = file; layer != null;) {
            String effective = format.isEmpty() ? Qcow2Image.probeFormat(layer) : format;
            Path next = null;
            if (effective.equals("raw")) {
                visitor.visit(layer, null);
            } else if (effective.equals("qcow2")) {
                try (Qcow2Image image = Qcow2Image.open(layer, false)) {
                    visitor.visit(layer, image);
                    String backing = image.header().backingFileName();
                    if (wholeChain && !backing.isEmpty()) {
                        next = Path.of(fullBackingName(layer, backing));
                        format = image.header().backingFormat();
                    }
                }
            } else {
                throw new IllegalArgumentException("unsupported format '" + effective + "' (qcow2 or raw)");
            }
            layer = next;
        }
    }

    /**
     * The name qemu-img reports as a backing file's "actual path": {@code backing} resolved against
     * the directory of {@code file} as given (left as it is when {@code file} names no directory).
     */
    static String fullBackingName(Path file, String backing) {
        Path directory = file.getParent();
        return directory == null ? backing : directory.resolve(backing).toString();
    }

    static String human(Path file, Qcow2Image image) throws IOException {
        Qcow2Header header = image.header();
        StringBuilder out = new StringBuilder();
        out.append("image: ").append(file).append('\n').append("file format: qcow2\n");
        sizesHuman(out, file, image.capacityBytes());
        out.append("cluster_size: ").append(image.clusterSize()).append('\n');
        String backing = header.backingFileName();
        if (!backing.isEmpty()) {
            String full = fullBackingName(file, backing);
            out.append("backing file: ").append(backing)
                    .append(full.equals(backing) ? "" : " (actual path: " + full + ")").append('\n');
            out.append("backing file format: ").append(header.backingFormat()).append('\n');
        }
        if (!image.snapshots().isEmpty()) {
            out.append(snapshotTable(image.snapshots()));
        }
        // Images this engine opens always use zlib and standard L2 entries (other compression types and
        // extended L2 are incompatible features it refuses); v2 images have neither field, as qemu-img shows.
        boolean v3 = header.version() == 3;
        out.append("Format specific information:\n");
        out.append("    compat: ").append(v3 ? "1.1" : "0.10").append('\n');
        out.append("    compression type: zlib\n");
        if (v3) {
            out.append("    lazy refcounts: ").append(lazy(header)).append('\n');
        }
        out.append("    refcount bits: ").append(1 << header.refcountOrder()).append('\n');
        if (v3) {
            out.append("    corrupt: ").append(corrupt(header)).append('\n');
            out.append("    extended l2: false\n");
        }
        return out.toString();
    }

    /** A raw file, as qemu-img info shows one (also a qcow2 file named with {@code -f raw}). */
    static String rawHuman(Path file) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("image: ").append(file).append('\n').append("file format: raw\n");
        sizesHuman(out, file, rawVirtualBytes(file));
        return out.toString();
    }

    /** A raw file's virtual size: its length in whole 512-byte sectors, as QEMU sees it. */
    private static long rawVirtualBytes(Path file) throws IOException {
        return (Files.size(file) + 511) & ~511L;
    }

    private static void sizesHuman(StringBuilder out, Path file, long virtualBytes) throws IOException {
        out.append("virtual size: ").append(Sizes.human(virtualBytes)).append(" (").append(virtualBytes)
                .append(" bytes)\n");
        out.append("disk size: ").append(Sizes.human(DiskUsage.bytes(file))).append('\n');
    }

    /** The snapshot table of {@code qemu-img snapshot -l} and {@code info}. */
    static String snapshotTable(List<Qcow2Snapshot> snapshots) {
        DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
        StringBuilder out = new StringBuilder("Snapshot list:\n");
        out.append(String.format("%-10s%-17s%8s%20s%13s%11s%n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK",
                "ICOUNT"));
        for (Qcow2Snapshot snapshot : snapshots) {
            long clock = snapshot.vmClockNsec();
            long seconds = clock / 1_000_000_000L;
            String vmClock = String.format("%02d:%02d:%02d.%03d", seconds / 3600, seconds / 60 % 60, seconds % 60,
                    clock / 1_000_000 % 1000);
            out.append(String.format("%-9s %-16s %8s%20s%13s%11s%n", snapshot.id(), snapshot.name(),
                    Sizes.human(snapshot.vmStateSizeBytes()), date.format(snapshot.createdAt()), vmClock,
                    snapshot.icount() < 0 ? "" : Long.toString(snapshot.icount())));
        }
        return out.toString();
    }

    static String json(Path file, Qcow2Image image) throws IOException {
        Qcow2Header header = image.header();
        StringBuilder out = new StringBuilder("{\n");
        out.append("    \"virtual-size\": ").append(image.capacityBytes()).append(",\n");
        out.append("    \"filename\": ").append(quote(file.toString())).append(",\n");
        out.append("    \"cluster-size\": ").append(image.clusterSize()).append(",\n");
        out.append("    \"format\": \"qcow2\",\n");
        out.append("    \"actual-size\": ").append(DiskUsage.bytes(file)).append(",\n");
        String backing = header.backingFileName();
        if (!backing.isEmpty()) {
            out.append("    \"backing-filename\": ").append(quote(backing)).append(",\n");
            out.append("    \"full-backing-filename\": ").append(quote(fullBackingName(file, backing))).append(",\n");
            out.append("    \"backing-filename-format\": ").append(quote(header.backingFormat())).append(",\n");
        }
        if (!image.snapshots().isEmpty()) {
            out.append("    \"snapshots\": [").append(snapshotsJson(image.snapshots())).append("],\n");
        }
        boolean v3 = header.version() == 3;
        out.append("    \"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": ")
                .append(quote(v3 ? "1.1" : "0.10")).append(", \"compression-type\": \"zlib\"");
        if (v3) {
            out.append(", \"lazy-refcounts\": ").append(lazy(header));
        }
        out.append(", \"refcount-bits\": ").append(1 << header.refcountOrder());
        if (v3) {
            out.append(", \"corrupt\": ").append(corrupt(header)).append(", \"extended-l2\": false");
        }
        out.append("}},\n");
        out.append("    \"dirty-flag\": ").append((header.incompatibleFeatures() & Features.INCOMPAT_DIRTY) != 0)
                .append("\n}\n");
        return out.toString();
    }

    private static String snapshotsJson(List<Qcow2Snapshot> snapshots) {
        StringBuilder out = new StringBuilder();
        String separator = "";
        for (Qcow2Snapshot snapshot : snapshots) {
            Instant created = snapshot.createdAt();
            long clock = snapshot.vmClockNsec();
            out.append(separator).append("{\"id\": ").append(quote(snapshot.id())).append(", \"name\": ")
                    .append(quote(snapshot.name())).append(", \"vm-state-size\": ").append(snapshot.vmStateSizeBytes())
                    .append(", \"date-sec\": ").append(created.getEpochSecond()).append(", \"date-nsec\": ")
                    .append(created.getNano()).append(", \"vm-clock-sec\": ").append(clock / 1_000_000_000L)
                    .append(", \"vm-clock-nsec\": ").append(clock % 1_000_000_000L);
            if (snapshot.icount() >= 0) {
                out.append(", \"icount\": ").append(snapshot.icount());
            }
            out.append('}');
            separator = ", ";
        }
        return out.toString();
    }

    /** A raw file in qemu-img info's JSON. */
    static String rawJson(Path file) throws IOException {
        return "{\n    \"virtual-size\": " + rawVirtualBytes(file) + ",\n    \"filename\": " + quote(file.toString())
                + ",\n    \"format\": \"raw\",\n    \"actual-size\": " + DiskUsage.bytes(file)
                + ",\n    \"dirty-flag\": false\n}\n";
    }

    /**
     * What qemu-img check prints on standard output (the messages about each problem go to standard
     * error, {@link CheckResult#messages}).
     */
    static String checkHuman(CheckResult result) {
        StringBuilder out = new StringBuilder();
        if (result.corruptionsFixed() > 0 || result.leaksFixed() > 0) {
            out.append("The following inconsistencies were found and repaired:\n\n    ").append(result.leaksFixed())
                    .append(" leaked clusters\n    ").append(result.corruptionsFixed()).append(" corruptions\n\n")
                    .append("Double checking the fixed image now...\n");
        }
        if (result.isClean()) {
            out.append("No errors were found on the image.\n");
        }
        if (result.corruptions() > 0) {
            out.append('\n').append(result.corruptions()).append(" errors were found on the image.\n")
                    .append("Data may be corrupted, or further writes to the image may corrupt it.\n");
        }
        if (result.leaks() > 0) {
            out.append('\n').append(result.leaks()).append(" leaked clusters were found on the image.\n")
                    .append("This means waste of disk space, but no harm to data.\n");
        }
        if (result.checkErrors() > 0) {
            out.append('\n').append(result.checkErrors()).append(" internal errors have occurred during the check.\n");
        }
        long allocated = result.allocatedClusters();
        if (result.totalClusters() != 0 && allocated != 0) {
            out.append(String.format(Locale.ROOT, "%d/%d = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed "
                    + "clusters%n", allocated, result.totalClusters(), allocated * 100.0 / result.totalClusters(),
                    result.fragmentedClusters() * 100.0 / allocated, result.compressedClusters() * 100.0 / allocated));
        }
        out.append("Image end offset: ").append(result.imageEndOffset()).append('\n');
        return out.toString();
    }

    static String checkJson(Path file, CheckResult result) {
        StringBuilder out = new StringBuilder("{\n");
        out.append("    \"image-end-offset\": ").append(result.imageEndOffset()).append(",\n");
        appendIfNonZero(out, "total-clusters", result.totalClusters());
        appendIfNonZero(out, "corruptions", result.corruptions());
        appendIfNonZero(out, "leaks", result.leaks());
        appendIfNonZero(out, "corruptions-fixed", result.corruptionsFixed());
        appendIfNonZero(out, "leaks-fixed", result.leaksFixed());
        out.append("    \"check-errors\": ").append(result.checkErrors()).append(",\n");
        appendIfNonZero(out, "allocated-clusters", result.allocatedClusters());
        appendIfNonZero(out, "compressed-clusters", result.compressedClusters());
        appendIfNonZero(out, "fragmented-clusters", result.fragmentedClusters());
        out.append("    \"filename\": ").append(quote(file.toString())).append(",\n");
        out.append("    \"format\": \"qcow2\"\n}\n");
        return out.toString();
    }

    private static void appendIfNonZero(StringBuilder out, String key, long value) {
        if (value != 0) {
            out.append("    \"").append(key).append("\": ").append(value).append(",\n");
        }
    }

    private static boolean lazy(Qcow2Header header) {
        return (header.compatibleFeatures() & Features.COMPAT_LAZY_REFCOUNTS) != 0;
    }

    private static boolean corrupt(Qcow2Header header) {
        return (header.incompatibleFeatures() & Features.INCOMPAT_CORRUPT) != 0;
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
