package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks the service to define, build and start a pool.
 *
 * @param name pool name (see {@link ResourceName})
 * @param type driver type, e.g. {@code dir}
 * @param path absolute directory for the pool's storage; absent: {@code <data-dir>/pools/<name>}
 */
public record PoolCreateRequest(
        @JsonPropertyDescription("pool name: 1-128 characters of A-Za-z0-9._- not starting with . or -") String name,
        @JsonPropertyDescription("driver type: dir or chunk") String type,
        @JsonPropertyDescription("absolute directory for the pool's storage; absent: <data-dir>/pools/<name>")
        String path) {
    public PoolCreateRequest {
        ResourceName.require("pool", name);
        if (type == null || type.isBlank()) {
            throw CairnException.invalidArgument("pool type is required");
        }
        if (path != null && (path.isBlank() || path.indexOf('\0') >= 0)) {
            throw CairnException.invalidArgument("pool path must be a non-empty absolute path");
        }
    }
}
