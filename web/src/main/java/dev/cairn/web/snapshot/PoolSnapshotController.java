package dev.cairn.web.snapshot;

import dev.cairn.api.SnapshotInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/pools/{pool}/snapshots}: the pool-wide snapshot namespace. */
@RestController
@RequestMapping(path = "/api/v1/pools/{pool}/snapshots", produces = "application/json")
@Tag(name = "snapshots")
class PoolSnapshotController {
    private final SnapshotService snapshots;

    PoolSnapshotController(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @GetMapping
    @Operation(operationId = "listPoolSnapshots", summary = "Every snapshot of every volume of the pool, by name")
    List<SnapshotInfo> list(@PathVariable String pool) {
        return snapshots.listPool(pool);
    }

    @GetMapping("/{snap}")
    @Operation(operationId = "getPoolSnapshot", summary = "A snapshot by its pool-unique name")
    SnapshotInfo get(@PathVariable String pool, @PathVariable String snap) {
        return snapshots.getInPool(pool, snap);
    }
}
