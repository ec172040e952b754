package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks the service to change a volume's capacity.
 *
 * @param capacity the new virtual size in bytes, at least 1
 */
public record ResizeRequest(@JsonPropertyDescription("new virtual size in bytes, at least 1") Long capacity) {
    public ResizeRequest {
        Capacity.require(capacity);
    }
}
