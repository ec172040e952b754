package dev.cairn.pool.dir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.ResourceName;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.PoolUsage;
import dev.cairn.pool.spi.Progress;
import dev.cairn.pool.spi.ScanResult;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeFormat;
import dev.cairn.pool.spi.VolumeFormats;
import dev.cairn.pool.spi.VolumeRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A started dir pool. Holds no open files, so it needs no lock: see the SPI package rules. */
final class DirPool implements ActivePool {
    private final PoolDefinition definition;
    private final VolumeFormats formats;
    private final ExternalSnapshots external;

    /** Clones are written under a hidden name ({@code .NAME.clone-part}) that scans skip, then linked into place. */
    private static final String CLONE_PART = ".clone-part";

    DirPool(PoolDefinition definition, VolumeFormats formats) {
        this.definition = definition;
        this.formats = formats;
        this.external = new ExternalSnapshots(definition.path(), formats);
        removeInterruptedClones();
        external.removeInterrupted();
    }

    @Override
    public PoolDefinition definition() {
        return definition;
    }

    @Override
    public PoolUsage usage() {
        try {
            FileStore store = Files.getFileStore(definition.path());
            long total = store.getTotalSpace();
            return new PoolUsage(total, total - store.getUnallocatedSpace(), store.getUsableSpace());
        } catch (IOException e) {
            throw StorageFailures.translate("read usage of pool '" + definition.name() + "'", e);
        }
    }

    @Override
    public ScanResult scan() {
        List<StoredVolume> volumes = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(definition.path())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                whyNotAVolume(entry, name).ifPresentOrElse(reason -> ignored.add(name + ": " + reason),
                        () -> probe(entry).ifPresentOrElse(
                                format -> adopt(name, format, entry, volumes, ignored),
                                () -> ignored.add(name + ": format not supported")));
            }
        } catch (IOException e) {
            throw StorageFailures.translate("scan pool '" + definition.name() + "'", e);
        }
        volumes.sort(Comparator.comparing(StoredVolume::name));
        ignored.sort(Comparator.naturalOrder());
        return new ScanResult(volumes, ignored);
    }

    @Override
    public StoredVolume createVolume(String name, long capacityBytes, String format) {
        VolumeFormat volumeFormat = formats.lookup(format);
        Path file = fileOf(name);
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw nameTaken(name, e);
        } catch (IOException e) {
            throw StorageFailures.translate("create volume '" + name + "'", e);
        }
        try {
            volumeFormat.create(file, capacityBytes);
            return stored(name, volumeFormat, file);
        } catch (RuntimeException e) {
            deleteQuietly(file, e);
            throw e;
        }
    }

    @Override
    public StoredVolume describe(VolumeRef volume) {
        return stored(volume.name(), formatOf(volume), existingFile(volume));
    }

    @Override
    public BlockDevice open(VolumeRef volume, boolean writable) {
        return formatOf(volume).open(existingFile(volume), writable);
    }

    /**
     * The volume's format as stored now. The catalog's format is trusted, never a probe of a raw file's bytes,
     * with one exception: a raw volume whose file became a qcow2 overlay on one of its own external snapshots
     * (a snapshot taken, the catalog not told yet). A guest cannot fake that to read anything but its own.
     */
    private VolumeFormat formatOf(VolumeRef volume) {
        VolumeFormat format = formats.lookup(volume.format());
        if (!format.makesOverlays() && external.hasChain(existingFile(volume), volume.name())) {
            return external.overlays().orElseThrow();
        }
        return format;
    }

    @Override
    public StoredVolume resize(VolumeRef volume, long capacityBytes, boolean allowShrink) {
        VolumeFormat format = formatOf(volume);
        Path file = existingFile(volume);
        long current = format.capacityBytes(file);
        PoolDirectories.checkShrink(definition, volume.name(), current, capacityBytes, allowShrink);
        if (capacityBytes != current) {
            format.resize(file, capacityBytes);
        }
        return stored(volume.name(), format, file);
    }

    @Override
    public void deleteVolume(VolumeRef volume) {
        external.deleteAll(volume.name());
        try {
            Files.deleteIfExists(fileOf(volume.name()));
        } catch (IOException e) {
            throw StorageFailures.translate("delete volume '" + volume.name() + "'", e);
        }
    }

    @Override
    public void purge() {
        for (StoredVolume volume : scan().volumes()) {
            deleteVolume(new VolumeRef(volume.name(), volume.format()));
        }
        PoolDirectories.removeMetadataAndEmptyDirectory(definition);
    }

    @Override
    public List<dev.cairn.pool.spi.StoredSnapshot> storedSnapshots(VolumeRef volume) {
        List<dev.cairn.pool.spi.StoredSnapshot> stored = new ArrayList<>(formatOf(volume).listSnapshots(
                existingFile(volume)));
        stored.addAll(external.stored(volume.name()));
        return stored;
    }

    /**
     * Snapshots of a file volume: internal ones inside a qcow2 file (the default for qcow2), or external
     * ones, the file frozen and the volume going on in an overlay (raw volumes always; qcow2 on request).
     * One volume keeps to one kind, since freezing a file would carry its internal snapshots away.
     */
    @Override
    public SnapshotEngine snapshots(VolumeRef volume) {
        formatOf(volume);
        // Each call looks the format up again: a raw volume's first external snapshot makes it a qcow2 overlay.
        return new SnapshotEngine() {
            @Override
            public String createSnapshot(VolumeRef target, String snapshotName) {
                return createSnapshot(target, snapshotName, null);
            }

            @Override
            public String createSnapshot(VolumeRef target, String snapshotName, String kind) {
                VolumeFormat format = formatOf(target);
                Path file = existingFile(target);
                boolean chain = external.hasChain(file, target.name());
                boolean internalOnes = format.makesOverlays() && !format.listSnapshots(file).isEmpty();
                boolean externalKind = kind == null ? chain || !format.makesOverlays() : kind.equals("external");
                if (externalKind && internalOnes) {
                    throw new CairnException(ErrorCode.OPERATION_INVALID, "volume '" + target.name() + "' has internal "
                            + "snapshots; its snapshots stay internal", Map.of("volume", target.name()), null);
                }
                if (!externalKind && chain) {
                    throw new CairnException(ErrorCode.OPERATION_INVALID, "volume '" + target.name() + "' has external "
                            + "snapshots; its snapshots stay external", Map.of("volume", target.name()), null);
                }
                return externalKind ? external.take(file, format, target.name(), snapshotName)
                        : format.createSnapshot(file, snapshotName);
            }

            @Override
            public void revert(VolumeRef target, String snapshotRef) {
                VolumeFormat format = formatOf(target);
                if (ExternalSnapshots.isExternal(snapshotRef)) {
                    external.revert(existingFile(target), target.name(), snapshotRef);
                } else {
                    format.revertSnapshot(existingFile(target), snapshotRef);
                }
            }

            @Override
            public void deleteSnapshot(VolumeRef target, String snapshotRef) {
                if (ExternalSnapshots.isExternal(snapshotRef)) {
                    external.delete(fileOf(target.name()), target.name(), snapshotRef);
                } else {
                    formatOf(target).deleteSnapshot(existingFile(target), snapshotRef);
                }
            }

            @Override
            public void reclaimLeakedSpace(VolumeRef target) {
                formatOf(target).reclaimLeakedSpace(existingFile(target));
            }

            @Override
            public BlockDevice openSnapshot(VolumeRef target, String snapshotRef) {
                VolumeFormat format = formatOf(target);
                return ExternalSnapshots.isExternal(snapshotRef) ? external.open(target.name(), snapshotRef)
                        : format.openSnapshot(existingFile(target), snapshotRef);
            }

            @Override
            public StoredVolume cloneSnapshot(VolumeRef target, String snapshotRef, String newVolumeName,
                                              Progress progress) {
                if (ExternalSnapshots.isExternal(snapshotRef)) {
                    VolumeFormat overlays = external.overlays().orElseThrow();
                    return cloneInto(overlays, newVolumeName, part -> copyInto(overlays, part,
                            external.open(target.name(), snapshotRef), progress));
                }
                Path source = existingFile(target);
                VolumeFormat format = formatOf(target);
                return cloneInto(format, newVolumeName,
                        part -> format.cloneSnapshot(source, snapshotRef, part, progress));
            }

            /**
             * Raw volumes and external chains copy the head's bytes (zero blocks skipped) into a new file, raw
             * or qcow2: a transient external snapshot would turn a raw volume into an overlay. qcow2 volumes
             * with internal snapshots clone through a transient internal one (a file copy).
             */
            @Override
            public StoredVolume cloneHead(VolumeRef target, String newVolumeName, Progress progress) {
                VolumeFormat format = formatOf(target);
                Path file = existingFile(target);
                if (format.makesOverlays() && !external.hasChain(file, target.name())) {
                    return SnapshotEngine.super.cloneHead(target, newVolumeName, progress);
                }
                VolumeFormat into = format.makesOverlays() ? format : formats.lookup(VolumeFormats.RAW);
                return cloneInto(into, newVolumeName, part -> copyInto(into, part, format.open(file, false), progress));
            }

            @Override
            public void changedExtents(VolumeRef target, String fromSnapshotRef, String toSnapshotRef,
                                       dev.cairn.pool.spi.ExtentSink sink) {
                VolumeFormat format = formatOf(target);
                boolean externalRefs = (fromSnapshotRef != null && ExternalSnapshots.isExternal(fromSnapshotRef))
                        || (toSnapshotRef != null && ExternalSnapshots.isExternal(toSnapshotRef))
                        || external.hasChain(existingFile(target), target.name()) || !format.makesOverlays();
                if (!externalRefs) {
                    format.changedExtents(existingFile(target), fromSnapshotRef, toSnapshotRef, sink);
                    return;
                }
                external.changedExtents(existingFile(target), format, target.name(), fromSnapshotRef, toSnapshotRef,
                        sink);
            }
        };
    }

    /** Copies a snapshot's bytes, all but zero blocks, into a new file of the overlay format. */
    private static void copyInto(VolumeFormat format, Path part, BlockDevice from, Progress progress) {
        try (from) {
            long total = from.capacityBytes();
            format.create(part, total);
            try (BlockDevice to = format.open(part, true)) {
                dev.cairn.pool.spi.DeviceCopy.nonZeroBlocks(from, to, progress);
                to.flush();
            }
        }
    }

    /**
     * Copies under a hidden name, then gives the copy its name with a hard link, which fails when the name
     * is taken: the volume appears whole or not at all, and never replaces another file.
     */
    private StoredVolume cloneInto(VolumeFormat format, String newVolumeName,
                                   java.util.function.Consumer<Path> writePart) {
        Path file = fileOf(newVolumeName);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw nameTaken(newVolumeName, null);
        }
        Path part = definition.path().resolve("." + newVolumeName + CLONE_PART);
        try {
            Files.deleteIfExists(part);
            writePart.accept(part);
            Files.createLink(file, part);
            Files.delete(part);
            PoolDirectories.forceDirectory(definition.path());
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(part, e);
            throw nameTaken(newVolumeName, e);
        } catch (IOException e) {
            CairnException failure = StorageFailures.translate("clone into volume '" + newVolumeName + "'", e);
            deleteQuietly(part, failure);
            throw failure;
        } catch (RuntimeException e) {
            deleteQuietly(part, e);
            throw e;
        }
        return stored(newVolumeName, format, file);
    }

    private void removeInterruptedClones() {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(definition.path(), ".*" + CLONE_PART)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            // A pool whose directory cannot be listed reports that on first use; nothing to tidy here.
        }
    }

    private CairnException nameTaken(String name, Exception cause) {
        return new CairnException(ErrorCode.NAME_TAKEN, "pool '" + definition.name() + "' already holds a file named '"
                + name + "' (refresh the pool to adopt it)", Map.of("pool", definition.name(), "volume", name), cause);
    }

    /** The file of volume {@code name}; the name rule keeps it a direct child of the pool directory. */
    private Path fileOf(String name) {
        Path file = definition.path().resolve(ResourceName.require("volume", name));
        if (!definition.path().equals(file.getParent())) {
            throw CairnException.invalidArgument("volume name '" + name + "' leaves the pool");
        }
        return file;
    }

    private Path existingFile(VolumeRef volume) {
        Path file = fileOf(volume.name());
        if (!FileAllocation.isRegularFile(file)) {
            throw CairnException.noVolume(definition.name(), volume.name())
                    .with("detail", "the volume's file is missing from " + definition.path());
        }
        return file;
    }

    private Optional<String> whyNotAVolume(Path entry, String name) {
        if (!ResourceName.isValid(name)) {
            return Optional.of("not a valid volume name");
        }
        if (Files.isSymbolicLink(entry)) {
            return Optional.of("symbolic link (volumes must be files inside the pool)");
        }
        if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not a regular file");
        }
        return Optional.empty();
    }

    /** Lists a probed file as a volume, or as ignored when its format cannot read it (corrupt, hostile). */
    private void adopt(String name, VolumeFormat format, Path file, List<StoredVolume> volumes, List<String> ignored) {
        try {
            Optional<String> escape = escapingBackingFile(format, file);
            if (escape.isPresent()) {
                ignored.add(name + ": " + escape.get());
                return;
            }
            volumes.add(stored(name, format, file));
        } catch (CairnException unreadable) {
            ignored.add(name + ": " + unreadable.getMessage());
        }
    }

    /**
     * Why {@code file}'s backing chain may not be served, if it may not: a backing file that does not resolve
     * (links followed) inside this pool's directory would let a volume read files the pool does not own.
     */
    private Optional<String> escapingBackingFile(VolumeFormat format, Path file) {
        try {
            Path pool = definition.path().toRealPath();
            for (Path backing : format.backingFiles(file)) {
                if (!Files.exists(backing)) {
                    return Optional.of("its backing file " + backing + " does not exist");
                }
                if (!backing.toRealPath().startsWith(pool)) {
                    return Optional.of("its backing file " + backing + " lies outside the pool; refused");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw StorageFailures.translate("check the backing chain of " + file.getFileName(), e);
        }
    }

    private Optional<VolumeFormat> probe(Path file) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return formats.probe(in.readNBytes(VolumeFormat.PROBE_BYTES));
        } catch (IOException e) {
            throw StorageFailures.translate("probe " + file.getFileName(), e);
        }
    }

    private StoredVolume stored(String name, VolumeFormat format, Path file) {
        try {
            return new StoredVolume(name, format.name(), file.toString(), format.capacityBytes(file),
                    FileAllocation.allocatedBytes(file));
        } catch (IOException e) {
            throw StorageFailures.translate("describe volume '" + name + "'", e);
        }
    }

    private static void deleteQuietly(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
