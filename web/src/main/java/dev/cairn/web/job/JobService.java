package dev.cairn.web.job;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.JobInfo;
import dev.cairn.pool.spi.Progress;
import dev.cairn.web.catalog.JobRepository;
import dev.cairn.web.catalog.JobRow;
import dev.cairn.web.problem.Problems;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs long operations in the background, at most {@link #WORKERS} at a time, and keeps their record in
 * the catalog: queued, running, then succeeded or failed with the problem a request would have answered.
 * Progress lives in memory while a job runs. A job the service was running when it stopped is marked
 * failed when the service next starts, so none stays running forever.
 */
@Service
public class JobService {
    /** How many jobs run at once; more wait in the queue. */
    static final int WORKERS = 2;
    /** The most jobs one listing returns. */
    static final int MAX_LIST = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final JobRepository jobs;
    private final Instant startedAt = Instant.now();
    private final List<JobRow> interrupted;
    private final Map<UUID, AtomicLongArray> progress = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    JobService(JobRepository jobs) {
        this.jobs = jobs;
        this.interrupted = List.copyOf(jobs.unfinished());
        int failed = jobs.failUnfinished(startedAt);
        if (failed > 0) {
            LOG.warn("{} job(s) were running when the service stopped; marked failed", failed);
        }
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(WORKERS, work -> {
            Thread thread = new Thread(work, "cairn-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What a job works on: the source, and the target when there is one. */
    public record Subject(String kind, String pool, String volume, String snapshot, String targetPool,
                          String targetVolume) {
    }

    /**
     * Queues {@code work}, which reports its progress and returns the name of the volume it made or changed.
     *
     * @return the queued job
     */
    public JobInfo submit(Subject subject, Function<Progress, String> work) {
        JobRow queued = jobs.save(new JobRow(UUID.randomUUID(), null, subject.kind(), JobInfo.QUEUED, 0, 0,
                subject.pool(), subject.volume(), subject.snapshot(), subject.targetPool(), subject.targetVolume(),
                Instant.now(), null, null, null, null));
        progress.put(queued.id(), new AtomicLongArray(2));
        workers.execute(() -> run(queued, work));
        return info(queued);
    }

    /** One job; {@code NO_JOB} when there is none of that id. */
    public JobInfo get(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw noJob(id);
        }
        return jobs.findById(uuid).map(this::info).orElseThrow(() -> noJob(id));
    }

    /** The newest jobs first, at most {@code limit} of them. */
    public List<JobInfo> list(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw CairnException.invalidArgument("limit must be from 1 to " + MAX_LIST + ", not " + limit);
        }
        return jobs.newestFirst(limit).stream().map(this::info).toList();
    }

    /** The jobs that were queued or running when the service last stopped, as they were then. */
    public List<JobRow> interruptedByLastStop() {
        return interrupted;
    }

    /**
     * Records that a job the last stop interrupted had in fact finished (its result was whole and recorded
     * before the stop).
     */
    public void markSucceeded(UUID id, String resultVolume) {
        jobs.findById(id).ifPresent(row -> jobs.save(row.succeeded(row.bytesTotal(), row.bytesTotal(),
                resultVolume)));
    }

    /** When this service started: catalog rows made after it were made by this run. */
    public Instant startedAt() {
        return startedAt;
    }

    private void run(JobRow queued, Function<Progress, String> work) {
        AtomicLongArray counters = progress.get(queued.id());
        JobRow running = jobs.save(queued.running());
        try {
            String result = work.apply((done, total) -> {
                counters.set(0, done);
                counters.set(1, total);
            });
            jobs.save(running.succeeded(counters.get(0), counters.get(1), result));
        } catch (CairnException e) {
            jobs.save(running.failed(counters.get(0), counters.get(1), e.getCode(), e.errorCode().httpStatus(),
                    truncate(e.getMessage())));
        } catch (RuntimeException | Error e) {
            LOG.error("job {} ({}) failed", queued.id(), queued.kind(), e);
            jobs.save(running.failed(counters.get(0), counters.get(1), ErrorCode.INTERNAL.name(),
                    ErrorCode.INTERNAL.httpStatus(), truncate(String.valueOf(e))));
        } finally {
            progress.remove(queued.id());
        }
    }

    private JobInfo info(JobRow row) {
        AtomicLongArray live = progress.get(row.id());
        long done = live == null ? row.bytesDone() : live.get(0);
        long total = live == null ? row.bytesTotal() : live.get(1);
        JobInfo.JobProblem problem = row.problemCode() == null ? null : new JobInfo.JobProblem(
                Problems.type(ErrorCode.valueOf(row.problemCode())).toString(),
                ErrorCode.valueOf(row.problemCode()).title(), row.problemStatus(), row.problemDetail(),
                row.problemCode());
        return new JobInfo(row.id(), row.kind(), row.state(), done, total, row.pool(), row.volume(), row.snapshot(),
                row.targetPool(), row.targetVolume(), row.createdAt(), row.finishedAt(), problem);
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= 4096 ? detail : detail.substring(0, 4096);
    }

    private static CairnException noJob(String id) {
        return new CairnException(ErrorCode.NO_JOB, "there is no job '" + id + "'", Map.of("job", id), null);
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
