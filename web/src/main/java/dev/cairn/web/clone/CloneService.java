package dev.cairn.web.clone;

import dev.cairn.api.CloneRequest;
import dev.cairn.api.JobInfo;
import dev.cairn.api.VolumeInfo;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Progress;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeRef;
import dev.cairn.web.StorageLocks;
import dev.cairn.web.catalog.JobRow;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.job.JobService;
import dev.cairn.web.pool.ActivePools;
import dev.cairn.web.pool.PoolService;
import dev.cairn.web.volume.VolumeService;
import dev.cairn.web.volume.VolumeService.VolumeHandle;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Clones: new volumes holding a snapshot's content (or a volume's content now) that share nothing the
 * user can lose with their origin. Within a pool the engine clones (a shared device in chunk pools,
 * O(1) and answered at once; a copied file in dir pools, run as a job); into another pool the bytes are
 * copied, as a job. The new name is reserved in the target pool from the request until the volume is
 * recorded, so nothing else can take it while the copy runs.
 */
@Service
public class CloneService {
    private static final Logger LOG = LoggerFactory.getLogger(CloneService.class);

    private final PoolService pools;
    private final ActivePools active;
    private final VolumeService volumes;
    private final VolumeRepository volumeRows;
    private final JobService jobs;
    private final StorageLocks locks;

    CloneService(PoolService pools, ActivePools active, VolumeService volumes, VolumeRepository volumeRows,
                 JobService jobs, StorageLocks locks) {
        this.pools = pools;
        this.active = active;
        this.volumes = volumes;
        this.volumeRows = volumeRows;
        this.jobs = jobs;
        this.locks = locks;
    }

    /** The answer to a clone request: the volume when it is already made, else the job making it. */
    public record Outcome(VolumeInfo volume, JobInfo job) {
    }

    /** Clones snapshot {@code snapshot} of volume {@code volume} into a new volume. */
    public Outcome cloneSnapshot(String pool, String volume, String snapshot, CloneRequest request) {
        return start(pool, volume, snapshot, request);
    }

    /**
     * Clones the volume's content now: a snapshot only this clone sees is taken, cloned and dropped, while
     * the volume is held still (writes to it wait for the clone).
     */
    public Outcome cloneVolume(String pool, String volume, CloneRequest request) {
        return start(pool, volume, null, request);
    }

    private Outcome start(String pool, String volume, String snapshot, CloneRequest request) {
        VolumeHandle source = volumes.resolve(pool, volume);
        if (snapshot != null) {
            volumes.snapshotOf(source, snapshot);
        }
        String targetPoolName = request.pool() == null ? pool : request.pool();
        PoolRow targetPool = pools.lookup(targetPoolName);
        ActivePool target = active.require(targetPoolName);
        boolean samePool = targetPool.id().equals(source.pool().id());
        SnapshotEngine engine = source.storage().snapshots(source.ref());
        VolumeService.Reservation reservation = locks.inNamespace(targetPoolName,
                () -> volumes.reserveName(targetPool, request.name()));
        Function<Progress, String> work = progress -> {
            try {
                StoredVolume made = snapshot == null
                        ? locks.changing(pool, volume, () -> cloneHead(pool, volume, samePool, target,
                                request.name(), progress))
                        : locks.reading(pool, volume, () -> {
                            VolumeHandle now = volumes.resolve(pool, volume);
                            SnapshotRow row = volumes.snapshotOf(now, snapshot);
                            return cloneContent(now, row.engineRef(), samePool, target, request.name(), progress);
                        });
                locks.inNamespace(targetPoolName, () -> volumes.register(targetPool, target, made));
                return made.name();
            } finally {
                reservation.release();
            }
        };
        try {
            if (samePool && engine.clonesInstantly()) {
                work.apply(Progress.NONE);
                return new Outcome(volumes.get(targetPoolName, request.name()), null);
            }
            return new Outcome(null, jobs.submit(new JobService.Subject("clone", pool, volume, snapshot,
                    targetPoolName, request.name()), work));
        } catch (RuntimeException e) {
            reservation.release();
            throw e;
        }
    }

    /** Within the pool the engine clones the head; into another pool the head's bytes are copied (it is held still). */
    private StoredVolume cloneHead(String pool, String volume, boolean samePool, ActivePool target, String name,
                                   Progress progress) {
        VolumeHandle now = volumes.resolve(pool, volume);
        if (samePool) {
            return now.storage().snapshots(now.ref()).cloneHead(now.ref(), name, progress);
        }
        return copyInto(now.storage().open(now.ref(), false), now.row().format(), target, name, progress);
    }

    private StoredVolume cloneContent(VolumeHandle source, String engineRef, boolean samePool, ActivePool target,
                                      String name, Progress progress) {
        SnapshotEngine engine = source.storage().snapshots(source.ref());
        if (samePool) {
            return engine.cloneSnapshot(source.ref(), engineRef, name, progress);
        }
        return copyInto(engine.openSnapshot(source.ref(), engineRef), source.row().format(), target, name, progress);
    }

    /** Copies {@code from} (closed after) into a new volume of {@code target}; nothing is left on failure. */
    private static StoredVolume copyInto(BlockDevice from, String format, ActivePool target, String name,
                                         Progress progress) {
        try (from) {
            StoredVolume made = target.createVolume(name, from.capacityBytes(), format);
            VolumeRef ref = new VolumeRef(made.name(), made.format());
            try (BlockDevice to = target.open(ref, true)) {
                dev.cairn.pool.spi.DeviceCopy.nonZeroBlocks(from, to, progress);
                to.flush();
            } catch (RuntimeException e) {
                target.deleteVolume(ref);
                throw e;
            }
            return target.describe(ref);
        }
    }

    /**
     * Settles the clones the last stop interrupted, so that a job says failed exactly when no clone is left:
     * <ul>
     *   <li>a clone that was made whole and recorded before the stop (the job's own end was not) is the job's
     *       result: the job is marked succeeded;</li>
     *   <li>within a pool a clone appears under its name only when whole, so one the start's reconciliation
     *       adopted is whole too, and is the job's result as well;</li>
     *   <li>a copy into another pool that the reconciliation adopted may be partial: it is removed, and the
     *       job stays failed.</li>
     * </ul>
     */
    @EventListener(ApplicationReadyEvent.class)
    void settleInterruptedClones() {
        for (JobRow job : jobs.interruptedByLastStop()) {
            if (!"clone".equals(job.kind()) || job.targetPool() == null) {
                continue;
            }
            try {
                PoolRow pool = pools.lookup(job.targetPool());
                boolean samePool = job.targetPool().equals(job.pool());
                volumeRows.findByPoolIdAndName(pool.id(), job.targetVolume())
                        .filter(row -> !row.createdAt().isBefore(job.createdAt()))
                        .ifPresent(row -> {
                            boolean adoptedNow = row.createdAt().isAfter(jobs.startedAt());
                            if (samePool || !adoptedNow) {
                                jobs.markSucceeded(job.id(), row.name());
                                LOG.info("clone '{}' of pool '{}' was whole when the service stopped; its job {} "
                                        + "succeeded", row.name(), pool.name(), job.id());
                            } else if (row.currentSnapshotId() == null) {
                                LOG.warn("removing volume '{}' of pool '{}': an interrupted copy left it partial",
                                        row.name(), pool.name());
                                volumes.delete(pool.name(), row.name(), null);
                            }
                        });
            } catch (RuntimeException e) {
                LOG.warn("could not settle interrupted job {}: {}", job.id(), e.getMessage());
            }
        }
    }
}
