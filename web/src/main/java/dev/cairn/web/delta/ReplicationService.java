package dev.cairn.web.delta;

import dev.cairn.api.CairnException;
import dev.cairn.api.Connect;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.JobInfo;
import dev.cairn.api.ReplicateRequest;
import dev.cairn.api.SnapshotInfo;
import dev.cairn.api.StoragePool;
import dev.cairn.api.StorageVol;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Progress;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.web.CairnProperties;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.job.JobService;
import dev.cairn.web.volume.VolumeService;
import dev.cairn.web.volume.VolumeService.VolumeHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Replication of a volume to a volume of another Cairn service, through that service's REST API (with the
 * SDK): the snapshots on the path from the root to the current snapshot are sent as deltas, a full image
 * first, then each one from the one before. The target's snapshots say, by uuid, how far an earlier run
 * got, so a run after an interruption sends only what the target lacks. Runs as a job.
 */
@Service
public class ReplicationService {
    private final VolumeService volumes;
    private final SnapshotRepository snapshots;
    private final DeltaService deltas;
    private final JobService jobs;
    private final Path staging;

    ReplicationService(VolumeService volumes, SnapshotRepository snapshots, DeltaService deltas, JobService jobs,
                       CairnProperties properties) {
        this.volumes = volumes;
        this.snapshots = snapshots;
        this.deltas = deltas;
        this.jobs = jobs;
        this.staging = properties.dataDir().resolve("staging");
    }

    /**
     * Starts replicating; {@code OPERATION_INVALID} at once when the volume has no current snapshot. The job
     * fails with the target's own problem when the target refuses (wrong token, missing pool, ...).
     */
    public JobInfo replicate(String pool, String volume, ReplicateRequest request) {
        VolumeHandle handle = volumes.resolve(pool, volume);
        if (handle.row().currentSnapshotId() == null) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "volume '" + volume + "' has no current snapshot: "
                    + "take one first; replication sends snapshots", Map.of("pool", pool, "volume", volume), null);
        }
        return jobs.submit(new JobService.Subject("replicate", pool, volume, null, request.pool(), request.volume()),
                progress -> send(pool, volume, request, progress));
    }

    private String send(String pool, String volume, ReplicateRequest request, Progress progress) {
        List<SnapshotRow> chain = currentBranch(pool, volume);
        try (Connect target = new Connect(request.url(), request.token())) {
            StorageVol remote = targetVolume(target.storagePoolLookupByName(request.pool()), request, pool, volume,
                    chain.get(0));
            Set<UUID> held = remote.listSnapshotInfos().stream().map(SnapshotInfo::uuid).collect(Collectors.toSet());
            int next = 0;
            for (int i = chain.size() - 1; i >= 0; i--) {
                if (held.contains(chain.get(i).uuid())) {
                    next = i + 1;
                    break;
                }
            }
            if (next == 0 && !held.isEmpty()) {
                throw new CairnException(ErrorCode.OPERATION_INVALID, "target volume '" + request.volume() + "' holds "
                        + "snapshots, none of them on the current branch of '" + volume + "': refusing to mix them",
                        Map.of("pool", request.pool(), "volume", request.volume()), null);
            }
            long sent = 0;
            for (int k = next; k < chain.size(); k++) {
                sent += sendOne(pool, volume, k == 0 ? null : chain.get(k - 1).name(), chain.get(k).name(), remote,
                        sent, progress);
            }
            progress.advance(sent, sent);
        }
        return request.volume();
    }

    /** Exports one delta to a staged file and applies it on the target; returns its size. */
    private long sendOne(String pool, String volume, String from, String to, StorageVol remote, long sentBefore,
                         Progress progress) {
        Path file = null;
        try {
            Files.createDirectories(staging);
            file = Files.createTempFile(staging, "replicate-", ".delta");
            try (OutputStream out = Files.newOutputStream(file)) {
                deltas.export(pool, volume, to, from, header -> out);
            }
            long size = Files.size(file);
            progress.advance(sentBefore, sentBefore + size);
            try (InputStream in = Files.newInputStream(file)) {
                remote.applyDelta(in, size);
            }
            progress.advance(sentBefore + size, sentBefore + size);
            return size;
        } catch (IOException e) {
            throw StorageFailures.translate("stage a delta of " + pool + "/" + volume + "@" + to, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover replicate-*.delta is removed at the next start
                }
            }
        }
    }

    private StorageVol targetVolume(StoragePool remotePool, ReplicateRequest request, String pool, String volume,
                                    SnapshotRow first) {
        try {
            return remotePool.storageVolLookupByName(request.volume());
        } catch (CairnException e) {
            if (e.errorCode() != ErrorCode.NO_STORAGE_VOL) {
                throw e;
            }
            VolumeHandle handle = volumes.resolve(pool, volume);
            long capacity;
            try (BlockDevice device = handle.storage().snapshots(handle.ref()).openSnapshot(handle.ref(),
                    first.engineRef())) {
                capacity = device.capacityBytes();
            }
            // qcow2: the format every pool can snapshot (a dir pool's raw volumes cannot; chunk pools ignore it).
            return remotePool.storageVolCreate(request.volume(), capacity, "qcow2");
        }
    }

    /** The snapshots from the root down to the current one, oldest first. */
    private List<SnapshotRow> currentBranch(String pool, String volume) {
        VolumeHandle handle = volumes.resolve(pool, volume);
        List<SnapshotRow> chain = new ArrayList<>();
        Long id = handle.row().currentSnapshotId();
        while (id != null) {
            SnapshotRow row = snapshots.findById(id).orElseThrow();
            chain.add(row);
            id = row.parentId();
        }
        if (chain.isEmpty()) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "volume '" + volume + "' has no current snapshot",
                    Map.of("pool", pool, "volume", volume), null);
        }
        Collections.reverse(chain);
        return chain;
    }
}
