package dev.cairn.web.snapshot;

import dev.cairn.api.SnapshotCreateRequest;
import dev.cairn.api.SnapshotInfo;
import dev.cairn.api.VolumeInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code …/volumes/{vol}/snapshots}: a volume's snapshot tree. */
@RestController
@RequestMapping(path = "/api/v1/pools/{pool}/volumes/{vol}/snapshots", produces = "application/json")
@Tag(name = "snapshots", description = "The snapshot tree of a volume")
class SnapshotController {
    private final SnapshotService snapshots;

    SnapshotController(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @GetMapping
    @Operation(operationId = "listSnapshots", summary = "List a volume's snapshots, oldest first",
            description = "Filters combine: roots, leaves, descendants of a snapshot. Pages with offset and limit.")
    List<SnapshotInfo> list(@PathVariable String pool, @PathVariable String vol,
                            @Parameter(description = "only snapshots without a parent")
                            @RequestParam(defaultValue = "false") boolean roots,
                            @Parameter(description = "only snapshots without children")
                            @RequestParam(defaultValue = "false") boolean leaves,
                            @Parameter(description = "only snapshots below this one")
                            @RequestParam(required = false) String descendantsOf,
                            @RequestParam(defaultValue = "0") long offset,
                            @Parameter(description = "at most this many, 1 to 10000")
                            @RequestParam(defaultValue = "1000") long limit) {
        return snapshots.list(pool, vol, new SnapshotFilter(roots, leaves, descendantsOf, offset, limit));
    }

    @PostMapping(consumes = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createSnapshot", summary = "Snapshot the volume's content now",
            description = "The parent is the current snapshot; the new snapshot becomes current. Without a name, "
                    + "one is generated from the time. Names share the pool's namespace with volumes.")
    SnapshotInfo create(@PathVariable String pool, @PathVariable String vol,
                        @RequestBody(required = false) SnapshotCreateRequest request, HttpServletResponse response) {
        SnapshotInfo created = snapshots.create(pool, vol,
                request == null ? new SnapshotCreateRequest(null, null) : request);
        response.setHeader(HttpHeaders.LOCATION,
                "/api/v1/pools/" + pool + "/volumes/" + vol + "/snapshots/" + created.name());
        return created;
    }

    @GetMapping("/current")
    @Operation(operationId = "getCurrentSnapshot", summary = "The current snapshot",
            description = "NO_SNAPSHOT (404) when the volume has none.")
    SnapshotInfo current(@PathVariable String pool, @PathVariable String vol) {
        return snapshots.current(pool, vol);
    }

    @GetMapping("/{snap}")
    @Operation(operationId = "getSnapshot", summary = "Describe a snapshot")
    SnapshotInfo get(@PathVariable String pool, @PathVariable String vol, @PathVariable String snap) {
        return snapshots.get(pool, vol, snap);
    }

    @PostMapping("/{snap}/revert")
    @Operation(operationId = "revertToSnapshot", summary = "Give the volume the snapshot's content",
            description = "The snapshot becomes current; the volume's content since the current snapshot is lost "
                    + "unless snapshotted first.")
    SnapshotInfo revert(@PathVariable String pool, @PathVariable String vol, @PathVariable String snap) {
        return snapshots.revert(pool, vol, snap);
    }

    @DeleteMapping("/{snap}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteSnapshot", summary = "Delete a snapshot",
            description = "children=rebase (default) gives its children its parent; children=delete removes its "
                    + "descendants too; children=only removes just the descendants. metadataOnly=true forgets the "
                    + "snapshots without touching storage.")
    void delete(@PathVariable String pool, @PathVariable String vol, @PathVariable String snap,
                @Parameter(schema = @Schema(allowableValues = {"rebase", "delete", "only"}))
                @RequestParam(required = false) String children,
                @RequestParam(defaultValue = "false") boolean metadataOnly) {
        snapshots.delete(pool, vol, snap, ChildrenMode.parse(children), metadataOnly);
    }

    @PostMapping("/{snap}/merge")
    @Operation(operationId = "mergeSnapshot", summary = "Fold the snapshot into the volume",
            description = "The volume takes the snapshot's content (its unsnapshotted changes are discarded, as "
                    + "with revert, wherever the snapshot lies in the tree), the snapshot disappears, its children "
                    + "get its parent, and its parent becomes current. Answers the volume as it then is.")
    VolumeInfo merge(@PathVariable String pool, @PathVariable String vol, @PathVariable String snap) {
        return snapshots.merge(pool, vol, snap);
    }
}
