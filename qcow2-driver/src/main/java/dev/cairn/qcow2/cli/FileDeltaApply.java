package dev.cairn.qcow2.cli;

import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaReader;
import dev.cairn.pool.delta.DeltaRecord;
import dev.cairn.pool.delta.DeltaVisitor;
import dev.cairn.pool.delta.SnapshotIdentity;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Identity;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2NotFoundException;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.Qcow2UnsupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Applies a delta stream held in a file to a qcow2 file, all or nothing as far as a failing stream goes:
 * the whole stream is verified first (first read), and only then applied (second read).
 *
 * <ul>
 *   <li>A full image makes a new file: written under a temporary name next to it and renamed into place
 *       once its target snapshot exists, so the image name never shows a half-applied file.</li>
 *   <li>An incremental stream needs an image holding the base snapshot (by identity) whose current content
 *       is the base's. Its records go to the active state, then the target snapshot is created with the
 *       stream's name and identity. If writing fails part-way, the active state is reverted to the base.
 *       A process killed part-way leaves the base snapshot intact and no target snapshot; the active state
 *       may then hold part of the delta until reverted to the base ({@code snapshot -a}).</li>
 * </ul>
 * The stream file must not change between the two reads; the second read checks everything again.
 */
final class FileDeltaApply {

    private FileDeltaApply() {
    }

    /** What the first read learned. */
    private record Plan(DeltaHeader header, long records) {
    }

    /** @return the snapshot created */
    static Qcow2Snapshot apply(Path image, Path stream) throws IOException {
        Plan plan = verify(stream);
        return plan.header().full() ? applyFull(image, stream, plan.header()) : applyIncremental(image, stream,
                plan.header());
    }

    /** Reads the whole stream, refusing it if it is invalid or needs what a qcow2 file cannot do. */
    private static Plan verify(Path stream) throws IOException {
        try (InputStream in = Files.newInputStream(stream)) {
            DeltaReader reader = new DeltaReader(in);
            DeltaHeader header = reader.header();
            checkQcow2Size(header.capacityBytes());
            long capacity = header.baseCapacityBytes();
            for (Optional<DeltaRecord> record = reader.next(); record.isPresent(); record = reader.next()) {
                if (record.get() instanceof DeltaRecord.Resize resize) {
                    checkQcow2Size(resize.capacityBytes());
                    if (resize.capacityBytes() < capacity) {
                        throw new Qcow2UnsupportedException("the delta shrinks the disk from " + capacity + " to "
                                + resize.capacityBytes() + " bytes; shrinking qcow2 images is not supported");
                    }
                    capacity = resize.capacityBytes();
                }
            }
            return new Plan(header, reader.recordCount());
        }
    }

    private static void checkQcow2Size(long bytes) throws Qcow2UnsupportedException {
        if (bytes % 512 != 0) {
            throw new Qcow2UnsupportedException("capacity " + bytes + " is not a multiple of 512, as qcow2 needs");
        }
    }

    private static Qcow2Snapshot applyFull(Path image, Path stream, DeltaHeader header) throws IOException {
        if (Files.exists(image)) {
            throw new IllegalArgumentException(image + " exists: a full image is applied to a new file");
        }
        Path directory = image.toAbsolutePath().getParent();
        Path partial = Files.createTempFile(directory, "." + image.getFileName() + ".", ".partial");
        try {
            Qcow2Snapshot created;
            int clusterBits = Math.max(9, Math.min(21, Integer.numberOfTrailingZeros(header.granularityBytes())));
            try (Qcow2Image target = Qcow2Image.create(partial, Qcow2CreateOptions.ofCapacity(0)
                    .withClusterBits(clusterBits))) {
                replay(target, stream);
                created = createTarget(target, header.target());
            }
            Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
            return created;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static Qcow2Snapshot applyIncremental(Path image, Path stream, DeltaHeader header) throws IOException {
        SnapshotIdentity baseId = header.base().orElseThrow();
        try (Qcow2Image target = Qcow2Image.open(image, true)) {
            Qcow2Snapshot base = target.snapshots().stream().filter(s -> Qcow2Identity.of(s).equals(baseId.id()))
                    .findFirst().orElseThrow(() -> new Qcow2NotFoundException("base snapshot '" + baseId.name()
                            + "' (" + baseId.id() + ") is not in " + image));
            checkReady(target, base, header);
            try {
                replay(target, stream);
            } catch (IOException | RuntimeException e) {
                target.applySnapshot(base.id());
                throw e;
            }
            return createTarget(target, header.target());
        }
    }

    /** The base must match the header, the head must equal the base, and the target must be new. */
    private static void checkReady(Qcow2Image target, Qcow2Snapshot base, DeltaHeader header) throws IOException {
        if (base.diskSizeBytes() != header.baseCapacityBytes()) {
            throw new IllegalArgumentException("base snapshot '" + base.name() + "' holds " + base.diskSizeBytes()
                    + " bytes, the delta starts from " + header.baseCapacityBytes());
        }
        if (target.snapshots().stream().anyMatch(s -> Qcow2Identity.of(s).equals(header.target().id()))) {
            throw new IllegalArgumentException("the image already holds the target snapshot '"
                    + header.target().name() + "'");
        }
        boolean[] differs = {target.capacityBytes() != base.diskSizeBytes()};
        target.changedRanges(base.id(), null, (offset, length, zero) -> differs[0] = true);
        if (differs[0]) {
            throw new IllegalArgumentException("the image's current content differs from base snapshot '"
                    + base.name() + "'; revert it first (snapshot -a " + base.id() + ")");
        }
    }

    /** Second read: writes the records into the image's active state. */
    private static void replay(Qcow2Image target, Path stream) throws IOException {
        try (InputStream in = Files.newInputStream(stream)) {
            new DeltaReader(in).readAll(new DeltaVisitor() {
                @Override
                public void data(long offsetBytes, byte[] bytes) throws IOException {
                    target.write(offsetBytes, bytes, 0, bytes.length);
                }

                @Override
                public void zero(long offsetBytes, long lengthBytes) throws IOException {
                    target.writeZeroes(offsetBytes, lengthBytes);
                }

                @Override
                public void resize(long capacityBytes) throws IOException {
                    target.resize(capacityBytes);
                }
            });
        }
    }

    private static Qcow2Snapshot createTarget(Qcow2Image image, SnapshotIdentity target) throws IOException {
        Optional<Instant> createdAt = Qcow2Identity.createdAt(target.id(), target.name());
        Qcow2Snapshot created = createdAt.isPresent() ? image.createSnapshot("", target.name(), createdAt.get())
                : image.createSnapshot("", target.name());
        image.flush();
        return created;
    }
}
