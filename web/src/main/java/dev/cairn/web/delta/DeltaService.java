package dev.cairn.web.delta;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.ResourceName;
import dev.cairn.api.SnapshotInfo;
import dev.cairn.pool.delta.DeltaExport;
import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaReader;
import dev.cairn.pool.delta.DeltaVisitor;
import dev.cairn.pool.delta.SnapshotIdentity;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Extent;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.VolumeRef;
import dev.cairn.web.CairnProperties;
import dev.cairn.web.StorageLocks;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.pool.StartedPoolHook;
import dev.cairn.web.snapshot.SnapshotService;
import dev.cairn.web.volume.VolumeService;
import dev.cairn.web.volume.VolumeService.VolumeHandle;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Snapshot deltas (docs/delta-format.md): export streams what differs between two snapshots of a volume, at
 * the cost of what changed; apply makes a volume hold a delta's target snapshot, atomically.
 *
 * <p>Apply, in order: the whole stream is staged to a file and verified (every record's CRC32C, the record
 * count, the SHA-256 of the stream) before any storage is touched, so a truncated, corrupted or interrupted
 * upload changes nothing. Then, alone on the volume: a safety snapshot of the head, a journal naming it,
 * revert to the base (or clear the head, for a full image), the records written, the target snapshot
 * taken and recorded, the safety snapshot dropped, the journal removed. A failure on the way reverts the
 * head to the safety snapshot; a crash on the way is undone the same way when the service next starts the
 * pool, before it reconciles storage with the catalog.
 */
@Service
public class DeltaService implements StartedPoolHook {
    /** The media type of delta streams. */
    public static final String MEDIA_TYPE = "application/vnd.cairn.delta";
    /** The unit written in exported headers; informational for appliers (format document). */
    static final int GRANULARITY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(DeltaService.class);

    private final VolumeService volumes;
    private final SnapshotService snapshotService;
    private final SnapshotRepository snapshots;
    private final VolumeRepository volumeRows;
    private final StorageLocks locks;
    private final TransactionTemplate transaction;
    private final Path staging;
    private final dev.cairn.web.pool.PoolNamespace namespace;

    DeltaService(VolumeService volumes, SnapshotService snapshotService, SnapshotRepository snapshots,
                 VolumeRepository volumeRows, StorageLocks locks, TransactionTemplate transaction,
                 CairnProperties properties, dev.cairn.web.pool.PoolNamespace namespace) {
        this.namespace = namespace;
        this.volumes = volumes;
        this.snapshotService = snapshotService;
        this.snapshots = snapshots;
        this.volumeRows = volumeRows;
        this.locks = locks;
        this.transaction = transaction;
        this.staging = properties.dataDir().resolve("staging");
        removeStagedStreams();
    }

    /**
     * Streams the delta from snapshot {@code from} (null: a full image) to snapshot {@code to} into the
     * response. Errors found before the first byte are answered as problems; a failure later cuts the stream
     * short, which readers see as a missing end record.
     */
    public void export(String pool, String volume, String to, String from, HttpServletResponse response) {
        export(pool, volume, to, from, header -> {
            response.setContentType(MEDIA_TYPE);
            response.setHeader("Content-Disposition", "attachment; filename=\"" + volume + "-"
                    + header.base().map(base -> base.name() + "-").orElse("") + to + ".delta\"");
            try {
                return response.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Writes the delta from {@code from} (null: a full image) to {@code to} into the stream {@code open} gives
     * once the header is known and every check passed; returns the header.
     */
    public DeltaHeader export(String pool, String volume, String to, String from,
                              java.util.function.Function<DeltaHeader, OutputStream> open) {
        return locks.reading(pool, volume, () -> {
            VolumeHandle handle = volumes.resolve(pool, volume);
            SnapshotRow target = volumes.snapshotOf(handle, to);
            SnapshotRow base = from == null ? null : volumes.snapshotOf(handle, from);
            if (base != null && base.id().equals(target.id())) {
                throw CairnException.invalidArgument("from names the exported snapshot itself; a delta needs an "
                        + "older base, or none for a full image");
            }
            SnapshotEngine engine = handle.storage().snapshots(handle.ref());
            try (BlockDevice content = engine.openSnapshot(handle.ref(), target.engineRef())) {
                DeltaHeader header = base == null
                        ? DeltaHeader.full(content.capacityBytes(), GRANULARITY_BYTES, identity(target))
                        : DeltaHeader.incremental(content.capacityBytes(), capacity(engine, handle, base),
                                GRANULARITY_BYTES, identity(base), identity(target));
                OutputStream out = new BufferedOutputStream(open.apply(header), 1 << 16);
                DeltaExport export = DeltaExport.start(out, header, content);
                engine.changedExtents(handle.ref(), base == null ? null : base.engineRef(), target.engineRef(),
                        export);
                export.finish();
                out.flush();
                return header;
            } catch (IOException e) {
                throw new UncheckedIOException("delta export of " + pool + "/" + volume + "@" + to + " interrupted", e);
            }
        });
    }

    /**
     * Applies a delta stream to a volume: it must hold the base snapshot (by identity), or have no snapshots
     * for a full image. The result is a new snapshot with the target's identity and name, current, and the
     * volume's head at its content.
     *
     * @throws CairnException {@code INVALID_DELTA} for a stream that is not whole and valid or whose base
     *     capacity differs; {@code NO_SNAPSHOT} when the base is missing; {@code NAME_TAKEN};
     *     {@code OPERATION_INVALID} for a full image onto a volume with snapshots, or a target already there
     */
    public SnapshotInfo apply(String pool, String volume, InputStream body) {
        volumes.resolve(pool, volume);
        Path staged = stage();
        try {
            DeltaHeader header;
            try (OutputStream copy = new BufferedOutputStream(Files.newOutputStream(staged), 1 << 16);
                 InputStream tee = new Tee(new BufferedInputStream(body, 1 << 16), copy)) {
                header = new DeltaReader(tee).readAll(DeltaVisitor.ignoring());
            } catch (UncheckedIOException | IOException e) {
                throw new CairnException(ErrorCode.INVALID_DELTA, "the delta stream broke off before its end: "
                        + e.getMessage(), Map.of("pool", pool, "volume", volume), e);
            }
            String name = header.target().name();
            return locks.changing(pool, volume, () -> {
                applyStaged(volumes.resolve(pool, volume), header, staged);
                return snapshotService.get(pool, volume, name);
            });
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                LOG.warn("cannot remove the staged delta {}: {}", staged, e.toString());
            }
        }
    }

    private void applyStaged(VolumeHandle handle, DeltaHeader header, Path staged) {
        SnapshotEngine engine = handle.storage().snapshots(handle.ref());
        SnapshotRow base = header.base().map(identity -> requireBase(handle, engine, header, identity)).orElse(null);
        if (base == null && snapshots.countByVolumeId(handle.row().id()) > 0) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "a full image applies only to a volume without "
                    + "snapshots; volume '" + handle.row().name() + "' has some", context(handle), null);
        }
        String name = header.target().name();
        if (!ResourceName.isValid(name) || name.equals("current")) {
            throw new CairnException(ErrorCode.INVALID_DELTA, "the delta's target name '" + name + "' is not a "
                    + "valid snapshot name", context(handle), null);
        }
        volumes.requireFreeName(handle.pool(), name);
        if (snapshots.findByVolumeIdAndUuid(handle.row().id(), header.target().id()).isPresent()) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "volume '" + handle.row().name() + "' already "
                    + "holds the delta's target " + header.target().id() + ": it was applied before",
                    context(handle), null);
        }
        String safetyRef = engine.createSnapshot(handle.ref(), "pre-delta-" + header.target().id());
        ApplyJournal journal = ApplyJournal.begin(staging, handle.pool().name(), handle.row().name(),
                handle.row().format(), header.target().id(), safetyRef);
        String targetRef = null;
        try {
            if (base != null) {
                engine.revert(handle.ref(), base.engineRef());
            } else {
                clearHead(handle, engine);
            }
            writeRecords(handle, header, staged);
            targetRef = engine.createSnapshot(handle.ref(), name);
            journal = journal.withTarget(targetRef);
            String ref = targetRef;
            String format = handle.storage().describe(handle.ref()).format();
            transaction.executeWithoutResult(status -> {
                SnapshotRow row = snapshots.save(new SnapshotRow(null, handle.pool().id(), handle.row().id(), name,
                        header.target().id(), base == null ? null : base.id(), null, ref, Instant.now(), false));
                volumeRows.save(handle.row().withCurrentSnapshotId(row.id()).withFormat(format));
            });
        } catch (RuntimeException e) {
            undo(handle.storage(), journal, e);
            throw e;
        }
        engine.deleteSnapshot(handle.ref(), safetyRef);
        journal.delete();
        namespace.save(handle.pool(), handle.row().id());
    }

    private SnapshotRow requireBase(VolumeHandle handle, SnapshotEngine engine, DeltaHeader header,
                                    SnapshotIdentity identity) {
        SnapshotRow base = snapshots.findByVolumeIdAndUuid(handle.row().id(), identity.id())
                .orElseThrow(() -> new CairnException(ErrorCode.NO_SNAPSHOT, "volume '" + handle.row().name()
                        + "' has no snapshot " + identity.id() + " ('" + identity.name() + "'), the delta's base",
                        context(handle), null));
        long capacity = capacity(engine, handle, base);
        if (capacity != header.baseCapacityBytes()) {
            throw new CairnException(ErrorCode.INVALID_DELTA, "the delta starts from " + header.baseCapacityBytes()
                    + " bytes but base snapshot '" + base.name() + "' holds " + capacity, context(handle), null);
        }
        return base;
    }

    /** Zeroes every range the head maps, so that a full image lands on an empty volume. */
    private static void clearHead(VolumeHandle handle, SnapshotEngine engine) {
        List<Extent> mapped = new ArrayList<>();
        engine.changedExtents(handle.ref(), null, null, mapped::add);
        try (BlockDevice head = handle.storage().open(handle.ref(), true)) {
            for (Extent extent : mapped) {
                if (extent.kind() == Extent.Kind.DATA) {
                    head.writeZeroes(extent.offsetBytes(), extent.lengthBytes());
                }
            }
            head.flush();
        }
    }

    private static void writeRecords(VolumeHandle handle, DeltaHeader header, Path staged) {
        ActivePool storage = handle.storage();
        if (storage.describe(handle.ref()).capacityBytes() != header.capacityBytes()) {
            storage.resize(handle.ref(), header.capacityBytes(), true);
        }
        try (BlockDevice head = storage.open(handle.ref(), true);
             InputStream in = new BufferedInputStream(Files.newInputStream(staged), 1 << 16)) {
            new DeltaReader(in).readAll(new DeltaVisitor() {
                @Override
                public void data(long offsetBytes, byte[] bytes) {
                    head.write(offsetBytes, ByteBuffer.wrap(bytes));
                }

                @Override
                public void zero(long offsetBytes, long lengthBytes) {
                    head.writeZeroes(offsetBytes, lengthBytes);
                }

                @Override
                public void resize(long capacityBytes) {
                    if (capacityBytes != header.capacityBytes()) {
                        throw new CairnException(ErrorCode.INVALID_DELTA, "the delta resizes to " + capacityBytes
                                + " bytes but its header says " + header.capacityBytes());
                    }
                }
            });
            head.flush();
        } catch (IOException e) {
            throw StorageFailures.translate("read the staged delta", e);
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_DELTA, "the delta writes outside the volume: "
                    + e.getMessage(), e);
        }
    }

    /** Puts the head back to the safety snapshot and drops what the apply made. */
    private static void undo(ActivePool storage, ApplyJournal journal, RuntimeException cause) {
        try {
            VolumeRef ref = new VolumeRef(journal.volume(), journal.format());
            SnapshotEngine engine = storage.snapshots(ref);
            engine.revert(ref, journal.safetyRef());
            if (journal.targetRef() != null) {
                engine.deleteSnapshot(ref, journal.targetRef());
            }
            engine.deleteSnapshot(ref, journal.safetyRef());
            journal.delete();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("could not undo the delta apply on {}/{}; the journal {} stays for the next start",
                    journal.pool(), journal.volume(), journal.file(), e);
        }
    }

    /**
     * Finishes what a crash interrupted on this pool: an apply whose target the catalog recorded only lacks
     * the cleanup; any other is undone, the head going back to its safety snapshot.
     */
    @Override
    public void started(PoolRow pool, ActivePool storage) {
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(staging, "*" + ApplyJournal.SUFFIX)) {
            for (Path file : journals) {
                ApplyJournal journal = ApplyJournal.read(file);
                if (!journal.pool().equals(pool.name())) {
                    continue;
                }
                VolumeRef ref = new VolumeRef(journal.volume(), journal.format());
                boolean recorded = volumeRows.findByPoolIdAndName(pool.id(), journal.volume())
                        .flatMap(row -> snapshots.findByVolumeIdAndUuid(row.id(), journal.target())).isPresent();
                if (recorded) {
                    storage.snapshots(ref).deleteSnapshot(ref, journal.safetyRef());
                    journal.delete();
                    LOG.info("finished the delta apply on {}/{} that a stop interrupted", pool.name(), ref.name());
                } else {
                    LOG.warn("undoing the delta apply on {}/{} that a stop interrupted", pool.name(), ref.name());
                    undo(storage, journal, new IllegalStateException("interrupted delta apply"));
                    reclaimLeakedSpace(storage, pool, ref);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("could not recover interrupted delta applies in pool {}", pool.name(), e);
        }
    }

    /** The apply the stop interrupted may have left clusters allocated and unreferenced: give them back. */
    private static void reclaimLeakedSpace(ActivePool storage, PoolRow pool, VolumeRef ref) {
        try {
            storage.snapshots(ref).reclaimLeakedSpace(ref);
        } catch (RuntimeException e) {
            LOG.warn("could not reclaim the space the interrupted delta apply left in {}/{}", pool.name(), ref.name(),
                    e);
        }
    }

    private Path stage() {
        try {
            Files.createDirectories(staging);
            return Files.createTempFile(staging, "apply-", ".delta");
        } catch (IOException e) {
            throw StorageFailures.translate("stage a delta", e);
        }
    }

    private void removeStagedStreams() {
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (DirectoryStream<Path> staged = Files.newDirectoryStream(staging, "{apply,replicate}-*.delta")) {
            for (Path file : staged) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot tidy the staging directory {}: {}", staging, e.toString());
        }
    }

    private static long capacity(SnapshotEngine engine, VolumeHandle handle, SnapshotRow snapshot) {
        try (BlockDevice device = engine.openSnapshot(handle.ref(), snapshot.engineRef())) {
            return device.capacityBytes();
        }
    }

    private static SnapshotIdentity identity(SnapshotRow row) {
        return new SnapshotIdentity(row.uuid(), row.name());
    }

    private static Map<String, String> context(VolumeHandle handle) {
        return Map.of("pool", handle.pool().name(), "volume", handle.row().name());
    }

    /** Copies what is read into a second stream: the staged copy of an upload being verified. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(n, 8192)];
            int read = read(sink, 0, sink.length);
            return Math.max(read, 0);
        }
    }
}
