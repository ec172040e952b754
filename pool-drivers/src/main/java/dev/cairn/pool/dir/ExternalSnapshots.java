package dev.cairn.pool.dir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.VolumeFormat;
import dev.cairn.pool.spi.VolumeFormats;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * External snapshots of a dir pool's volumes: a snapshot is the volume's file frozen under a hidden name
 * in the pool directory ({@code .VOLUME@SNAPSHOT.FORMAT}), and the volume goes on in a new qcow2 overlay
 * that reads unwritten ranges from it. Every file of a chain lives in the pool directory itself, so a
 * backing name is a bare file name that never needs rewriting when files change roles.
 *
 * <p>Taking one: the frozen name is hard-linked to the volume's file, the overlay is written under a hidden
 * part name, and the overlay is renamed over the volume's name: the volume's name always holds a whole
 * image. Reverting: an empty overlay on the snapshot replaces the volume's file the same way. Deleting one
 * that others read through: each file backed by it is rebased onto its own backing, copying in the ranges
 * that would otherwise change (a stream, see README), then the frozen file goes. A pool start removes what an
 * interrupted take or revert left (part files, a frozen link that is still the volume's own file).
 *
 * <p>References are {@code ext:} plus the frozen file's name.
 */
final class ExternalSnapshots {
    static final String PREFIX = "ext:";
    private static final String OVERLAY_PART = ".overlay-part";

    private final Path dir;
    private final VolumeFormats formats;

    ExternalSnapshots(Path dir, VolumeFormats formats) {
        this.dir = dir;
        this.formats = formats;
    }

    static boolean isExternal(String ref) {
        return ref.startsWith(PREFIX);
    }

    /** The format that makes overlays (qcow2), when the service has one. */
    Optional<VolumeFormat> overlays() {
        return formats.all().stream().filter(VolumeFormat::makesOverlays).findFirst();
    }

    /** Freezes {@code file} (in {@code format}) as snapshot {@code snapshot}; returns its reference. */
    String take(Path file, VolumeFormat format, String volume, String snapshot) {
        VolumeFormat overlay = overlays().orElseThrow(() -> unsupported(volume));
        String frozen = "." + volume + "@" + snapshot + "." + format.name();
        Path frozenPath = dir.resolve(frozen);
        Path part = part(volume);
        try {
            Files.deleteIfExists(part);
            Files.createLink(frozenPath, file);
            overlay.createOverlay(part, frozen, format.name(), format.capacityBytes(file));
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            PoolDirectories.forceDirectory(dir);
        } catch (IOException e) {
            CairnException failure = StorageFailures.translate("snapshot volume '" + volume + "'", e);
            undoTake(file, part, frozenPath, failure);
            throw failure;
        } catch (RuntimeException e) {
            undoTake(file, part, frozenPath, e);
            throw e;
        }
        return PREFIX + frozen;
    }

    private static void undoTake(Path file, Path part, Path frozen, Exception cause) {
        try {
            if (Files.exists(frozen) && Files.exists(file) && Files.isSameFile(frozen, file)) {
                Files.delete(frozen);
            }
            Files.deleteIfExists(part);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Gives the volume in {@code file} the snapshot's content: a new empty overlay on it. */
    void revert(Path file, String volume, String ref) {
        Path frozen = existing(volume, ref);
        VolumeFormat overlay = overlays().orElseThrow(() -> unsupported(volume));
        VolumeFormat format = formatOf(ref);
        Path part = part(volume);
        try {
            Files.deleteIfExists(part);
            overlay.createOverlay(part, frozen.getFileName().toString(), format.name(), format.capacityBytes(frozen));
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            PoolDirectories.forceDirectory(dir);
        } catch (IOException e) {
            throw StorageFailures.translate("revert volume '" + volume + "'", e);
        }
    }

    /**
     * Drops a snapshot: every file that reads through it (the volume's file, other snapshots of the volume)
     * is first rebased onto the snapshot's own backing file, so none of them changes content.
     */
    void delete(Path file, String volume, String ref) {
        Path frozen = dir.resolve(fileName(ref));
        if (!Files.exists(frozen)) {
            return;
        }
        VolumeFormat format = formatOf(ref);
        String backingName = format.backingFiles(frozen).stream().findFirst().map(p -> p.getFileName().toString())
                .orElse("");
        String backingFormat = format.backingFormat(frozen).orElse("");
        try {
            for (Path dependent : chainFiles(file, volume)) {
                VolumeFormat dependentFormat = dependent.equals(file) ? overlays().orElseThrow() : formatOf(dependent);
                List<Path> backing = dependentFormat.backingFiles(dependent);
                if (!backing.isEmpty() && backing.get(0).equals(frozen.toAbsolutePath().normalize())) {
                    dependentFormat.rebase(dependent, backingName, backingFormat);
                }
            }
            Files.delete(frozen);
            PoolDirectories.forceDirectory(dir);
        } catch (IOException e) {
            throw StorageFailures.translate("delete a snapshot of volume '" + volume + "'", e);
        }
    }

    /** The snapshot's content, read-only, through its own chain. */
    BlockDevice open(String volume, String ref) {
        return formatOf(ref).open(existing(volume, ref), false);
    }

    /**
     * Where {@code toRef} (null: the volume's head) differs from {@code fromRef} (null: a full image), by the
     * overlays' own allocation: the files from the target down to the base each hold only what changed over
     * the file below, so the union of what they hold covers every change, without reading data. A base that
     * is not below the target (another branch), or a raw file on the way, makes the whole range count.
     */
    void changedExtents(Path head, VolumeFormat headFormat, String volume, String fromRef, String toRef,
                        dev.cairn.pool.spi.ExtentSink sink) {
        Path to = (toRef == null ? head : existing(volume, toRef)).toAbsolutePath().normalize();
        Path from = fromRef == null ? null : existing(volume, fromRef).toAbsolutePath().normalize();
        VolumeFormat format = toRef == null ? headFormat : formatOf(toRef);
        long capacity = format.capacityBytes(to);
        List<long[]> held = new ArrayList<>();
        Path current = to;
        boolean whole = false;
        while (current != null && !current.equals(from)) {
            if (!format.makesOverlays()) {
                whole = true;
                break;
            }
            format.ownExtents(current, extent -> held.add(new long[] {extent.offsetBytes(), extent.endBytes()}));
            List<Path> backing = format.backingFiles(current);
            current = backing.isEmpty() ? null : backing.get(0);
            if (current != null) {
                format = formatOf(current);
            }
        }
        if (whole || (from != null && current == null)) {
            if (capacity > 0) {
                sink.accept(new dev.cairn.pool.spi.Extent(0, capacity, dev.cairn.pool.spi.Extent.Kind.DATA));
            }
            return;
        }
        held.sort(java.util.Comparator.comparingLong(range -> range[0]));
        long start = -1;
        long end = -1;
        for (long[] range : held) {
            long clippedEnd = Math.min(range[1], capacity);
            if (range[0] >= clippedEnd) {
                continue;
            }
            if (start >= 0 && range[0] <= end) {
                end = Math.max(end, clippedEnd);
                continue;
            }
            if (start >= 0) {
                sink.accept(new dev.cairn.pool.spi.Extent(start, end - start, dev.cairn.pool.spi.Extent.Kind.DATA));
            }
            start = range[0];
            end = clippedEnd;
        }
        if (start >= 0) {
            sink.accept(new dev.cairn.pool.spi.Extent(start, end - start, dev.cairn.pool.spi.Extent.Kind.DATA));
        }
    }

    /** The capacity of the snapshot. */
    long capacity(String volume, String ref) {
        return formatOf(ref).capacityBytes(existing(volume, ref));
    }

    /** The external snapshots storage holds for {@code volume}, by their frozen files. */
    List<StoredSnapshot> stored(String volume) {
        List<StoredSnapshot> found = new ArrayList<>();
        for (Path frozen : frozenFiles(volume)) {
            String name = frozen.getFileName().toString();
            String snapshot = name.substring(volume.length() + 2, name.lastIndexOf('.'));
            try {
                found.add(new StoredSnapshot(snapshot, PREFIX + name, Files.getLastModifiedTime(frozen).toInstant()));
            } catch (IOException e) {
                throw StorageFailures.translate("list the snapshots of volume '" + volume + "'", e);
            }
        }
        return found;
    }

    /** Whether the volume in {@code file} reads through a frozen snapshot of its own. */
    boolean hasChain(Path file, String volume) {
        return overlays().map(overlay -> {
            try {
                if (!overlay.probe(firstBytes(file))) {
                    return false;
                }
                List<Path> backing = overlay.backingFiles(file);
                return !backing.isEmpty() && backing.get(0).getParent().equals(dir.toAbsolutePath().normalize())
                        && backing.get(0).getFileName().toString().startsWith("." + volume + "@")
                        && Files.isRegularFile(backing.get(0), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw StorageFailures.translate("read volume '" + volume + "'", e);
            }
        }).orElse(false);
    }

    /** Removes every frozen snapshot file of {@code volume} (its volume is being deleted). */
    void deleteAll(String volume) {
        try {
            for (Path frozen : frozenFiles(volume)) {
                Files.deleteIfExists(frozen);
            }
            Files.deleteIfExists(part(volume));
        } catch (IOException e) {
            throw StorageFailures.translate("delete the snapshots of volume '" + volume + "'", e);
        }
    }

    /**
     * At pool start: an overlay part is what an interrupted take or revert left; the volume's file is still
     * the old one, so the part goes, and a frozen name that is still the volume's own file goes with it.
     */
    void removeInterrupted() {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".*" + OVERLAY_PART)) {
            for (Path part : parts) {
                String name = part.getFileName().toString();
                String volume = name.substring(1, name.length() - OVERLAY_PART.length());
                Path file = dir.resolve(volume);
                for (Path frozen : frozenFiles(volume)) {
                    if (Files.exists(file) && Files.isSameFile(frozen, file)) {
                        Files.delete(frozen);
                    }
                }
                Files.delete(part);
            }
        } catch (IOException | RuntimeException e) {
            // A pool whose directory cannot be read reports that on first use.
        }
    }

    private List<Path> chainFiles(Path file, String volume) {
        List<Path> files = new ArrayList<>();
        if (Files.exists(file)) {
            files.add(file);
        }
        files.addAll(frozenFiles(volume));
        return files;
    }

    private List<Path> frozenFiles(String volume) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + volume + "@*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(".qcow2") || name.endsWith(".raw")) {
                    found.add(entry.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            throw StorageFailures.translate("list the snapshots of volume '" + volume + "'", e);
        }
        found.sort(null);
        return found;
    }

    private Path existing(String volume, String ref) {
        Path frozen = dir.resolve(fileName(ref));
        if (!Files.isRegularFile(frozen)) {
            throw new CairnException(ErrorCode.NO_SNAPSHOT, "the snapshot file " + frozen.getFileName() + " of volume '"
                    + volume + "' is missing", Map.of("volume", volume), null);
        }
        return frozen;
    }

    private VolumeFormat formatOf(String ref) {
        return formatOf(dir.resolve(fileName(ref)));
    }

    /** A frozen file's format is in its name; it is never probed (a raw file may hold any bytes). */
    private VolumeFormat formatOf(Path frozen) {
        String name = frozen.getFileName().toString();
        return formats.lookup(name.substring(name.lastIndexOf('.') + 1));
    }

    private static String fileName(String ref) {
        String name = ref.substring(PREFIX.length());
        if (!name.startsWith(".") || name.contains("/") || !name.contains("@")) {
            throw new CairnException(ErrorCode.NO_SNAPSHOT, "not an external snapshot reference: " + ref);
        }
        return name;
    }

    private Path part(String volume) {
        return dir.resolve("." + volume + OVERLAY_PART);
    }

    private static byte[] firstBytes(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(VolumeFormat.PROBE_BYTES);
        }
    }

    private static CairnException unsupported(String volume) {
        return new CairnException(ErrorCode.OPERATION_UNSUPPORTED, "volume '" + volume + "' cannot take external "
                + "snapshots: no overlay format (qcow2) is installed");
    }
}
