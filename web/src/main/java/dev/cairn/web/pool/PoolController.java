package dev.cairn.web.pool;

import dev.cairn.api.PoolCreateRequest;
import dev.cairn.api.PoolInfo;
import dev.cairn.api.RefreshReport;
import io.swagger.v3.oas.annotations.Operation;
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

/** {@code /api/v1/pools}: pool lifecycle. */
@RestController
@RequestMapping(path = "/api/v1/pools", produces = "application/json")
@Tag(name = "pools", description = "Storage pools: define, start, stop, refresh, undefine")
class PoolController {
    private final PoolService pools;

    PoolController(PoolService pools) {
        this.pools = pools;
    }

    @GetMapping
    @Operation(operationId = "listPools", summary = "List pools")
    List<PoolInfo> list() {
        return pools.list();
    }

    @PostMapping(consumes = "application/json")
    @Operation(operationId = "createPool", summary = "Define, build and start a pool",
            description = "Storage the path already holds is adopted, as by refresh.")
    @ResponseStatus(HttpStatus.CREATED)
    PoolInfo create(@RequestBody PoolCreateRequest request, HttpServletResponse response) {
        PoolInfo created = pools.create(request);
        response.setHeader(HttpHeaders.LOCATION, "/api/v1/pools/" + created.name());
        return created;
    }

    @GetMapping("/{pool}")
    @Operation(operationId = "getPool", summary = "Describe a pool")
    PoolInfo get(@PathVariable String pool) {
        return pools.get(pool);
    }

    @PostMapping("/{pool}/start")
    @Operation(operationId = "startPool", summary = "Start a pool")
    PoolInfo start(@PathVariable String pool) {
        return pools.start(pool);
    }

    @PostMapping("/{pool}/stop")
    @Operation(operationId = "stopPool", summary = "Stop a pool; its volumes stay")
    PoolInfo stop(@PathVariable String pool) {
        return pools.stop(pool);
    }

    @PostMapping("/{pool}/refresh")
    @Operation(operationId = "refreshPool", summary = "Rescan storage: adopt volumes that appeared, forget those that vanished")
    RefreshReport refresh(@PathVariable String pool) {
        return pools.refresh(pool);
    }

    @DeleteMapping("/{pool}")
    @Operation(operationId = "deletePool", summary = "Undefine a pool",
            description = "Refused with HAS_VOLUMES while it holds volumes, unless purge=true, which deletes them "
                    + "and the pool's storage.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String pool, @RequestParam(defaultValue = "false") boolean purge) {
        pools.delete(pool, purge);
    }
}
