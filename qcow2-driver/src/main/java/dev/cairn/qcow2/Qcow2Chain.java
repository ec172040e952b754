package dev.cairn.qcow2;

import dev.cairn.pool.spi.Progress;
import dev.cairn.qcow2.format.ClusterType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * External snapshot operations on backing chains, like {@code qemu-img create -b},
 * {@code commit} and {@code rebase}. Each call opens what it needs and closes it again; none
 * is thread-safe with other users of the same files.
 */
public final class Qcow2Chain {

    private Qcow2Chain() {
    }

    /**
     * Creates an overlay whose unallocated clusters read from {@code backingName}. The name is
     * stored as given; a relative name is resolved against the overlay's directory. The overlay
     * takes the backing file's size.
     *
     * @param backingFormat "qcow2" or "raw"
     * @return the overlay, open for writing
     */
    public static Qcow2Image createOverlay(Path overlay, String backingName, String backingFormat,
            Qcow2CreateOptions options) throws IOException {
        return Qcow2Image.create(overlay, options.withBacking(backingName, backingFormat));
    }

    /**
     * Writes every cluster the overlay holds (data and zeroes) into its backing image, growing
     * the backing image if the overlay is larger, then empties the overlay (its clusters read
     * from the backing file again), like {@code qemu-img commit}. The backing must be qcow2.
     *
     * @throws Qcow2UnsupportedException when the overlay has no qcow2 backing file
     */
    public static void commit(Path overlay) throws IOException {
        commit(overlay, Progress.NONE);
    }

    /** As {@link #commit(Path)}, reporting to {@code progress} the guest bytes of the overlay done. */
    public static void commit(Path overlay, Progress progress) throws IOException {
        try (Qcow2Image top = Qcow2Image.open(overlay, true)) {
            Path backingPath = top.backingPath().orElseThrow(
                    () -> new Qcow2UnsupportedException(overlay + " has no backing file to commit into"));
            if (!top.header().backingFormat().equals("qcow2")) {
                throw new Qcow2UnsupportedException("commit supports qcow2 backing files only");
            }
            try (Qcow2Image base = Qcow2Image.open(backingPath, true)) {
                if (base.capacityBytes() < top.capacityBytes()) {
                    base.resize(top.capacityBytes());
                }
                copyAllocated(top, base, progress);
            }
            top.unmap(0, top.capacityBytes());
        }
    }

    private static void copyAllocated(Qcow2Image top, Qcow2Image base, Progress progress) throws IOException {
        int clusterSize = top.clusterSize();
        byte[] buffer = new byte[clusterSize];
        for (long offset = 0; offset < top.capacityBytes(); offset += clusterSize) {
            int len = (int) Math.min(clusterSize, top.capacityBytes() - offset);
            progress.advance(offset, top.capacityBytes());
            ClusterType type = top.clusterType(offset);
            if (type == ClusterType.UNALLOCATED) {
                continue;
            }
            if (type == ClusterType.ZERO_PLAIN || type == ClusterType.ZERO_ALLOC) {
                base.writeZeroes(offset, len);
            } else {
                top.read(offset, buffer, 0, len);
                base.write(offset, buffer, 0, len);
            }
        }
    }

    /**
     * Changes the backing file of {@code image}.
     *
     * <p>Unsafe mode ({@code unsafe = true}, {@code rebase -u}) only rewrites the header. Safe mode
     * first copies into the image every cluster it does not hold whose content differs between
     * the old and the new backing file, so the guest content stays the same; an empty
     * {@code newBackingName} flattens the image (everything from the old chain is copied).
     *
     * @param newBackingFormat "qcow2" or "raw" (ignored when the name is empty)
     */
    public static void rebase(Path image, String newBackingName, String newBackingFormat, boolean unsafe)
            throws IOException {
        rebase(image, newBackingName, newBackingFormat, unsafe, Progress.NONE);
    }

    /**
     * As {@link #rebase(Path, String, String, boolean)}, reporting to {@code progress} the guest bytes
     * of the image compared so far (safe mode).
     */
    public static void rebase(Path image, String newBackingName, String newBackingFormat, boolean unsafe,
            Progress progress) throws IOException {
        String format = newBackingName.isEmpty() ? "" : newBackingFormat;
        if (!newBackingName.isEmpty() && !format.equals("qcow2") && !format.equals("raw")) {
            throw new IllegalArgumentException("backing format must be qcow2 or raw");
        }
        if (unsafe) {
            try (HostHeaderEditor editor = new HostHeaderEditor(image)) {
                editor.changeBackingFile(newBackingName, format);
            }
            return;
        }
        try (Qcow2Image top = Qcow2Image.open(image, true)) {
            if (!newBackingName.isEmpty()) {
                Path resolved = Path.of(newBackingName).isAbsolute() ? Path.of(newBackingName)
                        : image.toAbsolutePath().getParent().resolve(newBackingName);
                try (BackingLayer newBacking = format.equals("raw") ? new RawBacking(resolved)
                        : Qcow2Image.open(resolved, false)) {
                    copyDifferences(top, newBacking, progress);
                }
            } else {
                copyDifferences(top, null, progress);
            }
            top.changeBackingFile(newBackingName, format);
        }
    }

    private static void copyDifferences(Qcow2Image top, BackingLayer newBacking, Progress progress)
            throws IOException {
        int clusterSize = top.clusterSize();
        byte[] current = new byte[clusterSize];
        byte[] replacement = new byte[clusterSize];
        for (long offset = 0; offset < top.capacityBytes(); offset += clusterSize) {
            int len = (int) Math.min(clusterSize, top.capacityBytes() - offset);
            progress.advance(offset, top.capacityBytes());
            if (top.clusterType(offset) != ClusterType.UNALLOCATED) {
                continue;
            }
            top.read(offset, current, 0, len);
            Arrays.fill(replacement, (byte) 0);
            if (newBacking != null && offset < newBacking.capacityBytes()) {
                newBacking.read(offset, replacement, 0, (int) Math.min(len, newBacking.capacityBytes() - offset));
            }
            if (!Arrays.equals(current, 0, len, replacement, 0, len)) {
                top.write(offset, current, 0, len);
            }
        }
    }

    /** Opens only the header of an image, without its backing chain, to edit it (rebase -u). */
    private static final class HostHeaderEditor implements AutoCloseable {
        private final Qcow2Image image;

        HostHeaderEditor(Path path) throws IOException {
            this.image = Qcow2Image.openWithoutBacking(path);
        }

        void changeBackingFile(String name, String format) throws IOException {
            image.changeBackingFile(name, format);
        }

        @Override
        public void close() throws IOException {
            image.close();
        }
    }
}
