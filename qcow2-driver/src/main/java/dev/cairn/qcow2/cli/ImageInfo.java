package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.format.Features;
import dev.cairn.qcow2.format.Qcow2Header;
import java.io.IOException;
import java.nio.file.Path;

/** Renders image and check information in qemu-img 7.2's human and JSON shapes. */
final class ImageInfo {

    private ImageInfo() {
    }

    static String human(Path file, Qcow2Image image) throws IOException {
        Qcow2Header header = image.header();
        StringBuilder out = new StringBuilder();
        out.append("image: ").append(file).append('\n').append("file format: qcow2\n");
        out.append("virtual size: ").append(image.capacityBytes()).append(" bytes\n");
        out.append("cluster_size: ").append(image.clusterSize()).append('\n');
        if (!header.backingFileName().isEmpty()) {
            out.append("backing file: ").append(header.backingFileName()).append('\n');
            out.append("backing file format: ").append(header.backingFormat()).append('\n');
        }
        out.append("Format specific information:\n");
        out.append("    compat: ").append(header.version() == 3 ? "1.1" : "0.10").append('\n');
        out.append("    lazy refcounts: ").append(lazy(header)).append('\n');
        out.append("    refcount bits: ").append(1 << header.refcountOrder()).append('\n');
        out.append("    corrupt: ").append(corrupt(header)).append('\n');
        return out.toString();
    }

    static String json(Path file, Qcow2Image image) throws IOException {
        Qcow2Header header = image.header();
        StringBuilder out = new StringBuilder("{\n");
        out.append("    \"virtual-size\": ").append(image.capacityBytes()).append(",\n");
        out.append("    \"filename\": ").append(quote(file.toString())).append(",\n");
        out.append("    \"cluster-size\": ").append(image.clusterSize()).append(",\n");
        out.append("    \"format\": \"qcow2\",\n");
        if (!header.backingFileName().isEmpty()) {
            out.append("    \"backing-filename\": ").append(quote(header.backingFileName())).append(",\n");
            out.append("    \"backing-filename-format\": ").append(quote(header.backingFormat())).append(",\n");
        }
        out.append("    \"snapshots\": [");
        String separator = "";
        for (Qcow2Snapshot snapshot : image.snapshots()) {
            out.append(separator).append("{\"id\": ").append(quote(snapshot.id())).append(", \"name\": ")
                    .append(quote(snapshot.name())).append(", \"date-sec\": ")
                    .append(snapshot.createdAt().getEpochSecond()).append('}');
            separator = ", ";
        }
        out.append("],\n");
        out.append("    \"format-specific\": {\"type\": \"qcow2\", \"data\": {\"compat\": ")
                .append(quote(header.version() == 3 ? "1.1" : "0.10")).append(", \"lazy-refcounts\": ")
                .append(lazy(header)).append(", \"refcount-bits\": ").append(1 << header.refcountOrder())
                .append(", \"corrupt\": ").append(corrupt(header)).append("}},\n");
        out.append("    \"dirty-flag\": ").append((header.incompatibleFeatures() & Features.INCOMPAT_DIRTY) != 0)
                .append("\n}\n");
        return out.toString();
    }

    static String checkHuman(CheckResult result) {
        StringBuilder out = new StringBuilder();
        result.messages().forEach(message -> out.append(message).append('\n'));
        if (result.isClean()) {
            out.append("No errors were found on the image.\n");
        } else {
            if (result.corruptions() > 0) {
                out.append('\n').append(result.corruptions()).append(" errors were found on the image.\n");
            }
            if (result.leaks() > 0) {
                out.append('\n').append(result.leaks()).append(" leaked clusters were found on the image.\n");
            }
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
