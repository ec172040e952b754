package dev.cairn.qcow2.cli;

import dev.cairn.pool.delta.DeltaExport;
import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.SnapshotIdentity;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.qcow2.Qcow2Identity;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2NotFoundException;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.driver.Qcow2Format;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Deltas of qcow2 files used on their own: export between two internal snapshots (identities as in
 * docs/delta-format.md, "Snapshot identities of qcow2 files"). Apply lives in {@link FileDeltaApply}.
 */
final class FileDeltas {

    private FileDeltas() {
    }

    /**
     * Writes the delta from snapshot {@code from} (ID first, then name; {@code null} for a full image) to
     * snapshot {@code to} of {@code image}.
     *
     * @return the header written
     */
    static DeltaHeader export(Path image, String from, String to, OutputStream out) throws IOException {
        Qcow2Snapshot target;
        Qcow2Snapshot base = null;
        int clusterSize;
        try (Qcow2Image opened = Qcow2Image.open(image, false)) {
            clusterSize = opened.clusterSize();
            target = lookup(opened.snapshots(), to);
            if (from != null) {
                base = lookup(opened.snapshots(), from);
            }
        }
        SnapshotIdentity targetId = identity(target);
        DeltaHeader header = base == null ? DeltaHeader.full(target.diskSizeBytes(), clusterSize, targetId)
                : DeltaHeader.incremental(target.diskSizeBytes(), base.diskSizeBytes(), clusterSize, identity(base),
                        targetId);
        Qcow2Format format = new Qcow2Format();
        try (BlockDevice content = format.openSnapshot(image, target.id())) {
            DeltaExport export = DeltaExport.start(out, header, content);
            format.changedExtents(image, base == null ? null : base.id(), target.id(), export);
            export.finish();
        }
        return header;
    }

    static SnapshotIdentity identity(Qcow2Snapshot snapshot) {
        return new SnapshotIdentity(Qcow2Identity.of(snapshot), snapshot.name());
    }

    /** Finds a snapshot by ID first, then by name, as qemu-img does. */
    static Qcow2Snapshot lookup(List<Qcow2Snapshot> snapshots, String idOrName) throws Qcow2NotFoundException {
        return snapshots.stream().filter(s -> s.id().equals(idOrName)).findFirst()
                .or(() -> snapshots.stream().filter(s -> s.name().equals(idOrName)).findFirst())
                .orElseThrow(() -> new Qcow2NotFoundException("snapshot '" + idOrName + "' not found"));
    }
}
