package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks the service to define, build and start a pool.
 *
 * @param name pool name (see {@link ResourceName})
 * @param type driver type, e.g. {@code dir}
 * @param path absolute directory for the pool's storage; absent: {@code <data-dir>/pools/<name>}
 * @param capacity chunk pools: bytes the store may hold (absent: the file system's free space at build)
 * @param chunkSize chunk pools: allocation unit in bytes, a power of two from 4096 to 1048576 (absent: 65536)
 */
public record PoolCreateRequest(
        @JsonPropertyDescription("pool name: 1-128 characters of A-Za-z0-9._- not starting with . or -") String name,
        @JsonPropertyDescription("driver type: dir or chunk") String type,
        @JsonPropertyDescription("absolute directory for the pool's storage; absent: <data-dir>/pools/<name>")
        String path,
        @JsonPropertyDescription("chunk pools: bytes the store may hold; absent: the file system's free space")
        Long capacity,
        @JsonPropertyDescription("chunk pools: allocation unit in bytes, a power of two from 4096 to 1048576; "
                + "absent: 65536")
        Integer chunkSize) {
    public PoolCreateRequest {
        ResourceName.require("pool", name);
        if (type == null || type.isBlank()) {
            throw CairnException.invalidArgument("pool type is required");
        }
        if (path != null && (path.isBlank() || path.indexOf('\0') >= 0)) {
            throw CairnException.invalidArgument("pool path must be a non-empty absolute path");
        }
        if (capacity != null && capacity <= 0) {
            throw CairnException.invalidArgument("pool capacity must be at least 1 byte, got " + capacity);
        }
        if (chunkSize != null && chunkSize <= 0) {
            throw CairnException.invalidArgument("chunk size must be positive, got " + chunkSize);
        }
    }

    /** A request with only the name, type and path. */
    public PoolCreateRequest(String name, String type, String path) {
        this(name, type, path, null, null);
    }
}
