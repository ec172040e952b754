package dev.cairn.web.clone;

import dev.cairn.api.CloneRequest;
import dev.cairn.api.JobInfo;
import dev.cairn.api.VolumeInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Clones of a snapshot, or of a volume's content now, into new independent volumes. */
@RestController
@RequestMapping(path = "/api/v1/pools/{pool}/volumes/{vol}", produces = "application/json")
@Tag(name = "clones", description = "New independent volumes from snapshots or volumes")
class CloneController {
    private final CloneService clones;

    CloneController(CloneService clones) {
        this.clones = clones;
    }

    @PostMapping(path = "/snapshots/{snap}/clone", consumes = "application/json")
    @Operation(operationId = "cloneSnapshot", summary = "Make a new volume holding the snapshot's content",
            description = "The clone outlives the snapshot and its volume. In a chunk pool it shares the store's "
                    + "chunks and is made at once (201). In a dir pool, or into another pool, it is a copy made by "
                    + "a job (202, Location of the job).")
    @ApiResponse(responseCode = "201", description = "the clone, made",
            content = @Content(schema = @Schema(implementation = VolumeInfo.class)))
    @ApiResponse(responseCode = "202", description = "the job making the clone",
            content = @Content(schema = @Schema(implementation = JobInfo.class)))
    ResponseEntity<Object> cloneSnapshot(@PathVariable String pool, @PathVariable String vol,
                                         @PathVariable String snap, @RequestBody CloneRequest request) {
        return answer(clones.cloneSnapshot(pool, vol, snap, request));
    }

    @PostMapping(path = "/clone", consumes = "application/json")
    @Operation(operationId = "cloneVolume", summary = "Make a new volume holding the volume's content now",
            description = "Snapshot, clone and delete that snapshot as one command; the volume's writes wait "
                    + "while it runs. Answers as cloneSnapshot does.")
    @ApiResponse(responseCode = "201", description = "the clone, made",
            content = @Content(schema = @Schema(implementation = VolumeInfo.class)))
    @ApiResponse(responseCode = "202", description = "the job making the clone",
            content = @Content(schema = @Schema(implementation = JobInfo.class)))
    ResponseEntity<Object> cloneVolume(@PathVariable String pool, @PathVariable String vol,
                                       @RequestBody CloneRequest request) {
        return answer(clones.cloneVolume(pool, vol, request));
    }

    private static ResponseEntity<Object> answer(CloneService.Outcome outcome) {
        if (outcome.job() != null) {
            return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + outcome.job().id()))
                    .body(outcome.job());
        }
        VolumeInfo made = outcome.volume();
        return ResponseEntity.created(URI.create("/api/v1/pools/" + made.pool() + "/volumes/" + made.name()))
                .body(made);
    }
}
