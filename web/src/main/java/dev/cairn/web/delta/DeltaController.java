package dev.cairn.web.delta;

import dev.cairn.api.JobInfo;
import dev.cairn.api.ReplicateRequest;
import dev.cairn.api.SnapshotInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Snapshot deltas: export between two snapshots, apply onto a volume (docs/delta-format.md). */
@RestController
@RequestMapping(path = "/api/v1/pools/{pool}/volumes/{vol}")
@Tag(name = "deltas", description = "What changed between snapshots, shipped and applied atomically")
class DeltaController {
    private final DeltaService deltas;
    private final ReplicationService replication;

    DeltaController(DeltaService deltas, ReplicationService replication) {
        this.deltas = deltas;
        this.replication = replication;
    }

    @PostMapping(path = "/replicate", consumes = "application/json", produces = "application/json")
    @Operation(operationId = "replicateVolume", summary = "Send the volume's snapshots to another Cairn service",
            description = "A job sends the snapshots from the root to the current one that the target volume lacks "
                    + "(matched by uuid) as deltas: a full image first, then each from the one before. Run again, it "
                    + "sends only what was added since, or what an interrupted run did not apply.")
    @ApiResponse(responseCode = "202", description = "the replication job",
            content = @Content(schema = @Schema(implementation = JobInfo.class)))
    ResponseEntity<JobInfo> replicate(@PathVariable String pool, @PathVariable String vol,
                                      @org.springframework.web.bind.annotation.RequestBody ReplicateRequest request) {
        JobInfo job = replication.replicate(pool, vol, request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @GetMapping(path = "/snapshots/{snap}/delta", produces = DeltaService.MEDIA_TYPE)
    @Operation(operationId = "exportDelta", summary = "Stream the delta from a base snapshot to this one",
            description = "Only what differs is read and sent; zero ranges are sent as zero records. Without "
                    + "from, a full image. A stream cut short lacks its end record, which appliers refuse.")
    @ApiResponse(responseCode = "200", description = "the delta stream",
            content = @Content(mediaType = DeltaService.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    void export(@PathVariable String pool, @PathVariable String vol, @PathVariable String snap,
                @Parameter(description = "the base snapshot (of the same volume); absent: a full image")
                @RequestParam(required = false) String from, HttpServletResponse response) {
        deltas.export(pool, vol, snap, from, response);
    }

    @PostMapping(path = "/delta", consumes = DeltaService.MEDIA_TYPE, produces = "application/json")
    @Operation(operationId = "applyDelta", summary = "Apply a delta stream to the volume, atomically",
            description = "The volume must hold the delta's base snapshot (by identity), or have no snapshots for a "
                    + "full image. The stream is verified whole before anything changes; the result is a new current "
                    + "snapshot with the target's identity and name, and the head at its content. A refused or "
                    + "broken stream leaves the volume and its snapshots as they were.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = DeltaService.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "201", description = "the snapshot the delta made",
            content = @Content(schema = @Schema(implementation = SnapshotInfo.class)))
    ResponseEntity<SnapshotInfo> apply(@PathVariable String pool, @PathVariable String vol,
                                       HttpServletRequest request) {
        SnapshotInfo made;
        try {
            made = deltas.apply(pool, vol, request.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("delta upload into " + pool + "/" + vol + " interrupted", e);
        }
        return ResponseEntity.created(URI.create("/api/v1/pools/" + pool + "/volumes/" + vol + "/snapshots/"
                + made.name())).body(made);
    }
}
