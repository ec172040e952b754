package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks the service to create a volume.
 *
 * @param name volume name (see {@link ResourceName})
 * @param capacity virtual size in bytes, at least 1
 * @param format {@code raw} or {@code qcow2}; absent: {@code raw}. Chunk pools ignore it.
 */
public record VolumeCreateRequest(
        @JsonPropertyDescription("volume name: 1-128 characters of A-Za-z0-9._- not starting with . or -") String name,
        @JsonPropertyDescription("virtual size in bytes, at least 1") Long capacity,
        @JsonPropertyDescription("raw or qcow2; absent: raw") String format) {
    public VolumeCreateRequest {
        ResourceName.require("volume", name);
        Capacity.require(capacity);
    }
}
