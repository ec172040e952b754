package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;

/**
 * A long operation (a copying clone, a delta, a replication) and how far it has got.
 *
 * @param id the job's identity ({@code /api/v1/jobs/{id}})
 * @param kind what it does: {@code clone}, {@code merge}, {@code delta-apply}, {@code replicate}
 * @param state {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param bytesDone bytes processed so far
 * @param bytesTotal bytes to process in all (0 until known)
 * @param pool the source pool
 * @param volume the source volume
 * @param snapshot the source snapshot, when there is one
 * @param targetPool where the result goes, when elsewhere than the source
 * @param targetVolume the volume the job makes or changes
 * @param createdAt when it was asked for
 * @param finishedAt when it succeeded or failed
 * @param problem why it failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobInfo(
        UUID id,
        @JsonPropertyDescription("clone, merge, delta-apply or replicate") String kind,
        @JsonPropertyDescription("queued, running, succeeded or failed") String state,
        long bytesDone,
        @JsonPropertyDescription("0 until known") long bytesTotal,
        String pool,
        String volume,
        String snapshot,
        String targetPool,
        String targetVolume,
        Instant createdAt,
        Instant finishedAt,
        @JsonPropertyDescription("why the job failed (problem+json fields)") JobProblem problem) {

    /** The states of a job. */
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /**
     * Why a job failed, as the problem+json answer a request would have had.
     *
     * @param code the stable error code
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobProblem(String type, String title, int status, String detail, String code) {
    }
}
