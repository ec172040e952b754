package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks for a new volume holding a snapshot's content (or the volume's content now).
 *
 * @param name the new volume's name, free in the target pool
 * @param pool the target pool; absent: the source's own pool
 */
public record CloneRequest(
        @JsonPropertyDescription("the new volume's name, free in the target pool") String name,
        @JsonPropertyDescription("target pool; absent: the source's own pool (another pool makes a copy)")
        String pool) {
    public CloneRequest {
        if (name == null) {
            throw CairnException.invalidArgument("name is required: the new volume's name");
        }
        ResourceName.require("volume", name);
        if (pool != null) {
            ResourceName.require("pool", pool);
        }
    }
}
